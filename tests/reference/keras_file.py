"""Reads a Keras model file into a graph of layers (name, class, config, weights, inputs), without
Keras; the graph itself (Sequential, Functional, nested models, execution order): keras_graph.py.

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
  nested models in a .keras (a model used as a layer): the model's own group holds its layers'
      groups in the same container name, `layers/<model key>/layers/<key>/vars` (or
      `_layer_checkpoint_dependencies/.../_layer_checkpoint_dependencies/...`), keys counted over
      the nested model's own layers (saving_lib._save_state recursing through _walk_saveable,
      which yields a Sequential's or Functional's `layers` first).
  legacy .h5 (tf.keras 2.x keras/saving/hdf5_format.py or saving/legacy/hdf5_format.py; Keras 3
      keras/src/legacy/saving/legacy_h5_format.py): root attribute model_config, group model_weights
      with attribute layer_names, per layer attribute weight_names naming datasets in the group;
      attributes over 64 KB split into name0, name1, ... (load_attributes_from_hdf5_group).
      A nested model is one group named after it (save_weights_to_hdf5_group loops over the top
      model's layers only) listing _legacy_weights(model) = model.trainable_weights +
      model.non_trainable_weights: first the trainable variables of all its layers in layer
      order (nested ones flattened), then all the others; a frozen model (config trainable false)
      or layer has only non-trainable variables (K3 layers/layer.py weights, trainable_weights,
      non_trainable_weights; TF2 engine/base_layer.py likewise).
  weights-only VGG16 .h5 (vgg16_weights_tf_dim_ordering_tf_kernels.h5 layout): no architecture;
      the keras.applications VGG16 layer sequence is rebuilt around the file's weights.
Variables per layer, in file order (trainable then non-trainable, which is also creation order):
Conv2D/Dense kernel, bias; DepthwiseConv2D kernel (Keras 3, every version from 3.0.0:
layers/convolutional/base_depthwise_conv.py build) or depthwise_kernel (tf.keras 2), bias;
SeparableConv2D depthwise_kernel, pointwise_kernel, bias; BatchNormalization [gamma] [beta]
moving_mean moving_variance; PReLU alpha; Normalization mean, variance, count (only when adapted,
i.e. no mean in its config). Non-trainable: moving_mean, moving_variance and Normalization's.
"""
import io
import json
import re
import zipfile
from dataclasses import dataclass, field

import h5py
import numpy as np

import keras_graph


class KerasFileError(Exception):
    """A model file convscope's reference cannot read; the message says what and why."""


@dataclass
class Layer:
    name: str
    class_name: str
    config: dict
    weights: list = field(default_factory=list)  # float64 arrays, Keras layouts (HWIO, (in, out))
    inbound: list = field(default_factory=list)  # the layers (or the input) it reads, in order


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
    layers: list  # Layer, in execution order (the output last), without the input layer


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


NON_TRAINABLE = {"moving_mean", "moving_variance", "mean", "variance", "count"}


def weight_roles(class_name, config, flavor):
    """The variables a layer stores, in file order (see the module docstring)."""
    bias = ["bias"] if config.get("use_bias", True) else []
    if class_name in ("Conv2D", "Dense"):
        return ["kernel"] + bias
    if class_name == "DepthwiseConv2D":
        return ["kernel" if flavor == "keras3" else "depthwise_kernel"] + bias
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


def _flavor(version):
    return "keras3" if version and version.split(".")[0] == "3" else "tf2"


def _check_weights(name, cls, config, arrays, where, flavor):
    roles = weight_roles(cls, config, flavor)
    if arrays and not roles:
        raise KerasFileError(f"layer '{name}': class {cls} is not supported (it stores "
                             f"{len(arrays)} variables in {where})")
    if len(arrays) != len(roles):
        raise KerasFileError(f"layer '{name}' ({cls}): {where} holds {len(arrays)} variables, "
                             f"expected {len(roles)} ({', '.join(roles) or 'none'})")
    return [np.asarray(a, dtype=np.float64) for a in arrays]


def _parse(model_cfg, flavor):
    try:
        return keras_graph.parse(model_cfg, flavor)
    except keras_graph.GraphError as e:
        raise KerasFileError(str(e)) from e


def _has_weights(entry, flavor):
    if entry.tree is not None:
        return any(_has_weights(e, flavor) for e in entry.tree.entries)
    return bool(weight_roles(entry.class_name, entry.config, flavor))


