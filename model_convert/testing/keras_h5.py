"""Reads the weights of a Keras .h5 in either layout Keras writes (weights-only, full model),
following layer_names and weight_names as model_convert does. Shared by the test and benchmark
tools that rebuild a model elsewhere (PyTorch, ONNX) from the same file."""
import h5py
import numpy as np


def read_weights(path):
    """{layer name: [kernel, bias]} in Keras' layouts (conv HWIO, dense (in, out))."""
    out = {}
    with h5py.File(path, "r") as f:
        root = f["model_weights"] if "model_config" in f.attrs else f
        for name in [n.decode() for n in root.attrs["layer_names"]]:
            names = [n.decode() for n in root[name].attrs["weight_names"]]
            if names:
                out[name] = [np.asarray(root[name][n], dtype=np.float32) for n in names]
    return out


# VGG16's convolution blocks: (block, number of convolutions).
VGG16_BLOCKS = [("block1", 2), ("block2", 2), ("block3", 3), ("block4", 3), ("block5", 3)]
