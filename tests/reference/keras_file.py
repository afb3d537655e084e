"""Reads a Keras model file into a chain of layers (name, class, config, weights), without Keras.

Formats, each as the Keras source at the named tag writes it (read with
`git -C /work/.mirror/keras-team+keras/repo show TAG:PATH`):
  .keras zip (Keras 3.0 ... 3.15)  metadata.json, config.json, model.weights.h5
      (keras/src/saving/saving_lib.py: _save_state, _save_container_state, H5IOStore). Weights
      sit in `layers/<key>/vars/<i>`, <key> = utils/naming.py to_snake_case(class name) plus
      "_N" counted per class over model.layers (a Sequential's leading InputLayer is not in
      model.layers, models/sequential.py `layers`; a Functional's is, models/functional.py
      `layers`). Since 3.6 (H5IOStore.make(path, metadata)) each `vars` group has a `name`
      attribute: used when present. 3.0 writes an empty group for each weightless layer.
  .keras zip from tf.keras 2.13  `_layer_checkpoint_dependencies/<key>/vars/<i>` (v2.13.1
      keras/saving/saving_lib.py with engine/functional.py `_layer_checkpoint_dependencies`): the
      container lists a layer with weights twice ("layer_with_weights-k" then "layer-i"), and
      _save_container_state bumps the class counter for the second (already visited) entry too.
  legacy .h5 (tf.keras 2.x keras/saving/hdf5_format.py or saving/legacy/hdf5_format.py; Keras 3
      keras/src/legacy/saving/legacy_h5_format.py): root attribute model_config, group model_weights
      with attribute layer_names, per layer attribute weight_names naming datasets in the group;
      attributes over 64 KB split into name0, name1, ... (load_attributes_from_hdf5_group).
  weights-only VGG16 .h5 (vgg16_weights_tf_dim_ordering_tf_kernels.h5 layout): no architecture;
      the keras.applications VGG16 layer sequence is rebuilt around the file's weights.
Variables per layer, in file order (trainable then non-trainable, which is also creation order):
Conv2D/Dense kernel, bias; SeparableConv2D depthwise_kernel, pointwise_kernel, bias;
BatchNormalization [gamma] [beta] moving_mean moving_variance; PReLU alpha; Normalization mean,
variance, count (only when adapted, i.e. no mean in its config).
"""
import io
import json
import re
import zipfile
from dataclasses import dataclass, field

import h5py
import numpy as np


class KerasFileError(Exception):
    """A model file convscope's reference cannot read; the message says what and why."""


@dataclass
class Layer:
    name: str
    class_name: str
    config: dict
    weights: list = field(default_factory=list)  # float64 arrays, Keras layouts (HWIO, (in, out))


@dataclass
class Model:
    path: str
    file_format: str  # keras-zip, keras-zip-tf2.13, h5, h5-weights-only
    keras_version: str
    flavor: str  # "keras3" or "tf2": selects the per-version layer semantics
    model_class: str  # Sequential or Functional
    input_name: str
    input_shape: tuple  # (H, W, C)
    input_note: str  # where the input layer's name and shape came from
    layers: list  # Layer, in execution order, without the input layer


def snake_case(name):
    """Keras' group key for a class name, e.g. MaxPooling2D -> max_pooling2d, ReLU -> re_lu:
    an underscore before every capitalised word that is not at the start, and between a lowercase
    letter and an uppercase one (keras/src/utils/naming.py to_snake_case)."""
    name = re.sub(r"\W+", "", name)
    out = []
    for i, ch in enumerate(name):
        starts_word = ch.isupper() and i + 1 < len(name) and name[i + 1].islower()
        after_lower = ch.isupper() and i > 0 and name[i - 1].islower()
        if i > 0 and (starts_word or after_lower) and out[-1] != "_":
            out.append("_")
        out.append(ch)
    return "".join(out).lower()


