"""Legacy `.h5` files: model.save("m.h5").

Keras 3 (v3.13.2 legacy/saving/legacy_h5_format.py save_model_to_hdf5) and tf.keras v2.10.0
(saving/hdf5_format.py) write the same layout: root attributes from model_metadata
(keras_version and backend as str, model_config and training_config as JSON bytes), group
model_weights (attributes layer_names, backend, keras_version as bytes) with one group per
layer in name order holding attribute weight_names and one dataset per weight at that name,
then top_level_model_weights, then optimizer_weights. Keras 3 names weights by variable path
(`sequential/conv2d/kernel`), tf.keras by variable name (`conv2d/kernel:0`).
"""
import json

import h5py
import numpy as np

from . import serialize, training, weights

HDF5_OBJECT_HEADER_LIMIT = 64512


def save_attributes(group, name, data):
    """save_attributes_to_hdf5_group: split a long name list over name0, name1, ..."""
    data_npy = np.asarray(data)
    num_chunks = 1
    chunked = np.array_split(data_npy, num_chunks)
    while any(x.nbytes > HDF5_OBJECT_HEADER_LIMIT for x in chunked):
        num_chunks += 1
        chunked = np.array_split(data_npy, num_chunks)
    if num_chunks > 1:
        for i, chunk in enumerate(chunked):
            group.attrs["%s%d" % (name, i)] = chunk
    else:
        group.attrs[name] = data


def weight_name(spec, flavor, node, path, var):
    """The name a weight is saved under: Keras 3 variable.path, tf.keras variable.name. Both
    come from the name scopes open when the layer was built: a Sequential builds its layers
    inside its own (Keras 3), a functional model's layers are built before the model exists,
    and so are a nested model's (its `path` starts with the inner layer's name)."""
    if not flavor.k3 and var.k2_name:
        path = path[:-1] + (var.k2_name,)
    inner = "/".join(path if node.kind == "Functional" else (node.name,) + path)
    if flavor.k3:
        nested = spec.api == "sequential" and node.kind != "Functional"
        return f"{spec.name}/{inner}" if nested else inner
    return inner + ":0"


def trainable_paths(spec, flavor, fills):
    """[(name used by the optimizer, shape)] for model.trainable_variables in order."""
    out = []
    for n in serialize.model_layers(spec):
        for path, v, f in fills[n]:
            if v.trainable:
                name = weight_name(spec, flavor, n, path, v)
                out.append((name[:-2] if name.endswith(":0") else name, f.shape))
    return out


def write_h5(path, spec, flavor, seed, fills, model_config, dropped=()):
    with h5py.File(path, mode="w") as f:
        f.attrs["keras_version"] = flavor.keras_version
        f.attrs["backend"] = "tensorflow"
        f.attrs["model_config"] = json.dumps(model_config).encode("utf8")
        if spec.compile is not None:
            tc = training.training_config_k3(spec, flavor) if flavor.k3 else \
                training.training_config_k2(spec)
            f.attrs["training_config"] = json.dumps(tc).encode("utf8")
        mw = f.create_group("model_weights")
        layers = serialize.model_layers(spec)
        save_attributes(mw, "layer_names", [n.name.encode("utf8") for n in layers])
        mw.attrs["backend"] = "tensorflow".encode("utf8")
        mw.attrs["keras_version"] = flavor.keras_version.encode("utf8")
        for n in sorted(layers, key=lambda x: x.name):
            if n.name in dropped:
                continue
            g = mw.create_group(n.name)
            names = [weight_name(spec, flavor, n, p, v).encode("utf8") for p, v, _ in fills[n]]
            save_attributes(g, "weight_names", names)
            for name, (_, _, fill) in zip(names, fills[n]):
                weights.write(g, name, fill, seed, how="create")
        top = mw.create_group("top_level_model_weights")
        save_attributes(top, "weight_names", [])
        if spec.compile is not None:
            trainable = trainable_paths(spec, flavor, fills)
            slots = training.optimizer_slots(spec, flavor, trainable)
            og = f.create_group("optimizer_weights")
            names = [s[0].encode("utf8") for s in slots]
            save_attributes(og, "weight_names", names)
            for i, (name, (_, shape, dtype, role)) in enumerate(zip(names, slots)):
                fill = weights.optimizer_fill(role, shape, dtype, (1000, i), spec.steps)
                weights.write(og, name, fill, seed, how="create")
        f.flush()
