"""The layer graph of a Keras model config, without Keras: a Sequential or a Functional with one
image input and one output, models nested in it replaced by their layers, in an order to run them.

Sources (git -C /work/.mirror/keras-team+keras/repo show TAG:PATH): "K3" = v3.13.2
keras/src/models/functional.py, sequential.py and ops/function.py; "TF2" = v2.10.0
keras/engine/functional.py, sequential.py and node.py.
  inbound nodes  one per call of the layer. K3 (and its legacy .h5): {"args": [...], "kwargs":
                 {...}}, each tensor {"class_name": "__keras_tensor__", "config": {"keras_history":
                 [layer, node index, tensor index]}}, a merge layer's list in args[0] (K3
                 functional.py serialize_node); TF2: [[layer, node index, tensor index, kwargs],
                 ...] (node.py serialize). A layer's inputs are the tensors in that order (args,
                 then kwargs). A layer called more than once (shared) is refused. Node indices
                 are not checked: TF2 counts a nested Functional's own first node (functional.py
                 _should_skip_first_node) and writes 1 where K3 writes 0.
  Sequential     each layer reads the one before; the first reads the InputLayer or, when the
                 config has none, an implicit input: TF2 names it "<first layer>_input"
                 (sequential.py add), K3 builds an unnamed InputLayer, auto-named "input_layer"
                 (sequential.py build); its shape is the first layer's batch_input_shape (found
                 in the first layer of a nested model, TF2 training_utils
                 get_input_shape_and_dtype) or the config's build_input_shape.
  nested models  a Sequential or Functional used as a layer (the transfer-learning
                 Sequential([base, GlobalAveragePooling2D(), Dense(5)])) is replaced by its
                 layers: its InputLayer by the tensor it is called on, its output by its output
                 layer's. Its layers keep their names, except where a name occurs twice among
                 the layers of the model that contains it: then those of the nested model are
                 named "<nested model>/<name>" (outwards again for deeper nesting).
  order          K3 and TF2 list a Functional's layers by decreasing depth (K3 ops/function.py
                 map_graph), an order to run them in, but nothing requires a file to: layers
                 run in the stable Kahn order of the file order (nested models spliced in), i.e.
                 of the layers whose inputs are ready, the first in the file; that is the file
                 order whenever the file order is one to run them in.
Every layer must lead to the output (Keras writes no others).
"""
import heapq
from collections import Counter
from dataclasses import dataclass, field

MODELS = ("Sequential", "Functional", "Model")


class GraphError(Exception):
    """A model config whose graph the reference cannot run; the message says what and why."""


@dataclass(eq=False)
class Entry:
    name: str  # the layer's name in its own model
    class_name: str
    config: dict
    inbound: list  # names of the entries of the same model it reads, one per input tensor
    tree: "Tree" = None  # a nested model's own layers
    flat: str = None  # a layer's name in the flattened graph
    sources: list = field(default_factory=list)  # its inputs' names in the flattened graph


@dataclass(eq=False)
class Tree:
    name: str
    model_class: str  # Sequential or Functional
    trainable: bool
    entries: list  # Entry, in config order, the InputLayer included when the config has one
    input_name: str
    output_name: str


def _name(entry):
    return entry.get("name") or entry["config"]["name"]


def _history(obj):
    """[(layer, node index, tensor index)] of the tensors one inbound node passes, in order."""
    if isinstance(obj, dict):
        if obj.get("class_name") == "__keras_tensor__":
            return [tuple(obj["config"]["keras_history"][:3])]
        return [h for v in obj.values() for h in _history(v)]
    if isinstance(obj, (list, tuple)):
        if len(obj) >= 3 and isinstance(obj[0], str) and isinstance(obj[1], int) \
                and isinstance(obj[2], int):
            return [tuple(obj[:3])]
        return [h for v in obj for h in _history(v)]
    return []


def _shape_of(cfg):
    for key in ("batch_shape", "batch_input_shape"):
        if cfg.get(key):
            return list(cfg[key])[1:]
    return None


def _entries(model_cfg):
    cfg = model_cfg["config"]
    return cfg if isinstance(cfg, list) else cfg["layers"]