def weight_roles(class_name, config):
    """The variables a layer stores, in file order (see the module docstring)."""
    bias = ["bias"] if config.get("use_bias", True) else []
    if class_name in ("Conv2D", "Dense"):
        return ["kernel"] + bias
    if class_name == "DepthwiseConv2D":
        return ["depthwise_kernel"] + bias
    if class_name == "SeparableConv2D":
        return ["depthwise_kernel", "pointwise_kernel"] + bias
    if class_name == "BatchNormalization":
        return (["gamma"] if config.get("scale", True) else []) + \
               (["beta"] if config.get("center", True) else []) + ["moving_mean", "moving_variance"]
    if class_name == "PReLU":
        return ["alpha"]
    if class_name == "Normalization" and config.get("mean") is None:
        return ["mean", "variance", "count"]
    return []


def _text(v):
    if isinstance(v, bytes):
        return v.decode("utf8")
    if isinstance(v, np.ndarray) and v.shape == ():
        return _text(v[()])
    return str(v)


def _attr_list(group, name):
    """A name-list attribute, joined from name0, name1, ... when Keras split it."""
    if name in group.attrs:
        values = list(group.attrs[name])
    else:
        values, i = [], 0
        while f"{name}{i}" in group.attrs:
            values += list(group.attrs[f"{name}{i}"])
            i += 1
    return [_text(v) for v in values]


def _history_names(obj):
    """Source layer names referenced by one inbound node, in either serialization."""
    if isinstance(obj, dict):
        if obj.get("class_name") == "__keras_tensor__":
            return [obj["config"]["keras_history"][0]]
        return [n for v in obj.values() for n in _history_names(v)]
    if isinstance(obj, (list, tuple)):
        # tf.keras 2: [layer_name, node_index, tensor_index, kwargs]
        if len(obj) >= 3 and isinstance(obj[0], str) and isinstance(obj[1], int) \
                and isinstance(obj[2], int):
            return [obj[0]]
        return [n for v in obj for n in _history_names(v)]
    return []


def _entries(model_cfg):
    cfg = model_cfg["config"]
    return cfg if isinstance(cfg, list) else cfg["layers"]


def _layer_name(entry):
    return entry.get("name") or entry["config"]["name"]


def _functional_chain(model_cfg):
    """The layer entries of a Functional in execution order; refuses anything but a chain."""
    cfg = model_cfg["config"]
    entries = {_layer_name(e): e for e in cfg["layers"]}
    ends = {}
    for key in ("input_layers", "output_layers"):
        refs = cfg[key]
        refs = [refs] if refs and isinstance(refs[0], str) else refs
        if len(refs) != 1:
            raise KerasFileError(f"the model has {len(refs)} {key.split('_')[0]}s: only "
                                 "single-input, single-output chains are supported")
        ends[key] = refs[0][0]
    consumers = {name: [] for name in entries}
    for name, e in entries.items():
        nodes = e.get("inbound_nodes") or []
        if e["class_name"] == "InputLayer":
            continue
        sources = [n for node in nodes for n in _history_names(node)]
        if len(nodes) != 1 or len(sources) != 1:
            raise KerasFileError(f"layer '{name}' ({e['class_name']}) takes {len(sources)} inputs "
                                 f"over {len(nodes)} calls: only chains (each layer called once "
                                 "on the previous layer's output) are supported")
        consumers[sources[0]].append(name)
    order, name = [], ends["input_layers"]
    while True:
        order.append(entries[name])
        if len(consumers[name]) > 1:
            raise KerasFileError(f"layer '{name}' feeds {consumers[name]}: branches are not "
                                 "supported, only chains")
        if not consumers[name]:
            break
        name = consumers[name][0]
    if name != ends["output_layers"] or len(order) != len(entries):
        raise KerasFileError(f"the layers do not form one chain from '{ends['input_layers']}' to "
                             f"'{ends['output_layers']}' ({len(order)} of {len(entries)} reached)")
    return order


def _shape_of(cfg):
    for key in ("batch_shape", "batch_input_shape"):
        if cfg.get(key):
            return list(cfg[key])[1:]
    return None


