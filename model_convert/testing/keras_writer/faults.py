"""Hostile-input variants of a written file (`--fault`). Faults that need the model itself
(wrong-shape, nan-weight, config-names-missing-layer) are applied while writing (build.py);
the rest rewrite the finished file here. The graph faults edit the model's config (config.json
in a .keras, the model_config attribute in an .h5) of resnet50, in the config's own form."""
import copy
import json
import os
import struct
import zipfile

ZIP_FAULTS = ["member-4gb", "compressed", "duplicate-member", "missing-config",
              "missing-weights", "config-not-json", "not-a-zip", "name-mismatch"]
WRITE_FAULTS = ["config-names-missing-layer", "wrong-shape", "nan-weight"]
FILE_FAULTS = ["truncated"]
GRAPH_FAULTS = ["graph-cycle", "graph-unknown-inbound", "graph-merge-shapes", "graph-dead-end",
                "graph-shared-layer"]
GRAPH_MODELS = ["resnet50"]   # the graph faults edit its layers by name
ALL = ZIP_FAULTS + WRITE_FAULTS + FILE_FAULTS + GRAPH_FAULTS
H5_FAULTS = WRITE_FAULTS + FILE_FAULTS + GRAPH_FAULTS


def _rezip(path, transform):
    """Copies every member (info and bytes) into a new archive through `transform`, which
    returns [(ZipInfo, bytes, compress_type)]."""
    tmp = path + ".fault"
    with zipfile.ZipFile(path) as src, open(tmp, "wb") as f, zipfile.ZipFile(f, "w") as dst:
        for info in src.infolist():
            for zi, data, ctype in transform(info, src.read(info.filename)):
                zi.compress_type = ctype
                dst.writestr(zi, data)
    os.replace(tmp, path)


def _copy(info):
    zi = zipfile.ZipInfo(info.filename, date_time=info.date_time)
    zi.external_attr = info.external_attr
    return zi


def _claim_4gb(path):
    """Patches model.weights.h5's local header and central directory entry so both claim an
    uncompressed and compressed size of 0xFFFFFFFE bytes (~4 GB) without zip64 extras."""
    with open(path, "r+b") as f:
        data = bytearray(f.read())
        with zipfile.ZipFile(path) as zf:
            info = zf.getinfo("model.weights.h5")
        lh = info.header_offset
        assert data[lh:lh + 4] == b"PK\x03\x04"
        struct.pack_into("<II", data, lh + 18, 0xFFFFFFFE, 0xFFFFFFFE)
        cd, pos = -1, 0
        while True:
            pos = data.find(b"PK\x01\x02", pos)
            if pos < 0:
                break
            name_len = struct.unpack_from("<H", data, pos + 28)[0]
            if data[pos + 46:pos + 46 + name_len] == b"model.weights.h5":
                struct.pack_into("<II", data, pos + 20, 0xFFFFFFFE, 0xFFFFFFFE)
                cd = pos
                break
            pos += 4
        assert cd >= 0
        f.seek(0)
        f.write(data)


def _swap_names(data):
    """model.weights.h5 (bytes) with the `name` attributes (Keras >= 3.6) of its first two vars
    groups swapped: the weights no longer sit where the config's layers say."""
    import io
    import h5py
    buffer = io.BytesIO(data)
    with h5py.File(buffer, "r+") as f:
        groups = [f["layers"][k]["vars"] for k in f["layers"]
                  if "vars" in f["layers"][k] and "name" in f["layers"][k]["vars"].attrs]
        a, b = groups[0], groups[1]
        a_name, b_name = a.attrs["name"], b.attrs["name"]
        a.attrs["name"], b.attrs["name"] = b_name, a_name
    return buffer.getvalue()


# ------------------------------------------------------------------------------ graph faults
# A Functional layer's inbound_nodes hold one entry per call of the layer; each names the
# tensors it was called on. tf.keras 2 writes a reference as ["name", node_index, tensor_index,
# {}] (a node: [[ref, ref]]); Keras 3 as {"class_name": "__keras_tensor__", "config": {"shape",
# "dtype", "keras_history": [name, node_index, tensor_index]}} in the node's "args".

def _is_ref(x):
    return (isinstance(x, dict) and x.get("class_name") == "__keras_tensor__") or (
        isinstance(x, list) and len(x) >= 3 and isinstance(x[0], str) and isinstance(x[1], int))


def _refs(x):
    """(holder, key) of every reference in `x` (a node list or a node), so it can be replaced."""
    keys = x.keys() if isinstance(x, dict) else range(len(x)) if isinstance(x, list) else []
    out = []
    for k in keys:
        out += [(x, k)] if _is_ref(x[k]) else _refs(x[k])
    return out


def _history(ref):
    """[name, node_index, tensor_index] of a reference (a view: editing it edits the ref)."""
    return ref["config"]["keras_history"] if isinstance(ref, dict) else ref


def _layer(layers, name):
    return next(e for e in layers if e["name"] == name)


def _ref_to(layers, name, node_index=0):
    """A reference to `name`'s output as the config writes one: a copy of a reference already
    in it (Keras 3's records the tensor's shape), with `node_index`."""
    for e in layers:
        for holder, k in _refs(e.get("inbound_nodes", [])):
            if _history(holder[k])[0] == name:
                ref = copy.deepcopy(holder[k])
                _history(ref)[1] = node_index
                return ref
    raise ValueError(f"no layer reads {name}")


