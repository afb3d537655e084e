"""The .keras zip: metadata.json, config.json, model.weights.h5 (Keras 3 and tf.keras 2.13).

saving_lib._save_model_to_fileobj (v3.13.2; save_model in v3.0.0 and v2.13.1): ZipFile(f, "w")
with the default ZIP_STORED; metadata.json and config.json through `zf.open(name, "w")`; the
weights through H5IOStore, which writes an h5py file into a BytesIO and adds it with
`zf.writestr` on close, or, when is_memory_sufficient() is false (v3.5.0+), into a
NamedTemporaryFile next to the output that is added with `zf.write(tmp, "model.weights.h5")`.
The asset store (DiskIOStore) adds nothing for models without assets.

model.weights.h5 holds one `vars` group per saveable with save_own_variables, created in the
order _save_state walks the model: the model itself (`vars`), `layers/<snake_case class>[_n]`
for model.layers (_save_container_state counts per class), sub-layers under their attribute
name, a nested model as `layers/functional` with its own `vars` and `layers/...` below, then
`optimizer`. tf.keras 2.13 walks dir(model) instead: `_layer_checkpoint_dependencies`
(engine/functional.py: "layer_with_weights-i" and "layer-j" entries, so a layer with weights is
met twice and the class counter advances for both; a nested model's own dependencies below
it), `metrics`, `optimizer`.
"""
import datetime
import io
import json
import os
import tempfile
import time
import zipfile

import h5py

from . import serialize, weights
from .naming import to_snake_case
from .training import metric_variables_k2, optimizer_slots
from .weights import Fill

MEMORY_LIMIT = 512 * 1024 * 1024   # is_memory_sufficient without psutil: 1 GiB * 0.5


def keyed(names):
    """_save_container_state's keys: snake_case class name, `_<n>` from the second on."""
    used, out = {}, []
    for cls in names:
        name = to_snake_case(cls)
        if name in used:
            used[name] += 1
            out.append(f"{name}_{used[name]}")
        else:
            used[name] = 0
            out.append(name)
    return out


def _sub_groups(n, flavor):
    """[(attribute path below the layer, layer name, indices into its sub-layer variables)]
    in the order _save_state visits the layer's attributes."""
    if n.kind == "LSTM":
        return [("cell", n.subs[0].name, range(0, 3))]
    if n.kind != "MultiHeadAttention":
        return []
    dense = {"_query_dense": ("query", range(0, 2)), "_key_dense": ("key", range(2, 4)),
             "_value_dense": ("value", range(4, 6)),
             "_output_dense": ("attention_output", range(6, 8)),
             "_dropout_layer": (n.sub_names["dropout"], range(0)),
             "_softmax": (n.sub_names["softmax"], range(0))}
    if flavor.k3 and flavor.at_least(3, 5):
        # _walk_saveable sorts public names first (_name_key): the query_dense ... properties
        # reach the EinsumDense layers before their private attributes do.
        order = [("key_dense", "_key_dense"), ("output_dense", "_output_dense"),
                 ("query_dense", "_query_dense"), ("value_dense", "_value_dense"),
                 ("_dropout_layer", "_dropout_layer"), ("_softmax", "_softmax")]
    else:  # plain sorted(dir()): "_" sorts before lower-case letters
        order = [(a, a) for a in ("_dropout_layer", "_key_dense", "_output_dense",
                                  "_query_dense", "_softmax", "_value_dense")]
    return [(attr, *dense[src]) for attr, src in order]


def _layer_ops(prefix, n, fills, flavor):
    own = [f for path, _, f in fills[n] if len(path) == 1]
    subs = [f for path, _, f in fills[n] if len(path) > 1]
    ops = [(f"{prefix}/vars", n.name, own)]
    for attr, name, idx in _sub_groups(n, flavor):
        ops.append((f"{prefix}/{attr}/vars", name, [subs[i] for i in idx]))
    return ops


def plan_k3(spec, flavor, fills, trainable, dropped=()):
    """`dropped`: names of layers whose groups are left out (fault)."""
    ops = [("vars", spec.name, [])] + _container_k3("layers", spec, fills, flavor, dropped)
    if spec.compile is not None:
        ops.append(("optimizer/vars", "adam", _opt_fills(spec, flavor, trainable)))
    return ops


def _container_k3(prefix, spec, fills, flavor, dropped):
    """model.layers under `prefix`; a nested model is walked like the model itself."""
    layers = serialize.model_layers(spec)
    ops = []
    for key, n in zip(keyed([n.kind for n in layers]), layers):
        if n.name in dropped:
            continue
        if n.kind == "Functional":
            ops.append((f"{prefix}/{key}/vars", n.name, []))
            ops += _container_k3(f"{prefix}/{key}/layers", n.args["model"], fills, flavor, ())
        else:
            ops += _layer_ops(f"{prefix}/{key}", n, fills, flavor)
    return ops


