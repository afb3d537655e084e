#!/usr/bin/python3
"""Self-check of make_keras_file.py: writes every model in every format (plus API, input-layer
and rerun-name variants and every --fault) into a temp folder and re-reads each file with
zipfile/h5py/json, checking the structure independently of the writer: zip members, storage
and headers, metadata, config keys, layer names and classes, shared dtype policies, every
weights group and its `name` attribute, variable counts and shapes recomputed from the config
(build_config input shapes; for .h5, from the same model's .keras config), optimizer state,
parameter counts, and identical weights across formats.

Usage: /usr/bin/python3 check_keras_files.py [--full-vgg16] [--full-applications] [--keep DIR]
Exits 1 and lists the failures if any check fails.
"""
import argparse
import contextlib
import io
import json
import math
import os
import re
import sys
import tempfile
import zipfile

import h5py
import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import make_keras_file  # noqa: E402
from check_keras_layers import expected, in_shape, keys, model_layers, variables  # noqa: E402

FORMATS = ["keras3", "keras3.5", "keras3.0", "tf2.13-keras", "keras3-h5", "tf2-h5"]
COMPANION = {"keras3-h5": "keras3", "tf2-h5": "tf2.13-keras"}
# A nested model's module (not exported; else keras.src.models.functional)
FUNCTIONAL_MODULE = {"tf2.13-keras": "keras.src.engine.functional"}
VERSION = dict(zip(FORMATS, ["3.13.2", "3.5.0", "3.0.0", "2.13.1", "3.13.2", "2.10.0"]))
SMALL = ["mnist", "fashion-bn", "cifar-binary", "cifar-softmax", "zoo-a", "zoo-b", "zoo-c",
         "zoo-d", "lambda", "custom", "lstm", "attention", "two-inputs", "two-outputs",
         "channels-first", "autoencoder"]
APPLICATIONS = ["resnet50", "mobilenetv2", "efficientnetb0", "densenet121",
                "mobilenetv2-transfer"]
# "Total params" (non-trainable included) model.summary() reports for keras.applications' models
PUBLISHED = {"vgg16": 138_357_544, "resnet50": 25_636_712, "mobilenetv2": 3_538_984,
             "efficientnetb0": 5_330_571, "densenet121": 8_062_504}
DATE = "2024-05-01@12:00:00"
# Layers built in __init__ (no build_config), per Keras 3 version (from each layer's __init__).
BUILT_AT_INIT = {
    "keras3.0": {"InputLayer", "Dropout", "SpatialDropout2D", "Softmax"},
    "keras3.5": {"InputLayer", "Softmax"},
    "keras3": {"InputLayer", "MaxPooling2D", "AveragePooling2D", "GlobalAveragePooling2D",
               "GlobalMaxPooling2D", "GlobalAveragePooling1D", "Reshape", "Dropout",
               "SpatialDropout2D", "GaussianNoise", "GaussianDropout", "ActivityRegularization",
               "ReLU", "LeakyReLU", "ELU", "Softmax", "Activation"},
    "tf2.13-keras": {"InputLayer"}}
failures = []


def check(cond, what, msg):
    if not cond:
        failures.append(f"{what}: {msg}")
    return cond


def make(out, fmt, model, *extra):
    """Runs make_keras_file.py's main() here; (summary, None) or (None, refusal message)."""
    out_buf, err_buf = io.StringIO(), io.StringIO()
    argv = [out, "--format", fmt, "--model", model, "--date", DATE, *extra]
    with contextlib.redirect_stdout(out_buf), contextlib.redirect_stderr(err_buf):
        rc = make_keras_file.main(argv)
    if rc == 2:
        return None, err_buf.getvalue().strip()
    if rc != 0:
        raise RuntimeError(f"{fmt} {model} {extra}: {err_buf.getvalue()}")
    return json.loads(out_buf.getvalue()), None


def strs(values):
    return [v.decode() if isinstance(v, bytes) else v for v in values]


def walk(entries):
    """Layer entries, a nested model's after it."""
    for e in entries:
        yield e
        if e["class_name"] == "Functional":
            yield from walk(e["config"]["layers"])


def adam_shapes(fmt, trainable):
    if fmt in ("keras3-h5", "keras3", "keras3.5", "keras3.0"):  # iteration, lr, (m, v) pairs
        return [(), ()] + [s for t in trainable for s in (t, t)]
    if fmt == "tf2-h5":  # OptimizerV2: iter, all m, all v
        return [()] + trainable + trainable
    return [()] + [s for t in trainable for s in (t, t)]