def _point(layers, reader, old, new, node_index=0):
    """Layer `reader` reads `new` (its output from call `node_index`) where it read `old`;
    Keras 3's build_config follows the tensors' shapes."""
    e = _layer(layers, reader)
    found = [(holder, k) for holder, k in _refs(e["inbound_nodes"])
             if _history(holder[k])[0] == old]
    if not found:
        raise ValueError(f"layer {reader} does not read {old}")
    for holder, k in found:
        holder[k] = _ref_to(layers, new, node_index)
    refs = [holder[k] for holder, k in _refs(e["inbound_nodes"])]
    if "build_config" in e and all(isinstance(r, dict) for r in refs):
        shapes = [r["config"]["shape"] for r in refs]
        e["build_config"]["input_shape"] = shapes[0] if len(shapes) == 1 else shapes


def _renamed(entry, name):
    e = copy.deepcopy(entry)
    e["name"] = e["config"]["name"] = name
    return e


def _damage_graph(model, fault):
    """Edits `model` (the config's dict) in place. Each fault leaves one defect, in block
    conv2_block1 or conv2_block2 (stride 1, 16 x 16 maps at --input-size 64 64)."""
    layers = model["config"]["layers"]
    if fault == "graph-cycle":
        # the block's first conv reads the block's output: 1_conv -> ... -> add -> out -> 1_conv
        _point(layers, "conv2_block1_1_conv", "pool1_pool", "conv2_block1_out")
    elif fault == "graph-unknown-inbound":
        # a layer's entry lost, its readers (conv2_block1_0_conv and _1_conv) kept
        layers.remove(_layer(layers, "pool1_pool"))
    elif fault == "graph-merge-shapes":
        # the identity shortcut of block 2 taken from before block 1 (a quarter of the channels);
        # conv2_block1_out still feeds conv2_block2_1_conv
        _point(layers, "conv2_block2_add", "conv2_block1_out", "pool1_pool")
    elif fault == "graph-dead-end":
        # a second ReLU of the first block's sum, which nothing reads, next to the real one
        out = _layer(layers, "conv2_block1_out")
        layers.insert(layers.index(out) + 1, _renamed(out, "conv2_block1_unused_relu"))
    elif fault == "graph-shared-layer":
        # one Activation object called twice, as Keras saves it: the second call's node on the
        # first layer, its reader pointing at node 1; the second layer gone
        first, second = _layer(layers, "conv2_block1_1_relu"), _layer(layers, "conv2_block1_2_relu")
        first["inbound_nodes"] += second["inbound_nodes"]
        layers.remove(second)
        _point(layers, "conv2_block1_3_conv", "conv2_block1_2_relu", "conv2_block1_1_relu", 1)
    else:
        raise ValueError(fault)
    return model


def _edit_config(path, edit):
    """Rewrites the model's config through `edit` (dict -> dict): config.json in a .keras,
    the model_config attribute (JSON bytes, as legacy_h5 writes it) in an .h5."""
    if zipfile.is_zipfile(path):
        _rezip(path, lambda i, d: [(_copy(i), json.dumps(edit(json.loads(d))).encode()
                                    if i.filename == "config.json" else d, zipfile.ZIP_STORED)])
        return
    import h5py
    with h5py.File(path, "r+") as f:
        f.attrs["model_config"] = json.dumps(edit(json.loads(f.attrs["model_config"]))).encode(
            "utf8")


def apply(path, fault):
    if fault in GRAPH_FAULTS:
        _edit_config(path, lambda model: _damage_graph(model, fault))
    elif fault == "truncated":
        os.truncate(path, os.path.getsize(path) // 2)
    elif fault == "not-a-zip":
        with open(path, "w") as f:
            f.write("This is not a Keras model: the archive was replaced by text.\n")
    elif fault == "member-4gb":
        _claim_4gb(path)
    elif fault == "compressed":
        _rezip(path, lambda i, d: [(_copy(i), d, zipfile.ZIP_DEFLATED
                                    if i.filename == "model.weights.h5" else zipfile.ZIP_STORED)])
    elif fault == "duplicate-member":
        import warnings
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # zipfile warns about the duplicate name
            _rezip(path, lambda i, d: [(_copy(i), d, zipfile.ZIP_STORED)] * (
                2 if i.filename == "config.json" else 1))
    elif fault == "missing-config":
        _rezip(path, lambda i, d: [] if i.filename == "config.json"
               else [(_copy(i), d, zipfile.ZIP_STORED)])
    elif fault == "missing-weights":
        _rezip(path, lambda i, d: [] if i.filename == "model.weights.h5"
               else [(_copy(i), d, zipfile.ZIP_STORED)])
    elif fault == "config-not-json":
        _rezip(path, lambda i, d: [(_copy(i), d[: len(d) // 2] + b"<not json>"
                                    if i.filename == "config.json" else d, zipfile.ZIP_STORED)])
    elif fault == "name-mismatch":
        _rezip(path, lambda i, d: [(_copy(i), _swap_names(d) if i.filename == "model.weights.h5"
                                    else d, zipfile.ZIP_STORED)])
    else:
        raise ValueError(fault)


