"""Model-level configs: config.json of a .keras and model_config of a legacy .h5.

Keras 3: serialization_lib.serialize_keras_object(model) -> {module, class_name, config,
registered_name, build_config, compile_config}; Sequential.get_config (models/sequential.py:
layers incl. the InputLayer, then Model/Layer.get_config's name, trainable, dtype, then
build_input_shape), Functional.get_config (models/functional.py: layers with name and
inbound_nodes [{"args", "kwargs"}], input_layers, output_layers). In a legacy .h5 the same
get_config runs with use_legacy_config, so layers are {class_name, config}
(legacy/saving/serialization.py) and nothing is shared.
tf.keras: engine/sequential.py and engine/functional.py get_config/get_network_config (nodes
as [[layer, node_index, tensor_index, kwargs]]); v2.13.1 .keras wraps objects like Keras 3.
Layer order of a functional model follows ops/function.py map_graph (engine/functional.py
_map_graph_network in tf.keras): by depth from the outputs, ties by first DFS visit. A nested
model in a layer list is serialize_keras_object(model): the same dict as a saved model's,
compile_config included (Trainer.get_compile_config; {} since v3.10.0).
"""
from . import config_k2, config_k3, training
from .config_k2 import K2Context
from .config_k3 import K3Context


def functional_order(spec):
    """Layers of a functional model in map_graph order."""
    order, finished, post = {}, set(), []

    def visit(n):
        if n in finished:
            return
        order.setdefault(n, len(order))
        for p in n.inputs:
            visit(p)
        finished.add(n)
        post.append(n)

    for o in spec.outputs:
        visit(o)
    depth = {}
    for n in reversed(post):
        d = depth.setdefault(n, 0)
        for p in n.inputs:
            depth[p] = max(d + 1, depth.get(p, 0))
    for i in spec.inputs:  # inputs not connected to an output
        if i not in depth:
            depth[i], order[i] = 0, -1
    return sorted(depth, key=lambda n: (-depth[n], order[n]))


def model_layers(spec):
    """`model.layers`: a Sequential hides its InputLayer."""
    if spec.api == "functional":
        return functional_order(spec)
    return [n for n in spec.nodes if n.kind != "InputLayer"]


def config_layers(spec):
    """Layers in the order the config lists them."""
    if spec.api == "functional":
        return functional_order(spec)
    return list(spec.nodes)


def _io(nodes, flat):
    refs = [[n.name, 0, 0] for n in nodes]
    if len(refs) == 1:
        return refs[0] if flat else refs
    return refs


# ---------------------------------------------------------------- Keras 3
def _k3_tensor(n):
    return {"class_name": "__keras_tensor__",
            "config": {"shape": list(n.out_shape), "dtype": "float32",
                       "keras_history": [n.name, 0, 0]}}


def _k3_node(n, flavor):
    if n.call == "list":
        args = [[_k3_tensor(i) for i in n.inputs]]
    else:
        args = [_k3_tensor(i) for i in n.inputs]
    return {"args": args, "kwargs": config_k3.call_kwargs(n, flavor)}


def _k3_layer_entry(n, spec, ctx, legacy):
    if n.kind == "Functional":  # a nested model: serialized like a model of its own
        return model_config_k3(n.args["model"], ctx.flavor, ctx.shared_id, legacy, ctx)
    inner = config_k3.layer_config(n, ctx)
    if n.kind == "ScaleLayer":  # registered custom class defined in __main__
        entry = ({"class_name": "convscope_test>ScaleLayer", "config": inner} if legacy else
                 {"module": None, "class_name": "ScaleLayer", "config": inner,
                  "registered_name": "convscope_test>ScaleLayer"})
    elif legacy:
        entry = {"class_name": n.kind, "config": inner}
    else:
        entry = ctx.class_info(n.kind)
        entry["config"] = inner
    if not legacy and ctx.has_build_config(n.kind):
        entry["build_config"] = _k3_build_config(n)
    if spec.api == "functional":
        entry["name"] = n.name
        entry["inbound_nodes"] = [] if n.kind == "InputLayer" else [_k3_node(n, ctx.flavor)]
    return entry