def parse_architecture(model_cfg, flavor):
    """(model class, input name, input HWC, note, [(name, class, config)]) of a chain model."""
    cls = model_cfg["class_name"]
    if cls == "Sequential":
        entries = list(_entries(model_cfg))
    elif cls in ("Functional", "Model"):
        entries = _functional_chain(model_cfg)
        cls = "Functional"
    else:
        raise KerasFileError(f"model class '{cls}' is not supported (only Sequential or "
                             "Functional)")
    for e in entries:
        if e["class_name"] in ("Sequential", "Functional", "Model"):
            raise KerasFileError(f"layer '{_layer_name(e)}' is a nested model: not supported")
    if entries and entries[0]["class_name"] == "InputLayer":
        first = entries.pop(0)
        name, shape = _layer_name(first), _shape_of(first["config"])
        note = "the model's InputLayer"
    else:
        shape = _shape_of(entries[0]["config"]) if entries else None
        if shape is None and isinstance(model_cfg["config"], dict):
            built = model_cfg["config"].get("build_input_shape")
            shape = list(built)[1:] if built else None
        # tf.keras 2 names an implicit input "<first layer>_input" (engine/sequential.py add /
        # _build_graph_network_for_inferred_shape); Keras 3 builds an unnamed InputLayer, which
        # takes the auto name "input_layer" (models/sequential.py build).
        first = _layer_name(entries[0])
        name = f"{first}_input" if flavor == "tf2" else "input_layer"
        note = ("no InputLayer in the config: named as Keras " +
                ("2 names it (first layer + '_input')" if flavor == "tf2" else "3 names it"))
    if shape is None or len(shape) != 3 or None in shape:
        raise KerasFileError(f"input shape {shape}: an image input (height, width, channels) "
                             "is needed")
    layers = [(_layer_name(e), e["class_name"], e["config"]) for e in entries]
    return cls, name, tuple(int(s) for s in shape), note, layers


def _flavor(version):
    return "keras3" if version and version.split(".")[0] == "3" else "tf2"


def _check_weights(name, cls, config, arrays, where):
    roles = weight_roles(cls, config)
    if arrays and not roles:
        raise KerasFileError(f"layer '{name}': class {cls} is not supported (it stores "
                             f"{len(arrays)} variables in {where})")
    if len(arrays) != len(roles):
        raise KerasFileError(f"layer '{name}' ({cls}): {where} holds {len(arrays)} variables, "
                             f"expected {len(roles)} ({', '.join(roles) or 'none'})")
    return [np.asarray(a, dtype=np.float64) for a in arrays]


def _zip_weight_keys(root, model_class, layers, input_name):
    """{layer name: group key} for a .keras weights file (see the module docstring)."""
    named = {}
    for key in root:
        vars_ = root[key].get("vars")
        if vars_ is not None and "name" in vars_.attrs:
            named[_text(vars_.attrs["name"])] = key
    if named:
        return named
    listed = [(n, c, cfg) for n, c, cfg in layers]
    if model_class == "Functional":
        listed.insert(0, (input_name, "InputLayer", {}))
    keys, used = {}, {}
    legacy = root.name.endswith("_layer_checkpoint_dependencies")
    for name, cls, cfg in listed:
        visits = 2 if legacy and weight_roles(cls, cfg) else 1
        for v in range(visits):
            base = snake_case(cls)
            used[base] = used[base] + 1 if base in used else 0
            if v == 0:
                keys[name] = base if used[base] == 0 else f"{base}_{used[base]}"
    return keys


def _read_keras_zip(path):
    with zipfile.ZipFile(path) as z:
        names = z.namelist()
        if "config.json" not in names or "model.weights.h5" not in names:
            raise KerasFileError(f"{path}: a .keras archive needs config.json and model.weights.h5 "
                                 f"(found {names})")
        meta = json.loads(z.read("metadata.json")) if "metadata.json" in names else {}
        model_cfg = json.loads(z.read("config.json"))
        weights_bytes = z.read("model.weights.h5")
    version = meta.get("keras_version", "")
    flavor = _flavor(version)
    cls, input_name, shape, note, specs = parse_architecture(model_cfg, flavor)
    layers = []
    with h5py.File(io.BytesIO(weights_bytes), "r") as f:
        top = "layers" if "layers" in f else "_layer_checkpoint_dependencies"
        root = f[top] if top in f else {}
        keys = _zip_weight_keys(root, cls, specs, input_name) if top in f else {}
        for name, c, cfg in specs:
            arrays = []
            if name in keys and keys[name] in root and "vars" in root[keys[name]]:
                group = root[keys[name]]["vars"]
                arrays = [group[str(i)][()] for i in range(len(group))]
            where = f"{top}/{keys.get(name, '?')}/vars"
            layers.append(Layer(name, c, cfg, _check_weights(name, c, cfg, arrays, where)))
    fmt = "keras-zip" if top == "layers" else "keras-zip-tf2.13"
    return Model(path, fmt, version, flavor, cls, input_name, shape, note, layers)