def plan_k2(spec, flavor, fills, trainable, dropped=()):
    ops = [("vars", None, [])] + _dependencies_k2("", spec, fills, flavor, dropped)
    groups = metric_variables_k2(spec)
    for mi, (key, (_, values)) in enumerate(zip(keyed([c for c, _ in groups]), groups)):
        ops.append((f"metrics/{key}/vars", None,
                    [Fill("metric", (), "float32", (2000, mi, j), float(x))
                     for j, x in enumerate(values)]))
    if spec.compile is not None:
        ops.append(("optimizer/vars", None, _opt_fills(spec, flavor, trainable)))
    return ops


def _dependencies_k2(prefix, spec, fills, flavor, dropped):
    deps = []   # Functional._layer_checkpoint_dependencies values, in order
    for n in serialize.model_layers(spec):
        if fills[n]:
            deps.append(n)   # "layer_with_weights-i"
        deps.append(n)       # "layer-j"
    ops, seen = [], set()
    for key, n in zip(keyed([n.kind for n in deps]), deps):
        if n not in seen:    # the second visit is skipped, but its key was counted
            seen.add(n)
            path = f"{prefix}_layer_checkpoint_dependencies/{key}"
            if n.name in dropped:
                continue
            if n.kind == "Functional":
                ops.append((f"{path}/vars", n.name, []))
                ops += _dependencies_k2(path + "/", n.args["model"], fills, flavor, ())
            else:
                ops += _layer_ops(path, n, fills, flavor)
    return ops


def _opt_fills(spec, flavor, trainable):
    out = []
    for i, (_, shape, dtype, role) in enumerate(optimizer_slots(spec, flavor, trainable)):
        out.append(weights.optimizer_fill(role, shape, dtype, (1000, i), spec.steps))
    return out


def write_weights(h5, ops, seed, name_attr):
    for path, name, fs in ops:
        if path == "vars":
            g = h5.create_group("vars")
        else:
            g = h5.create_group(path[:-len("/vars")]).create_group("vars")
        if name_attr and name is not None:
            g.attrs["name"] = name
        for i, f in enumerate(fs):
            weights.write(g, str(i), f, seed, how="assign")


def _zinfo(name, date_time):
    """The ZipInfo writestr() builds for a name (date = now unless fixed, mode 0600)."""
    zi = zipfile.ZipInfo(name, date_time=date_time or time.localtime(time.time())[:6])
    zi.compress_type = zipfile.ZIP_STORED
    zi.external_attr = 0o600 << 16
    return zi


def write_keras(path, spec, flavor, plan, seed, config, date=None, branch="auto",
                total_bytes=0):
    """Writes the archive exactly as the emulated version does. `plan` is the weights plan;
    `date` ("YYYY-mm-dd@HH:MM:SS") fixes date_saved and the writestr timestamps."""
    when = datetime.datetime.strptime(date, "%Y-%m-%d@%H:%M:%S") if date else None
    metadata = {"keras_version": flavor.keras_version,
                "date_saved": (when or datetime.datetime.now()).strftime("%Y-%m-%d@%H:%M:%S")}
    fixed = when.timetuple()[:6] if when else None
    if branch == "auto":
        branch = "tempfile" if flavor.temp_file_branch and total_bytes >= MEMORY_LIMIT \
            else "memory"
    name_attr = flavor.vars_name_attr
    with open(path, "wb") as f, zipfile.ZipFile(f, "w") as zf:
        with zf.open("metadata.json", "w") as m:
            m.write(json.dumps(metadata).encode())
        with zf.open("config.json", "w") as c:
            c.write(json.dumps(config).encode())
        if branch == "tempfile":
            tmp = tempfile.NamedTemporaryFile(dir=os.path.dirname(os.path.abspath(path)))
            try:
                with h5py.File(tmp.name, "w") as h5:
                    write_weights(h5, plan, seed, name_attr)
                if fixed:
                    os.utime(tmp.name, (time.mktime(when.timetuple()),) * 2)
                zf.write(tmp.name, "model.weights.h5")
            finally:
                tmp.close()
        elif total_bytes >= MEMORY_LIMIT:
            # Keras holds the whole file in memory here; stream it through a temp file and add
            # it with the very ZipInfo writestr() would use.
            with tempfile.TemporaryFile(dir=os.path.dirname(os.path.abspath(path))) as tmp:
                with h5py.File(tmp, "w") as h5:
                    write_weights(h5, plan, seed, name_attr)
                size = tmp.seek(0, 2)
                tmp.seek(0)
                zi = _zinfo("model.weights.h5", fixed)
                zi.file_size = size
                with zf.open(zi, "w") as dest:
                    while True:
                        chunk = tmp.read(1 << 20)
                        if not chunk:
                            break
                        dest.write(chunk)
        else:
            buf = io.BytesIO()
            with h5py.File(buf, "w") as h5:
                write_weights(h5, plan, seed, name_attr)
            data = buf.getvalue()
            if fixed:
                zf.writestr(_zinfo("model.weights.h5", fixed), data)
            else:
                zf.writestr("model.weights.h5", data)
    return metadata
