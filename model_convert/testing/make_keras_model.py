#!/usr/bin/python3
"""Writes VGG-family Keras .h5 files with deterministic He-initialized weights, in the layouts
Keras itself writes, for tests and benchmarks (real ImageNet weights cannot be downloaded here).

Layouts:
  weights-only  like vgg16_weights_tf_dim_ordering_tf_kernels.h5 / model.save_weights(): root
                attribute layer_names; per-layer groups with attribute weight_names
  full-model    like model.save('x.h5'): root attributes model_config (a Functional VGG16 as
                keras.applications builds it), keras_version, backend; group model_weights
Weight naming (--naming): 2016 (block1_conv1_W_1:0, datasets directly in the layer group, as in
the downloadable VGG16 files) or keras2 (block1_conv1/kernel:0 in a nested group).

--fault writes a deliberately broken file for the converter's bad-input tests.
Prints one JSON line: {"path", "params", "layers"}; params is counted here from the arrays.

Needs Debian's python3-h5py and python3-numpy: run with /usr/bin/python3.
"""
import argparse
import json
import os

import h5py
import numpy as np

VGG16_BLOCKS = [(2, 64), (2, 128), (3, 256), (3, 512), (3, 512)]


def vgg16_layers(input_size, channels, width_divisor, top, classes, fc_units):
    """The Keras VGG16 layer sequence as (class_name, config) pairs."""
    layers = [("InputLayer", {"name": "input_1",
                              "batch_input_shape": [None, input_size, input_size, channels],
                              "dtype": "float32", "sparse": False, "ragged": False})]
    for b, (convs, width) in enumerate(VGG16_BLOCKS, start=1):
        for c in range(1, convs + 1):
            layers.append(("Conv2D", {
                "name": f"block{b}_conv{c}", "trainable": True, "dtype": "float32",
                "filters": max(1, width // width_divisor), "kernel_size": [3, 3],
                "strides": [1, 1], "padding": "same", "data_format": "channels_last",
                "dilation_rate": [1, 1], "groups": 1, "activation": "relu", "use_bias": True}))
        layers.append(("MaxPooling2D", {
            "name": f"block{b}_pool", "trainable": True, "dtype": "float32",
            "pool_size": [2, 2], "padding": "valid", "strides": [2, 2],
            "data_format": "channels_last"}))
    if top:
        layers.append(("Flatten", {"name": "flatten", "data_format": "channels_last"}))
        for name, units, act in [("fc1", fc_units, "relu"), ("fc2", fc_units, "relu"),
                                 ("predictions", classes, "softmax")]:
            layers.append(("Dense", {"name": name, "trainable": True, "dtype": "float32",
                                     "units": units, "activation": act, "use_bias": True}))
    return layers


def weight_shapes(layers):
    """Keras weight shapes per layer name, following the chain of shapes."""
    shapes, hwc = {}, None
    for cls, cfg in layers:
        if cls == "InputLayer":
            hwc = cfg["batch_input_shape"][1:]
        elif cls == "Conv2D":
            shapes[cfg["name"]] = [(3, 3, hwc[2], cfg["filters"]), (cfg["filters"],)]
            hwc = [hwc[0], hwc[1], cfg["filters"]]
        elif cls == "MaxPooling2D":
            hwc = [hwc[0] // 2, hwc[1] // 2, hwc[2]]
        elif cls == "Flatten":
            hwc = [hwc[0] * hwc[1] * hwc[2]]
        elif cls == "Dense":
            shapes[cfg["name"]] = [(hwc[0], cfg["units"]), (cfg["units"],)]
            hwc = [cfg["units"]]
    return shapes


def he_weights(rng, shapes):
    kernel_shape, bias_shape = shapes
    fan_in = int(np.prod(kernel_shape[:-1]))
    kernel = rng.standard_normal(kernel_shape, dtype=np.float32) * np.float32(np.sqrt(2.0 / fan_in))
    bias = (rng.standard_normal(bias_shape, dtype=np.float32) * np.float32(0.01))
    return [kernel, bias]


def functional_config(layers, name, output):
    out, previous = [], None
    for cls, cfg in layers:
        inbound = [] if previous is None else [[[previous, 0, 0, {}]]]
        out.append({"class_name": cls, "config": cfg, "name": cfg["name"],
                    "inbound_nodes": inbound})
        previous = cfg["name"]
    return {"class_name": "Functional",
            "config": {"name": name, "trainable": True, "layers": out,
                       "input_layers": [["input_1", 0, 0]],
                       "output_layers": [[output, 0, 0]]},
            "keras_version": "2.13.1", "backend": "tensorflow"}


def names_attr(names):
    # Keras stores name lists as fixed-length byte strings.
    return np.array([n.encode("utf8") for n in names])


def write_layer_groups(root, layers, weights, naming):
    root.attrs["layer_names"] = names_attr([cfg["name"] for _, cfg in layers])
    for _, cfg in layers:
        name = cfg["name"]
        group = root.create_group(name)
        tensors = weights.get(name, [])
        if naming == "2016":
            wnames = [f"{name}_W_1:0", f"{name}_b_1:0"][:len(tensors)]
            for wn, t in zip(wnames, tensors):
                group.create_dataset(wn, data=t)
        else:
            wnames = [f"{name}/kernel:0", f"{name}/bias:0"][:len(tensors)]
            sub = group.create_group(name) if tensors else None
            for wn, t in zip(wnames, tensors):
                sub.create_dataset(wn.split("/")[1], data=t)
        group.attrs["weight_names"] = names_attr(wnames)


def apply_fault(fault, layers, weights):
    """Breaks the model in memory; returns the names of layers to drop from the file."""
    victim = "block2_conv1"
    if fault == "nan":
        weights[victim][0][1, 1, 0, 0] = np.nan
    elif fault == "inf":
        weights[victim][1][0] = np.inf
    elif fault == "shape-mismatch":
        k = weights[victim][0]
        weights[victim][0] = np.zeros((3, 3, k.shape[2] + 1, k.shape[3]), np.float32)
    elif fault == "even-kernel":  # a weights-only file's inferred 2x2 'same' convolution
        k = weights[victim][0]
        weights[victim][0] = np.zeros((2, 2, k.shape[2], k.shape[3]), np.float32)
    elif fault == "missing-weight":
        weights[victim] = weights[victim][:1]
    elif fault == "unsupported-layer":  # as tf.keras 2 writes a Lambda (its code marshalled)
        layers.insert(3, ("Lambda", {"name": "block1_lambda", "trainable": True,
                                     "dtype": "float32", "function": ["4wEAAAAAAAAA", None, None],
                                     "function_type": "lambda", "module": "__main__",
                                     "output_shape": None, "output_shape_type": "raw",
                                     "output_shape_module": None, "arguments": {}}))
    return [victim] if fault == "missing-layer" else []


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("output")
    p.add_argument("--layout", choices=["weights-only", "full-model"], default="weights-only")
    p.add_argument("--naming", choices=["2016", "keras2"], default="2016")
    p.add_argument("--input-size", type=int, default=224)
    p.add_argument("--channels", type=int, default=3)
    p.add_argument("--width-divisor", type=int, default=1, help="divide every conv width")
    p.add_argument("--fc-units", type=int, default=4096)
    p.add_argument("--classes", type=int, default=1000)
    p.add_argument("--notop", action="store_true")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--fault", choices=["nan", "inf", "shape-mismatch", "even-kernel",
                                       "missing-weight", "missing-layer", "unsupported-layer",
                                       "not-keras", "truncated"])
    a = p.parse_args()

    rng = np.random.default_rng(a.seed)
    layers = vgg16_layers(a.input_size, a.channels, a.width_divisor, not a.notop, a.classes,
                          a.fc_units)
    weights = {name: he_weights(rng, shapes) for name, shapes in weight_shapes(layers).items()}
    params = int(sum(t.size for ts in weights.values() for t in ts))
    dropped = apply_fault(a.fault, layers, weights)
    name = "vgg16" if not a.notop else "vgg16_notop"

    tmp = a.output + ".tmp"
    with h5py.File(tmp, "w") as f:
        if a.fault == "not-keras":
            f.create_dataset("data", data=np.arange(10, dtype=np.float32))
        elif a.layout == "full-model":
            config = functional_config(layers, name, layers[-1][1]["name"])
            f.attrs["model_config"] = json.dumps(config)  # h5py: a variable-length UTF-8 string
            f.attrs["keras_version"] = b"2.13.1"
            f.attrs["backend"] = b"tensorflow"
            mw = f.create_group("model_weights")
            mw.attrs["keras_version"] = b"2.13.1"
            mw.attrs["backend"] = b"tensorflow"
            write_layer_groups(mw, layers, weights, a.naming)
            for d in dropped:
                del mw[d]
        else:
            write_layer_groups(f, layers, weights, a.naming)
            for d in dropped:
                del f[d]
    if a.fault == "truncated":
        os.truncate(tmp, os.path.getsize(tmp) // 2)
    os.replace(tmp, a.output)
    print(json.dumps({"path": a.output, "params": params, "layers": len(layers)}))


if __name__ == "__main__":
    main()