def _read_h5_full(f, path):
    model_cfg = json.loads(_text(f.attrs["model_config"]))
    version = _text(f.attrs.get("keras_version", ""))
    flavor = _flavor(version)
    cls, input_name, shape, note, specs = parse_architecture(model_cfg, flavor)
    root = f["model_weights"]
    present = set(_attr_list(root, "layer_names"))
    layers = []
    for name, c, cfg in specs:
        arrays = []
        if name in present:
            arrays = [root[name][wn][()] for wn in _attr_list(root[name], "weight_names")]
        layers.append(Layer(name, c, cfg,
                            _check_weights(name, c, cfg, arrays, f"model_weights/{name}")))
    return Model(path, "h5", version, flavor, cls, input_name, shape, note, layers)


VGG16_BLOCKS = [("block1", 2), ("block2", 2), ("block3", 3), ("block4", 3), ("block5", 3)]


def _read_vgg16_weights_only(f, path, input_hw):
    root_names = _attr_list(f, "layer_names")
    weights = {n: [f[n][wn][()] for wn in _attr_list(f[n], "weight_names")] for n in root_names}
    if "block1_conv1" not in weights:
        raise KerasFileError(f"{path}: a weights-only file without an architecture; only "
                             "keras.applications VGG16 weight files (block1_conv1 ...) are known")
    if input_hw is None:
        raise KerasFileError(f"{path}: a weights-only VGG16 file has no input size; pass it")
    channels = weights["block1_conv1"][0].shape[2]
    specs = []
    for block, n in VGG16_BLOCKS:
        for i in range(1, n + 1):
            specs.append((f"{block}_conv{i}", "Conv2D", {
                "padding": "same", "strides": [1, 1], "dilation_rate": [1, 1],
                "activation": "relu", "use_bias": True}))
        specs.append((f"{block}_pool", "MaxPooling2D", {
            "pool_size": [2, 2], "strides": [2, 2], "padding": "valid"}))
    if "fc1" in weights:
        specs.append(("flatten", "Flatten", {}))
        for name, act in [("fc1", "relu"), ("fc2", "relu"), ("predictions", "softmax")]:
            specs.append((name, "Dense", {"activation": act, "use_bias": True}))
    layers = [Layer(n, c, cfg, _check_weights(n, c, cfg, weights.get(n, []), n))
              for n, c, cfg in specs]
    note = "weights-only VGG16: keras.applications' layer names, input size given by the caller"
    return Model(path, "h5-weights-only", "", "tf2", "Functional", "input_1",
                 (input_hw[0], input_hw[1], channels), note, layers)


def load(path, input_hw=None):
    """Reads any supported Keras file; `input_hw` (H, W) is needed only for weights-only VGG16."""
    if zipfile.is_zipfile(path):
        return _read_keras_zip(path)
    try:
        f = h5py.File(path, "r")
    except OSError as e:
        raise KerasFileError(f"{path}: neither a .keras archive nor an HDF5 file ({e})") from e
    with f:
        if "model_config" in f.attrs:
            return _read_h5_full(f, path)
        if "layer_names" in f.attrs or "layer_names0" in f.attrs:
            return _read_vgg16_weights_only(f, path, input_hw)
        raise KerasFileError(f"{path}: an HDF5 file without model_config or layer_names "
                             "(a Keras 3 .weights.h5 holds no architecture)")