def _implicit_shape(raw):
    """The input shape of a Sequential without an InputLayer, from its first layer."""
    while raw:
        first = raw[0]
        shape = _shape_of(first["config"])
        if shape is not None or first["class_name"] not in MODELS:
            return shape
        raw = _entries(first)
    return None


def _sequential(model_cfg, name, flavor):
    raw = list(_entries(model_cfg))
    if not raw:
        raise GraphError(f"model '{name}' has no layers")
    if raw[0]["class_name"] == "InputLayer":
        input_name = _name(raw[0])
    else:
        input_name = f"{_name(raw[0])}_input" if flavor == "tf2" else "input_layer"
    entries, previous = [], input_name
    for e in raw:
        inbound = [] if e["class_name"] == "InputLayer" else [previous]
        entries.append(Entry(_name(e), e["class_name"], e["config"], inbound))
        previous = entries[-1].name
    return entries, input_name, previous


def _end(cfg, key, name):
    refs = cfg[key]
    refs = [refs] if refs and isinstance(refs[0], str) else refs
    if len(refs) != 1:
        raise GraphError(f"model '{name}' has {len(refs)} {key.split('_')[0]}s: only "
                         "single-input, single-output models are supported")
    return refs[0][0]


def _functional(model_cfg, name):
    cfg = model_cfg["config"]
    input_name, output_name = _end(cfg, "input_layers", name), _end(cfg, "output_layers", name)
    entries = []
    for e in cfg["layers"]:
        layer = _name(e)
        nodes = e.get("inbound_nodes") or []
        if e["class_name"] == "InputLayer":
            if layer != input_name:
                raise GraphError(f"model '{name}' has a second input '{layer}': only "
                                 "single-input models are supported")
            entries.append(Entry(layer, "InputLayer", e["config"], []))
            continue
        if len(nodes) != 1:
            raise GraphError(f"layer '{layer}' ({e['class_name']}) is called {len(nodes)} times "
                             f"in model '{name}': each layer must be called once")
        refs = _history(nodes[0])
        if not refs:
            raise GraphError(f"layer '{layer}' ({e['class_name']}) takes no input")
        for source, _, tensor in refs:
            if tensor != 0:
                raise GraphError(f"layer '{layer}' reads output {tensor} of '{source}': layers "
                                 "with several outputs are not supported")
        entries.append(Entry(layer, e["class_name"], e["config"], [r[0] for r in refs]))
    known = {e.name for e in entries}
    for e in entries:
        for source in e.inbound:
            if source not in known:
                raise GraphError(f"layer '{e.name}' reads '{source}', which is not a layer of "
                                 f"model '{name}'")
    if output_name not in known:
        raise GraphError(f"the output '{output_name}' is not a layer of model '{name}'")
    return entries, input_name, output_name


def read_tree(model_cfg, flavor, name=None):
    """The Tree of a Sequential or Functional config, nested models read as Trees too."""
    cls = model_cfg["class_name"]
    cfg = model_cfg["config"]
    name = name or (cfg.get("name", "") if isinstance(cfg, dict) else "")
    if cls == "Sequential":
        entries, input_name, output_name = _sequential(model_cfg, name, flavor)
    elif cls in ("Functional", "Model"):
        entries, input_name, output_name = _functional(model_cfg, name)
        cls = "Functional"
    else:
        raise GraphError(f"model class '{cls}' is not supported (only Sequential or Functional)")
    raw = {_name(e): e for e in _entries(model_cfg)}
    for e in entries:
        if e.class_name in MODELS:
            e.tree = read_tree(raw[e.name], flavor, e.name)
            if len(e.inbound) != 1:
                raise GraphError(f"nested model '{e.name}' takes {len(e.inbound)} inputs: only "
                                 "single-input models are supported")
    trainable = cfg.get("trainable", True) if isinstance(cfg, dict) else True
    return Tree(name, cls, trainable, entries, input_name, output_name)