def vars_shapes(g):
    return [tuple(g[str(i)].shape) for i in range(len(g))]


# ---------------------------------------------------------------- .keras
def check_keras(path, fmt, summary, what):
    zf = zipfile.ZipFile(path)
    infos = zf.infolist()
    check([i.filename for i in infos] == ["metadata.json", "config.json", "model.weights.h5"],
          what, f"members {[i.filename for i in infos]}")
    for i in infos:
        check(i.compress_type == zipfile.ZIP_STORED and i.flag_bits == 0, what, i.filename)
    for i in infos[:2]:  # zf.open(name, "w") keeps ZipInfo's defaults
        check(i.date_time == (1980, 1, 1, 0, 0, 0) and i.external_attr == 0o600 << 16, what,
              f"{i.filename} header {i.date_time} {oct(i.external_attr)}")
    meta = json.loads(zf.read("metadata.json"))
    check(meta == {"keras_version": VERSION[fmt], "date_saved": DATE}, what, f"meta {meta}")
    top = json.loads(zf.read("config.json"))
    want = ["module", "class_name", "config", "registered_name", "build_config"]
    if "compile_config" in top or fmt == "keras3":  # 3.10+: {} even when not compiled
        want.append("compile_config")
    check(list(top) == want, what, f"top keys {list(top)}")
    check(top["class_name"] == summary["api"].replace("sequential", "Sequential").replace(
        "functional", "Functional"), what, "model class")
    entries = top["config"]["layers"]
    check([e["config"].get("name") for e in entries] == summary["layers"], what, "names")
    check([e["class_name"] for e in entries] == summary["classes"], what, "classes")
    check_entries(entries, fmt, top, what)
    opt = (top.get("compile_config") or {}).get("optimizer")
    check(opt is None or opt == ("adam" if fmt in ("keras3.0", "tf2.13-keras") else opt) and
          (isinstance(opt, str) or opt["module"] == "keras.optimizers"), what, f"optimizer {opt}")
    h5 = h5py.File(io.BytesIO(zf.read("model.weights.h5")), "r")
    check_groups(h5, entries, fmt, summary, top, what)
    return top


def check_entries(entries, fmt, top, what, ids=None):
    """Keys, module, dtype and build_config of each layer entry, a nested model's in its place:
    serialization order decides where the shared DTypePolicy is written in full."""
    outer, ids = ids is None, [] if ids is None else ids
    for e in entries:
        cls, dt = e["class_name"], e["config"].get("dtype")
        check(list(e)[:4] == ["module", "class_name", "config", "registered_name"], what, cls)
        if cls == "Functional":  # not exported: its Python module and registered name
            check(e["module"] == FUNCTIONAL_MODULE.get(fmt, "keras.src.models.functional") and
                  e["registered_name"] == "Functional", what, "nested model module")
            check_entries(e["config"]["layers"], fmt, e, what, ids)
            continue
        if fmt in ("keras3", "keras3.5") and cls not in ("InputLayer", "SpatialDropout2D"):
            check(isinstance(dt, dict) and dt["class_name"] == "DTypePolicy", what, cls)
            ids.append(dt.get("shared_object_id"))
        elif cls != "InputLayer":
            check(dt == "float32", what, f"{cls} dtype {dt}")
        if fmt == "keras3.0":
            check(e["module"] is None or e["module"].startswith("keras.src."), what, cls)
        elif cls != "ScaleLayer":
            check(e["module"] == "keras.layers" and e["registered_name"] is None, what, cls)
        check(("build_config" in e) == (cls not in BUILT_AT_INIT[fmt]), what,
              f"{cls} build_config")
    if outer and ids:  # the first serialization is copied before the policy is marked shared
        if any(e["class_name"] == "LSTM" for e in entries[:2]):
            ids = [None] + ids  # ... unless RNN.get_config serialized the cell's first
        rest = set(ids[1:]) | ({top["config"]["dtype"]["shared_object_id"]}
                               if "dtype" in top["config"] else set())
        check(ids[0] is None and len(rest) == 1 and None not in rest, what, f"ids {ids[:3]}")