def _k3_build_config(n):
    if n.kind == "MultiHeadAttention":
        return {"shapes_dict": {"query_shape": list(n.in_shapes[0]),
                                "value_shape": list(n.in_shapes[1])}}
    if n.call == "list":
        return {"input_shape": [list(s) for s in n.in_shapes]}
    return {"input_shape": list(n.in_shape)}


def model_config_k3(spec, flavor, shared_id, legacy=False, ctx=None):
    """`ctx`: the enclosing model's, for a nested model (one ObjectSharingScope)."""
    ctx = ctx or K3Context(flavor, shared_id)
    entries = [_k3_layer_entry(n, spec, ctx, legacy) for n in config_layers(spec)]
    if spec.api == "functional":
        config = {"name": spec.name, "trainable": True, "layers": entries,
                  "input_layers": _io(spec.inputs, flavor.flat_single_io),
                  "output_layers": _io(spec.outputs, flavor.flat_single_io)}
        cls, module30, build = "Functional", "models.functional", {"input_shape": None}
    else:
        dtype = ctx.policy()
        config = {"name": spec.name, "trainable": True, "dtype": dtype, "layers": entries,
                  "build_input_shape": list(spec.inputs[0].out_shape)}
        cls, module30, build = "Sequential", "models.sequential", \
            {"input_shape": list(spec.inputs[0].out_shape)}
    if legacy:
        return {"class_name": cls, "config": config}
    if cls == "Functional":  # not exported: Python module and registered name
        top = {"module": "keras.src.models.functional", "class_name": cls, "config": config,
               "registered_name": "Functional"}
    else:
        top = ctx.obj("keras", cls, module30, config)
    top["build_config"] = build
    compile_config = training.compile_config_k3(spec, ctx)
    if compile_config is not None:
        top["compile_config"] = compile_config
    return top


# ---------------------------------------------------------------- tf.keras
def _k2_node(n):
    def ref(i, kwargs):
        return [i.name, 0, 0, kwargs]
    if n.call == "list":
        return [[ref(i, {}) for i in n.inputs]]
    if n.call == "qv":
        return [[ref(n.inputs[0], {"value": [n.inputs[1].name, 0, 0]})]]
    return [[ref(n.inputs[0], {})]]


def _k2_layer_entry(n, spec, ctx):
    if n.kind == "Functional":
        return model_config_k2(n.args["model"], ctx.flavor, ctx.new_format)
    inner = config_k2.layer_config(n, ctx)
    cls = "convscope_test>ScaleLayer" if n.kind == "ScaleLayer" else n.kind
    if ctx.new_format:
        if n.kind == "ScaleLayer":
            entry = {"module": None, "class_name": "ScaleLayer", "config": inner,
                     "registered_name": cls}
        else:
            entry = ctx.obj("keras.layers", n.kind, inner)
        if n.kind != "InputLayer":
            entry["build_config"] = {"input_shape": [list(s) for s in n.in_shapes]
                                     if n.call == "list" else list(n.in_shape)}
    else:
        entry = {"class_name": cls, "config": inner}
    if spec.api == "functional":
        entry["name"] = n.name
        entry["inbound_nodes"] = [] if n.kind == "InputLayer" else _k2_node(n)
    return entry


def model_config_k2(spec, flavor, new_format):
    ctx = K2Context(flavor, new_format)
    entries = [_k2_layer_entry(n, spec, ctx) for n in config_layers(spec)]
    if spec.api == "functional":
        config = {"name": spec.name}
        if new_format:
            config["trainable"] = True
        config.update({"layers": entries, "input_layers": _io(spec.inputs, False),
                       "output_layers": _io(spec.outputs, False)})
        cls = "Functional"
    else:
        config, cls = {"name": spec.name, "layers": entries}, "Sequential"
    if not new_format:
        return {"class_name": cls, "config": config}
    if cls == "Functional":
        top = {"module": "keras.src.engine.functional", "class_name": cls, "config": config,
               "registered_name": "Functional"}
    else:
        top = ctx.obj("keras", cls, config)
    top["build_config"] = {"input_shape": list(spec.inputs[0].out_shape)
                           if len(spec.inputs) == 1 else
                           [list(i.out_shape) for i in spec.inputs]}
    compile_config = training.compile_config_k2(spec, ctx)
    if compile_config is not None:
        top["compile_config"] = compile_config
    return top
