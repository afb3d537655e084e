"""Two small graph models for check_graph.py, written as Keras files the way each Keras version
lays them out (the layout stated here, per layer, independently of keras_file.py's rules), each
with a hand-written PyTorch forward pass (NCHW, from the layers' definitions, not from
keras_layers.py).
  graph     Functional: Conv2D, DepthwiseConv2D (depth_multiplier 2, stride 2, 'same'), BN,
            ReLU(6), squeeze-and-excitation (GAP, Dense sigmoid, Reshape (1, 1, c), Multiply
            broadcast), a 1x1 Conv2D 'proj', Add, a nested Sequential 'inner' (BN, a Conv2D also
            named 'proj', swish), Concatenate, GlobalMaxPooling2D, Dense softmax; its config
            lists 'cat' before the layers it reads
  transfer  Sequential([base, GlobalAveragePooling2D(), Dense(3)]) with base a Functional (Conv2D
            without bias, BN, ReLU(6), DepthwiseConv2D, 1x1 Conv2D, Add); base frozen or not
Formats: "keras3" (.keras of Keras 3.13: `vars` groups named), "keras3.0" (no names), "keras3-h5"
and "tf2-h5" (legacy .h5 of Keras 3.13 and tf.keras 2.10, a nested model one group).
"""
import io
import json
import zipfile

import h5py
import numpy as np
import torch
import torch.nn.functional as F

RNG = np.random.default_rng(11)


def _w(*shape, scale=0.5):
    return RNG.standard_normal(shape) * scale


def _bn(c):
    return [_w(c, scale=0.2) + 1, _w(c, scale=0.1), _w(c, scale=0.1), RNG.random(c) + 0.5]


def _layer(name, cls, inputs=(), weights=(), key=None, **cfg):
    """A layer: its config, the layers it reads, its weights and its .keras group key."""
    cfg = dict(cfg, name=name, trainable=cfg.get("trainable", True))
    return {"name": name, "class_name": cls, "config": cfg, "inputs": list(inputs),
            "weights": list(weights), "key": key}


def graph_model():
    """(layers of the top Functional (a nested model: "layers"), input name, output name)."""
    L = _layer
    inner = [
        L("inner_input", "InputLayer", key="input_layer", batch_shape=[None, 4, 4, 8]),
        L("inner_bn", "BatchNormalization", ["inner_input"], _bn(8), "batch_normalization",
          epsilon=1e-3),
        L("proj", "Conv2D", ["inner_bn"], [_w(1, 1, 8, 8), _w(8, scale=0.1)], "conv2d",
          filters=8, kernel_size=[1, 1], padding="valid", activation="linear"),
        L("inner_act", "Activation", ["proj"], key="activation", activation="swish"),
    ]
    layers = [
        L("in", "InputLayer", key="input_layer", batch_shape=[None, 8, 8, 3]),
        L("conv", "Conv2D", ["in"], [_w(3, 3, 3, 4), _w(4, scale=0.1)], "conv2d", filters=4,
          kernel_size=[3, 3], padding="same", activation="relu"),
        L("dw", "DepthwiseConv2D", ["conv"], [_w(3, 3, 4, 2), _w(8, scale=0.1)],
          "depthwise_conv2d", kernel_size=[3, 3], strides=[2, 2], padding="same",
          depth_multiplier=2, activation="linear"),
        L("bn", "BatchNormalization", ["dw"], _bn(8), "batch_normalization", epsilon=1e-3),
        L("act", "ReLU", ["bn"], key="re_lu", max_value=6.0),
        L("gap", "GlobalAveragePooling2D", ["act"], key="global_average_pooling2d"),
        L("se_dense", "Dense", ["gap"], [_w(8, 8), _w(8, scale=0.1)], "dense", units=8,
          activation="sigmoid"),
        L("se_reshape", "Reshape", ["se_dense"], key="reshape", target_shape=[1, 1, 8]),
        L("se", "Multiply", ["act", "se_reshape"], key="multiply"),
        L("cat", "Concatenate", ["add", "inner"], key="concatenate", axis=-1),
        L("proj", "Conv2D", ["act"], [_w(1, 1, 8, 8)], "conv2d_1", filters=8, kernel_size=[1, 1],
          use_bias=False, activation="linear"),
        L("add", "Add", ["se", "proj"], key="add"),
        dict(L("inner", "Sequential", ["act"], key="sequential"), layers=inner),
        L("gmp", "GlobalMaxPooling2D", ["cat"], key="global_max_pooling2d"),
        L("out", "Dense", ["gmp"], [_w(16, 5), _w(5, scale=0.1)], "dense_1", units=5,
          activation="softmax"),
    ]
    return layers, "in", "out"


