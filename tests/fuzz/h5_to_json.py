#!/usr/bin/python3
"""Writes the structure of an HDF5 file as the JSON tree keras_structure_fuzzer reads
(tests/fuzz/hdf5_file_memory.h): groups, string attributes, dataset shapes and types. Values are
left out (the fuzzing back end fills datasets with a pattern) unless a dataset has at most
--values elements. A .keras archive becomes the tree of its model.weights.h5 with its config.json
as "keras_config".

usage: h5_to_json.py FILE.h5|FILE.keras OUT.json [--values N]   (Debian's python3-h5py)
"""
import argparse
import io
import json
import zipfile

import h5py
import numpy as np


def attribute(value):
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    if isinstance(value, str):
        return value
    array = np.asarray(value)
    if array.dtype.kind in "SO":
        return [v.decode("utf-8", "replace") if isinstance(v, bytes) else str(v)
                for v in array.reshape(-1)]
    return array.reshape(-1).tolist()


def node(obj, max_values):
    if isinstance(obj, h5py.Dataset):
        out = {"shape": list(obj.shape)}
        if obj.dtype.kind != "f":
            out["dtype"] = str(obj.dtype)
        elif obj.size <= max_values:
            out["values"] = np.asarray(obj, dtype=np.float32).reshape(-1).tolist()
        return out
    out = {}
    if obj.attrs:
        out["attrs"] = {name: attribute(value) for name, value in obj.attrs.items()}
    for name, child in obj.items():
        out[name] = node(child, max_values)
    return out


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("h5")
    parser.add_argument("out")
    parser.add_argument("--values", type=int, default=8)
    args = parser.parse_args()
    if zipfile.is_zipfile(args.h5):
        with zipfile.ZipFile(args.h5) as archive:
            config = archive.read("config.json").decode("utf-8")
            with h5py.File(io.BytesIO(archive.read("model.weights.h5")), "r") as f:
                tree = node(f, args.values)
        tree["keras_config"] = config
    else:
        with h5py.File(args.h5, "r") as f:
            tree = node(f, args.values)
    with open(args.out, "w") as out:
        json.dump(tree, out, separators=(",", ":"))


if __name__ == "__main__":
    main()
