#!/usr/bin/env python3
"""Copies a Keras .h5 with every kernel rounded as model_convert's int8 conversion rounds it
(per output channel: scale = max |w| / 127, w -> scale * round(w / scale)), biases kept. Converted
with --precision f32, the copy is a model that computes in f32 on exactly the int8 file's weights:
what an int8 model's gradient maps can at best be (tests/js/int8_faithfulness.test.mjs).

usage: round_like_int8.py IN.h5 OUT.h5"""
import shutil
import sys

import h5py
import numpy as np


def round_like_int8(kernel):
    """Keras kernels keep the output channel last (conv HWIO, dense (in, out))."""
    w = kernel.reshape(-1, kernel.shape[-1]).astype(np.float32)
    max_abs = np.abs(w).max(axis=0)
    scale = np.where(max_abs > 0, max_abs / np.float32(127), np.float32(1)).astype(np.float32)
    # C's nearbyint rounds halves to even, as numpy's rint does.
    q = np.clip(np.rint(w / scale), -127, 127)
    return (q * scale).astype(np.float32).reshape(kernel.shape)


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    source, target = sys.argv[1:]
    shutil.copyfile(source, target)
    with h5py.File(target, "r+") as f:
        root = f["model_weights"] if "model_config" in f.attrs else f
        for name in [n.decode() for n in root.attrs["layer_names"]]:
            names = [n.decode() for n in root[name].attrs["weight_names"]]
            if names:  # the kernel comes first, then the bias
                kernel = root[name][names[0]]
                kernel[...] = round_like_int8(np.asarray(kernel))


if __name__ == "__main__":
    main()