def expected_groups(entries, functional, fmt, prefix=""):
    """{vars group: ([variable shapes], layer name)} of model.layers as saving_lib walks them;
    a nested model gets a vars group of its own, its layers below it."""
    layers = model_layers(entries, functional)
    if not fmt.startswith("tf2"):
        sub, pairs = "layers", list(zip(keys([e["class_name"] for e in layers]), layers))
    else:  # _layer_checkpoint_dependencies lists a layer with weights twice
        deps = [x for e in layers
                for x in ([e, e] if any(v[2] for v in variables([e], True, in_shape)) else [e])]
        sub, pairs, seen = "_layer_checkpoint_dependencies", [], set()
        for k, e in zip(keys([e["class_name"] for e in deps]), deps):
            if id(e) not in seen:
                seen.add(id(e))
                pairs.append((k, e))
    groups = {}
    for key, e in pairs:
        path, cls = f"{prefix}{sub}/{key}", e["class_name"]
        if cls == "Functional":  # no variables of its own
            groups[f"{path}/vars"] = ([], e["config"]["name"])
            groups.update(expected_groups(e["config"]["layers"], True, fmt, path + "/"))
            continue
        own, subs = expected(cls, e["config"], in_shape(e) or [None])
        groups[f"{path}/vars"] = (own, e["config"]["name"])
        for name, shapes in subs:
            attr = {"cell": "cell", "softmax": "_softmax", "dropout_layer": "_dropout_layer"}.get(
                name, ("" if fmt in ("keras3", "keras3.5") else "_") + name + "_dense")
            groups[f"{path}/{attr}/vars"] = (shapes, None)
    return groups


def check_groups(h5, entries, fmt, summary, top, what):
    k3, named = not fmt.startswith("tf2"), fmt == "keras3"
    functional = top["class_name"] == "Functional"
    want = {"vars"}
    for g, (shapes, name) in expected_groups(entries, functional, fmt).items():
        want.add(g)
        if check(g in h5, what, f"missing {g}"):
            check(vars_shapes(h5[g]) == [tuple(s) for s in shapes], what, f"{g} shapes")
            if name:
                check(h5[g].attrs.get("name") == (name if named else None), what, f"{g} name")
    found_vars = variables(entries, functional, in_shape)
    total = sum(math.prod(s) for _, _, shapes, _ in found_vars for s in shapes)
    trainable = [s for _, _, shapes, t in found_vars for s in shapes[:t]]
    check(total == summary["params"], what, f"params {total} != {summary['params']}")
    check(h5["vars"].attrs.get("name") == (top["config"]["name"] if named else None), what,
          "root vars name")
    if top.get("compile_config"):
        ov = h5["optimizer/vars"]
        want.add("optimizer/vars")
        check(vars_shapes(ov) == adam_shapes(fmt, trainable), what, "optimizer shapes")
        check(ov["0"].dtype == np.int64, what, "iteration dtype")
        check(ov.attrs.get("name") == ("adam" if named else None), what, "optimizer name")
        for g in h5.get("metrics", {}) if not k3 else []:
            want.add(f"metrics/{g}/vars")
            check(vars_shapes(h5[f"metrics/{g}/vars"]) == [(), ()], what, f"metric {g}")
    found = set()
    h5.visititems(lambda n, o: found.add(n) if n.endswith("vars") and
                  isinstance(o, h5py.Group) else None)
    check(found == want, what,
          f"extra {sorted(found - want)[:3]} missing {sorted(want - found)[:3]}")


# ---------------------------------------------------------------- .h5
def check_h5(path, fmt, summary, companion, what):
    f = h5py.File(path, "r")
    check(list(f.attrs)[:3] == ["backend", "keras_version", "model_config"] and
          f.attrs["keras_version"] == VERSION[fmt] and f.attrs["backend"] == "tensorflow",
          what, f"root attributes {list(f.attrs)}")
    mc = json.loads(f.attrs["model_config"])
    entries = mc["config"]["layers"]
    check(list(mc) == ["class_name", "config"] and
          all(list(e)[:2] == ["class_name", "config"] and "module" not in e for e in entries),
          what, "legacy entries")
    check([e["config"].get("name") for e in entries] == summary["layers"], what, "names")
    check([e["class_name"] for e in entries] == summary["classes"], what, "classes")
    layers = model_layers(entries, mc["class_name"] == "Functional")
    mw = f["model_weights"]
    check(strs(mw.attrs["layer_names"]) == [e["config"]["name"] for e in layers], what,
          "layer_names")
    comp = {e["config"]["name"]: e for e in walk(companion)}
    prefix = f"{mc['config']['name']}/" if fmt == "keras3-h5" and mc["class_name"] == \
        "Sequential" else ""
    total, trainable = 0, []
    for e in layers:
        name = e["config"]["name"]
        wn = strs(mw[name].attrs["weight_names"])
        # a nested model's group lists its trainable weights, then the others (_legacy_weights),
        # named from its layers on: they were built before the outer model
        found_vars = variables([e], True, lambda x: in_shape(comp.get(x["config"]["name"])))
        names = (lambda n: n + "/") if e["class_name"] == "Functional" else \
            (lambda n: prefix + n + "/")
        want = [(names(n), s) for n, _, shapes, t in found_vars for s in shapes[:t]] + \
            [(names(n), s) for n, _, shapes, t in found_vars for s in shapes[t:]]
        check(len(wn) == len(want), what, f"{name}: {len(wn)} weights, {len(want)} expected")
        for w, (start, s) in zip(wn, want):
            ok = w.startswith(start) and (":" not in w if fmt == "keras3-h5" else w.endswith(":0"))
            if check(ok and w in mw[name], what, f"{name}: weight {w}"):
                check(mw[name][w].shape == s, what, f"{w} shape {mw[name][w].shape} != {s}")
        total += sum(math.prod(s) for _, s in want)
        trainable += [s for _, _, shapes, t in found_vars for s in shapes[:t]]
    check(total == summary["params"], what, f"params {total} != {summary['params']}")
    check(len(mw["top_level_model_weights"].attrs["weight_names"]) == 0, what, "top level")
    if "optimizer_weights" in f:
        og = f["optimizer_weights"]
        got = [tuple(og[n].shape) for n in strs(og.attrs["weight_names"])]
        check(got == adam_shapes(fmt, trainable), what, "optimizer_weights shapes")