def transfer_model(frozen):
    """(layers of the top Sequential, its InputLayer's name, output name), base nested."""
    L = _layer
    t = not frozen
    base = [
        L("input_1", "InputLayer", key="input_layer", batch_shape=[None, 6, 6, 2]),
        L("stem", "Conv2D", ["input_1"], [_w(3, 3, 2, 4)], "conv2d", filters=4,
          kernel_size=[3, 3], padding="same", use_bias=False, activation="linear", trainable=t),
        L("stem_bn", "BatchNormalization", ["stem"], _bn(4), "batch_normalization",
          epsilon=1.001e-5, trainable=t),
        L("stem_relu", "ReLU", ["stem_bn"], key="re_lu", max_value=6.0, trainable=t),
        L("dw", "DepthwiseConv2D", ["stem_relu"], [_w(3, 3, 4, 1), _w(4, scale=0.1)],
          "depthwise_conv2d", kernel_size=[3, 3], padding="same", depth_multiplier=1,
          activation="linear", trainable=t),
        L("pw", "Conv2D", ["dw"], [_w(1, 1, 4, 4), _w(4, scale=0.1)], "conv2d_1", filters=4,
          kernel_size=[1, 1], activation="linear", trainable=t),
        L("block_add", "Add", ["stem_relu", "pw"], key="add", trainable=t),
    ]
    layers = [
        L("input_layer", "InputLayer", batch_shape=[None, 6, 6, 2]),
        dict(L("base", "Functional", key="functional", trainable=t), layers=base),
        L("pool", "GlobalAveragePooling2D", key="global_average_pooling2d"),
        L("logits", "Dense", [], [_w(4, 3), _w(3, scale=0.1)], "dense", units=3,
          activation="linear"),
    ]
    return layers, "input_layer", "logits"


def _node(inputs, keras3, merge, nested_sources):
    if keras3:
        tensors = [{"class_name": "__keras_tensor__",
                    "config": {"shape": [], "dtype": "float32", "keras_history": [s, 0, 0]}}
                   for s in inputs]
        return {"args": [tensors] if merge else tensors, "kwargs": {}}
    # tf.keras 2 counts a nested model's own first node: its output is node 1.
    return [[s, 1 if s in nested_sources else 0, 0, {}] for s in inputs]


def config(layers, input_name, output_name, cls, keras3, name):
    """The model config as that Keras version serializes it (Sequential: no inbound nodes)."""
    nested = {l["name"] for l in layers if "layers" in l}
    entries = []
    for l in layers:
        cfg = dict(l["config"])
        if not keras3 and "batch_shape" in cfg:
            cfg["batch_input_shape"] = cfg.pop("batch_shape")
        e = {"class_name": l["class_name"], "config": cfg}
        if "layers" in l:
            inner = l["layers"]
            e = config(inner, inner[0]["name"], inner[-1]["name"], l["class_name"], keras3,
                       l["name"])
            e["config"]["trainable"] = cfg["trainable"]
        if cls == "Functional":
            merge = l["class_name"] in ("Add", "Multiply", "Concatenate")
            e["name"] = l["name"]
            e["inbound_nodes"] = [_node(l["inputs"], keras3, merge, nested)] if l["inputs"] else []
        entries.append(e)
    if cls == "Sequential":
        return {"class_name": "Sequential", "config": {"name": name, "layers": entries}}
    return {"class_name": cls, "config": {
        "name": name, "layers": entries, "input_layers": [[input_name, 0, 0]],
        "output_layers": [[output_name, 0, 0]]}}


def _zip_groups(layers, cls, prefix):
    """[(group path, layer name, arrays)]: `layers/<key>` per layer of the model, a nested
    model's layers inside its group; a Sequential's InputLayer has none."""
    out = []
    for l in layers:
        if l["class_name"] == "InputLayer" and cls == "Sequential":
            continue
        path = f"{prefix}/{l['key']}"
        out.append((path, l["name"], l["weights"]))
        if "layers" in l:
            out += _zip_groups(l["layers"], l["class_name"], path + "/layers")
    return out


def _legacy_weights(l):
    """_legacy_weights(layer) of a nested model: the trainable variables of its layers, then the
    others (BN's moving statistics); when it is frozen all are non-trainable, in layer order."""
    if not l["config"]["trainable"]:
        return [w for x in l["layers"] for w in x["weights"]]
    bn = [x["class_name"] == "BatchNormalization" for x in l["layers"]]
    return [w for x, b in zip(l["layers"], bn) for w in (x["weights"][:2] if b else x["weights"])] \
        + [w for x, b in zip(l["layers"], bn) if b for w in x["weights"][2:]]