def _flat_names(tree, top):
    """{leaf Entry: its name in the flattened graph} under `tree` (see the module docstring)."""
    named = {}  # leaf -> (nested model that holds it at this level or None, name so far)
    for e in tree.entries:
        if e.tree is not None:
            named.update({leaf: (e.name, n) for leaf, n in _flat_names(e.tree, False).items()})
        elif e.class_name != "InputLayer":
            named[e] = (None, e.name)
    reserved = [tree.input_name] if top else []  # the model's input keeps its name
    counts = Counter([n for _, n in named.values()] + reserved)
    flat = {leaf: f"{holder}/{n}" if holder is not None and counts[n] > 1 else n
            for leaf, (holder, n) in named.items()}
    twice = sorted(n for n, c in Counter(list(flat.values()) + reserved).items() if c > 1)
    if twice:
        raise GraphError(f"layer names {twice} occur twice once nested models are flattened")
    return flat


def leaves(tree):
    """The leaf Entries under `tree` in file order, nested models spliced in."""
    for e in tree.entries:
        if e.tree is not None:
            yield from leaves(e.tree)
        elif e.class_name != "InputLayer":
            yield e


def _resolve_sources(top):
    """Sets each leaf's `sources`: the flattened names of the tensors it reads."""
    parent = {}  # nested Tree -> (the Tree that holds it, its Entry there)

    def walk(tree):
        for e in tree.entries:
            if e.tree is not None:
                parent[e.tree] = (tree, e)
                walk(e.tree)
    walk(top)

    def produced(tree, name):
        if name == tree.input_name:
            if tree is top:
                return top.input_name
            holder, entry = parent[tree]
            return produced(holder, entry.inbound[0])
        e = next(x for x in tree.entries if x.name == name)
        return produced(e.tree, e.tree.output_name) if e.tree is not None else e.flat

    for tree in [top] + list(parent):
        for e in tree.entries:
            if e.tree is None and e.class_name != "InputLayer":
                e.sources = [produced(tree, n) for n in e.inbound]
    return produced(top, top.output_name)


def execution_order(leaves, input_name, output_name):
    """The stable Kahn order of `leaves` (file order); refuses cycles and dead ends."""
    index = {e.flat: i for i, e in enumerate(leaves)}
    waiting, consumers = [], {}
    for i, e in enumerate(leaves):
        needed = set(e.sources) - {input_name}
        for s in needed:
            if s not in index:
                raise GraphError(f"layer '{e.flat}' reads '{s}', which no layer produces")
            consumers.setdefault(s, []).append(i)
        waiting.append(len(needed))
    ready = [i for i, n in enumerate(waiting) if n == 0]
    heapq.heapify(ready)
    order = []
    while ready:
        i = heapq.heappop(ready)
        order.append(leaves[i])
        for j in consumers.get(leaves[i].flat, []):
            waiting[j] -= 1
            if waiting[j] == 0:
                heapq.heappush(ready, j)
    if len(order) != len(leaves):
        stuck = [e.flat for e in leaves if e not in order]
        raise GraphError(f"layers {stuck} depend on each other in a cycle")
    used, todo = set(), [output_name]
    while todo:
        name = todo.pop()
        if name in index and name not in used:
            used.add(name)
            todo += leaves[index[name]].sources
    unused = [e.flat for e in order if e.flat not in used]
    if unused:
        raise GraphError(f"layers {unused} do not lead to the output '{output_name}'")
    return order


def parse(model_cfg, flavor):
    """(Tree, input HWC, note, leaf Entries in execution order with `flat` and `sources` set)."""
    tree = read_tree(model_cfg, flavor)
    inputs = [e for e in tree.entries if e.class_name == "InputLayer"]
    if inputs:
        shape = _shape_of(inputs[0].config)
        note = "the model's InputLayer"
    else:
        shape = _implicit_shape(list(_entries(model_cfg)))
        if shape is None and isinstance(model_cfg["config"], dict):
            built = model_cfg["config"].get("build_input_shape")
            shape = list(built)[1:] if built else None
        note = ("no InputLayer in the config: named as Keras " +
                ("2 names it (first layer + '_input')" if flavor == "tf2" else "3 names it"))
    if shape is None or len(shape) != 3 or None in shape:
        raise GraphError(f"input shape {shape}: an image input (height, width, channels) "
                         "is needed")
    for leaf, name in _flat_names(tree, True).items():
        leaf.flat = name
    output = _resolve_sources(tree)
    order = execution_order(list(leaves(tree)), tree.input_name, output)
    return tree, tuple(int(s) for s in shape), note, order