def first_kernel(path):
    if path.endswith(".keras"):
        h5 = h5py.File(io.BytesIO(zipfile.ZipFile(path).read("model.weights.h5")), "r")
        for g in ("layers/conv2d/vars/0", "_layer_checkpoint_dependencies/conv2d/vars/0",
                  "layers/functional/layers/conv2d/vars/0", "_layer_checkpoint_dependencies/"
                  "functional/_layer_checkpoint_dependencies/conv2d/vars/0"):
            if g in h5:
                return np.asarray(h5[g])
        return None
    g = h5py.File(path, "r")["model_weights"].get("conv2d")
    return None if g is None else np.asarray(g[strs(g.attrs["weight_names"])[0]])


# ---------------------------------------------------------------- faults
def check_faults(tmp):
    base = os.path.join(tmp, "mnist.keras3.keras")
    kernel = "layers/conv2d/vars/0"
    for fault in ["member-4gb", "compressed", "duplicate-member", "missing-config",
                  "missing-weights", "config-not-json", "not-a-zip", "truncated",
                  "wrong-shape", "nan-weight", "config-names-missing-layer"]:
        p, what = os.path.join(tmp, f"fault_{fault}.keras"), f"fault {fault}"
        if not check(make(p, "keras3", "mnist", "--fault", fault)[0], what, "refused"):
            continue
        if fault in ("not-a-zip", "truncated"):
            check(not zipfile.is_zipfile(p) and (fault == "not-a-zip" or os.path.getsize(p) ==
                                                 os.path.getsize(base) // 2), what, "file")
            continue
        zf = zipfile.ZipFile(p)
        names = [i.filename for i in zf.infolist()]
        if fault == "member-4gb":
            check(zf.getinfo("model.weights.h5").file_size == 0xFFFFFFFE, what, "size")
        elif fault == "compressed":
            check(zf.getinfo("model.weights.h5").compress_type == zipfile.ZIP_DEFLATED, what, "")
        elif fault in ("duplicate-member", "missing-config", "missing-weights"):
            check(names.count("config.json") == 2 if fault == "duplicate-member" else
                  ("config.json" if fault == "missing-config" else "model.weights.h5")
                  not in names, what, names)
        elif fault == "config-not-json":
            with contextlib.suppress(ValueError):
                json.loads(zf.read("config.json"))
                failures.append(f"{what}: config parses")
        else:
            h5 = h5py.File(io.BytesIO(zf.read("model.weights.h5")), "r")
            check(h5[kernel].shape == (3, 3, 1, 33) if fault == "wrong-shape" else
                  np.isnan(np.asarray(h5[kernel])).sum() == 1 if fault == "nan-weight" else
                  "layers/conv2d" not in h5 and "layers/conv2d_1" in h5, what, "weights")
    for fault in ["wrong-shape", "nan-weight", "config-names-missing-layer", "truncated"]:
        for fmt in ("keras3-h5", "tf2-h5"):
            p, what = os.path.join(tmp, f"fault_{fault}_{fmt}.h5"), f"fault {fault} [{fmt}]"
            if not check(make(p, fmt, "mnist", "--fault", fault)[0], what, "refused") or \
                    fault == "truncated":
                continue
            mw = h5py.File(p, "r")["model_weights"]
            if fault == "config-names-missing-layer":
                check("conv2d" not in mw and "conv2d" in strs(mw.attrs["layer_names"]), what, "")
                continue
            k = np.asarray(mw["conv2d"][strs(mw["conv2d"].attrs["weight_names"])[0]])
            check(k.shape == (3, 3, 1, 33) if fault == "wrong-shape" else
                  np.isnan(k).sum() == 1, what, "kernel")
    check(make(os.path.join(tmp, "x.h5"), "tf2-h5", "mnist", "--fault", "compressed")[0] is None,
          "fault compressed [tf2-h5]", "not refused")


def check_no_input(tmp, tag, model):
    """Keras 3 always writes an InputLayer (Sequential.add makes one from input_shape): the
    config equals the keras.Input one. tf.keras writes `<first>_input` and batch_input_shape."""
    for fmt in ("keras3", "keras3.0"):
        a, b = [json.loads(zipfile.ZipFile(os.path.join(tmp, f"{t}.{fmt}.keras")).read(
            "config.json")) for t in (tag, model)]
        check(a == b, f"{model} --no-input-layer [{fmt}]", "differs from the keras.Input file")
    mc = json.loads(h5py.File(os.path.join(tmp, f"{tag}.tf2-h5.h5"), "r").attrs["model_config"])
    first, second = mc["config"]["layers"][:2]
    check(first["config"]["name"] == second["config"]["name"] + "_input" and
          second["config"]["batch_input_shape"] == first["config"]["batch_input_shape"],
          f"{model} --no-input-layer [tf2-h5]", "InputLayer / batch_input_shape")


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--full-vgg16", action="store_true", help="also the full 528 MB VGG16")
    ap.add_argument("--full-applications", action="store_true",
                    help="also ResNet50, MobileNetV2, EfficientNetB0, DenseNet121 at full size "
                         "(.keras only; about a minute)")
    ap.add_argument("--keep", help="write into this folder and keep the files")
    args = ap.parse_args()
    tmpobj = None if args.keep else tempfile.TemporaryDirectory()
    tmp = args.keep or tmpobj.name
    os.makedirs(tmp, exist_ok=True)
    variants = [(m, []) for m in SMALL]
    variants += [(m, ["--api", "functional"]) for m in ("mnist", "fashion-bn", "zoo-b", "lstm")]
    variants += [(m, ["--no-input-layer"]) for m in ("mnist", "zoo-a")]
    variants += [("zoo-b", ["--rerun-names"]), ("attention", ["--rerun-names", "2"]),
                 ("vgg16", ["--width-divisor", "16", "--input-size", "32", "32"]),
                 ("cifar-softmax", ["--input-size", "32", "48"])]
    variants += [(m, ["--width-divisor", "8", "--input-size", "32", "32"]) for m in APPLICATIONS]
    variants += [("mobilenetv2", ["--width-divisor", "4", "--input-size", "33", "46"])]
    variants += [("vgg16", [])] if args.full_vgg16 else []
    variants += [(m, []) for m in APPLICATIONS[:4]] if args.full_applications else []
    written = refused = 0
    for model, extra in variants:
        tag, kernels, configs = model + "".join(x.replace("-", "") for x in extra), [], {}
        for fmt in FORMATS[:1] if model in PUBLISHED and not extra else FORMATS:
            p = os.path.join(tmp, f"{tag}.{fmt}.{'h5' if fmt.endswith('h5') else 'keras'}")
            what = f"{model} {' '.join(extra)} [{fmt}]"
            s, err = make(p, fmt, model, *extra)
            if s is None:
                refused += 1
                check(re.search(r"activation '(relu6|hard_swish)'", err), what, err)
                continue
            written += 1
            if model in PUBLISHED and not extra:
                check(s["params"] == PUBLISHED[model], what, f"{s['params']} parameters")
            if p.endswith(".keras"):
                configs[fmt] = check_keras(p, fmt, s, what)["config"]["layers"]
            elif check(COMPANION[fmt] in configs, what, "no companion .keras"):
                check_h5(p, fmt, s, configs[COMPANION[fmt]], what)
            kernels.append(first_kernel(p))
        kernels = [k for k in kernels if k is not None]
        check(all(np.array_equal(kernels[0], k) for k in kernels[1:]), f"{model} {extra}",
              "weights differ between formats")
        if "--no-input-layer" in extra:
            check_no_input(tmp, tag, model)
    check_faults(tmp)
    print(f"{written} files checked, {refused} combinations refused as expected, "
          f"{len(failures)} failures")
    for f in failures:
        print("FAIL", f)
    if tmpobj:
        tmpobj.cleanup()
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