def write(path, fmt, layers, input_name, output_name, cls):
    keras3 = fmt != "tf2-h5"
    top_layers = layers if keras3 or cls == "Functional" else layers[1:]
    cfg = config(top_layers, input_name, output_name, cls, keras3, "model")
    if fmt in ("keras3", "keras3.0"):
        buffer = io.BytesIO()
        with h5py.File(buffer, "w") as f:
            for group, name, arrays in _zip_groups(layers, cls, "layers"):
                v = f.create_group(group + "/vars")
                if fmt == "keras3":
                    v.attrs["name"] = name
                for i, a in enumerate(arrays):
                    v.create_dataset(str(i), data=np.asarray(a, np.float32))
        with zipfile.ZipFile(path, "w") as z:
            version = "3.13.2" if fmt == "keras3" else "3.0.0"
            z.writestr("metadata.json", json.dumps({"keras_version": version}))
            z.writestr("config.json", json.dumps(cfg))
            z.writestr("model.weights.h5", buffer.getvalue())
        return
    with h5py.File(path, "w") as f:
        f.attrs["keras_version"] = "3.13.2" if keras3 else "2.10.0"
        f.attrs["model_config"] = json.dumps(cfg)
        root = f.create_group("model_weights")
        listed = [l for l in top_layers  # model.layers: a Sequential's InputLayer is not in it
                  if not (cls == "Sequential" and l["class_name"] == "InputLayer")]
        root.attrs["layer_names"] = np.array([l["name"].encode() for l in listed])
        for l in listed:
            g = root.create_group(l["name"])
            arrays = _legacy_weights(l) if "layers" in l else l["weights"]
            wn = [f"{l['name']}/w{i}" for i in range(len(arrays))]
            g.attrs["weight_names"] = np.array([n.encode() for n in wn])
            for n, a in zip(wn, arrays):
                g.create_dataset(n, data=np.asarray(a, np.float32))


def _conv(x, kernel, bias=None, stride=1, pad=(0, 0, 0, 0), groups=1):
    w = _t(kernel)
    if groups > 1:  # depthwise (kh, kw, cin, dm): output channel c * dm + m, one input each
        w = w.reshape(w.shape[0], w.shape[1], 1, -1)
    y = F.conv2d(F.pad(x, pad), w.permute(3, 2, 0, 1), stride=stride, groups=groups)
    return y if bias is None else y + _t(bias)[:, None, None]


def _t(a):
    return torch.from_numpy(np.asarray(a, np.float32).astype(np.float64))


def _bn_nchw(x, w, eps):
    g, b, m, v = (_t(a)[:, None, None] for a in w)
    return (x - m) / torch.sqrt(v + eps) * g + b


def graph_forward(layers, x):
    """x (N, 8, 8, 3) -> {name: value (NCHW, or (N, D))}: the graph model by hand (float32
    weights, as the files store them)."""
    w = {l["name"]: l["weights"] for l in layers}
    nested = next(l for l in layers if l["name"] == "inner")
    inner = {l["name"]: l["weights"] for l in nested["layers"]}
    v = {"in": x.permute(0, 3, 1, 2)}
    v["conv"] = torch.relu(_conv(v["in"], *w["conv"], pad=(1, 1, 1, 1)))
    # 'same', stride 2, 8 -> 4: 1 pixel of padding in all, at the bottom and right.
    v["dw"] = _conv(v["conv"], *w["dw"], stride=2, pad=(0, 1, 0, 1), groups=4)
    v["act"] = torch.clamp(_bn_nchw(v["dw"], w["bn"], 1e-3), 0, 6)
    gate = torch.sigmoid(v["act"].mean(dim=(2, 3)) @ _t(w["se_dense"][0]) + _t(w["se_dense"][1]))
    v["se"] = v["act"] * gate[:, :, None, None]
    v["proj"] = _conv(v["act"], *w["proj"])
    v["add"] = v["se"] + v["proj"]
    v["inner/proj"] = _conv(_bn_nchw(v["act"], inner["inner_bn"], 1e-3), *inner["proj"])
    v["inner_act"] = v["inner/proj"] * torch.sigmoid(v["inner/proj"])
    v["cat"] = torch.cat([v["add"], v["inner_act"]], dim=1)
    v["z"] = v["cat"].amax(dim=(2, 3)) @ _t(w["out"][0]) + _t(w["out"][1])
    return v


def transfer_forward(layers, x):
    """x (N, 6, 6, 2) -> class scores (N, 3): the transfer model by hand."""
    base = next(l for l in layers if l["name"] == "base")
    w = {l["name"]: l["weights"] for l in base["layers"]}
    h = x.permute(0, 3, 1, 2)
    stem = torch.clamp(_bn_nchw(_conv(h, *w["stem"], pad=(1, 1, 1, 1)), w["stem_bn"], 1.001e-5),
                       0, 6)
    pw = _conv(_conv(stem, *w["dw"], pad=(1, 1, 1, 1), groups=4), *w["pw"])
    kernel, bias = layers[-1]["weights"]
    return (stem + pw).mean(dim=(2, 3)) @ _t(kernel) + _t(bias)