def _zip_keys(group, listed, flavor):
    """{layer name: group key} for the layers one model lists (see the module docstring)."""
    named = {}
    for key in group:
        vars_ = group[key].get("vars")
        if vars_ is not None and "name" in vars_.attrs:
            named[_text(vars_.attrs["name"])] = key
    if named:
        return named
    keys, used = {}, {}
    legacy = group.name.endswith("_layer_checkpoint_dependencies")
    for e in listed:
        visits = 2 if legacy and _has_weights(e, flavor) else 1
        for v in range(visits):
            base = snake_case(e.class_name)
            used[base] = used[base] + 1 if base in used else 0
            if v == 0:
                keys[e.name] = base if used[base] == 0 else f"{base}_{used[base]}"
    return keys


def _zip_weights(group, tree, flavor, found):
    """found[leaf] = (arrays, where) for the layers of `tree`, whose container is `group`."""
    listed = [e for e in tree.entries
              if not (e.class_name == "InputLayer" and tree.model_class == "Sequential")]
    keys = _zip_keys(group, listed, flavor)
    container = group.name.rsplit("/", 1)[-1]  # a nested model's layers: the same name inside
    for e in listed:
        key = keys.get(e.name)
        sub = group[key] if key is not None and key in group else None
        if e.tree is not None:
            if sub is not None and container in sub:
                _zip_weights(sub[container], e.tree, flavor, found)
        elif e.class_name != "InputLayer":
            arrays = []
            if sub is not None and "vars" in sub:
                arrays = [sub["vars"][str(i)][()] for i in range(len(sub["vars"]))]
            found[e] = (arrays, f"{group.name.lstrip('/')}/{key or '?'}/vars")


def _layers(order, found, flavor):
    """keras_file Layers for the graph's leaves in execution order, with their weights."""
    layers = []
    for e in order:
        arrays, where = found.get(e, ([], "the weights file"))
        weights = _check_weights(e.flat, e.class_name, e.config, arrays, where, flavor)
        layers.append(Layer(e.flat, e.class_name, e.config, weights, list(e.sources)))
    return layers


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
    tree, shape, note, order = _parse(model_cfg, flavor)
    found = {}
    with h5py.File(io.BytesIO(weights_bytes), "r") as f:
        top = "layers" if "layers" in f else "_layer_checkpoint_dependencies"
        if top in f:
            _zip_weights(f[top], tree, flavor, found)
        layers = _layers(order, found, flavor)
    fmt = "keras-zip" if top == "layers" else "keras-zip-tf2.13"
    return Model(path, fmt, version, flavor, tree.model_class, tree.input_name, shape, note,
                 layers)


def _spread_nested(entry, arrays, where, flavor, found):
    """found[leaf] = (arrays, where) for the layers of a nested model from its one legacy .h5
    group, which lists model.trainable_weights + model.non_trainable_weights (see the module
    docstring)."""
    trainable, rest = [], []
    for leaf in keras_graph.leaves(entry.tree):
        roles = weight_roles(leaf.class_name, leaf.config, flavor)
        trains = entry.tree.trainable and leaf.config.get("trainable", True)
        found[leaf] = ([None] * len(roles), where)
        for i, role in enumerate(roles):
            (trainable if trains and role not in NON_TRAINABLE else rest).append((leaf, i))
    if len(arrays) != len(trainable) + len(rest):
        raise KerasFileError(f"nested model '{entry.name}': {where} holds {len(arrays)} "
                             f"variables, its layers have {len(trainable) + len(rest)}")
    for (leaf, i), array in zip(trainable + rest, arrays):
        found[leaf][0][i] = array


def _read_h5_full(f, path):
    model_cfg = json.loads(_text(f.attrs["model_config"]))
    version = _text(f.attrs.get("keras_version", ""))
    flavor = _flavor(version)
    tree, shape, note, order = _parse(model_cfg, flavor)
    root = f["model_weights"]
    present = set(_attr_list(root, "layer_names"))
    found = {}
    for e in tree.entries:
        arrays, where = [], f"model_weights/{e.name}"
        if e.name in present:
            arrays = [root[e.name][wn][()] for wn in _attr_list(root[e.name], "weight_names")]
        if e.tree is not None:
            _spread_nested(e, arrays, where, flavor, found)
        else:
            found[e] = (arrays, where)
    return Model(path, "h5", version, flavor, tree.model_class, tree.input_name, shape, note,
                 _layers(order, found, flavor))


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
    inbound = ["input_1"] + [n for n, _, _ in specs]
    layers = [Layer(n, c, cfg, _check_weights(n, c, cfg, weights.get(n, []), n, "tf2"), [src])
              for (n, c, cfg), src in zip(specs, inbound)]
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
