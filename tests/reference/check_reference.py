#!/usr/bin/python3
"""Checks the PyTorch reference without Keras:
  1. layer math against numpy loops and formulas (check_layers.py), whole small models: heads,
     saliency by finite differences, Grad-CAM, integrated gradients, occlusion, parsing of
     model configs (check_models.py); graphs: merge layers, DepthwiseConv2D, a Functional with
     branches and a nested Sequential, transfer learning, in several formats, against
     hand-written PyTorch (check_graph.py);
  2. today's VGG16 .h5 files (make_keras_model.py: weights-only and full model, both weight
     namings) through torch_explain.py, as tests/support/models.mjs calls it, and through
     keras_reference.py: the same results from every layout, the same as each other;
  3. every file model_convert/testing/make_keras_file.py writes (when it exists), in each format:
     every supported model as Sequential and Functional, with --no-input-layer, --rerun-names, a
     small VGG16 and small keras.applications graphs (ResNet50, MobileNetV2, EfficientNetB0,
     DenseNet121, MobileNetV2 nested in a Sequential for transfer learning; those the generator
     has): the layers and parameter count the generator reports, finite probabilities,
     saliency by finite differences, and one model's files in every format and API giving the
     same results (per Keras semantics, keras3 or tf2); the models convscope refuses (Lambda,
     custom, LSTM, attention, two inputs or outputs, channels_first, Conv2DTranspose) refused.
  check_reference.py [--skip-files] [--full-vgg16] [--keep DIR]
Run with /usr/bin/python3 (Debian's python3-torch, python3-h5py, python3-numpy).
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
import check_graph  # noqa: E402
import check_layers  # noqa: E402
import check_models  # noqa: E402
import keras_explain as ex  # noqa: E402
import keras_file  # noqa: E402

PY = "/usr/bin/python3"
VGG_MAKER = os.path.join(ROOT, "model_convert/testing/make_keras_model.py")
FILE_MAKER = os.path.join(ROOT, "model_convert/testing/make_keras_file.py")
FORMATS = ["keras3", "keras3.5", "keras3.0", "tf2.13-keras", "keras3-h5", "tf2-h5"]
CHAIN_MODELS = ["mnist", "fashion-bn", "cifar-binary", "cifar-softmax", "zoo-a", "zoo-b", "zoo-c",
                "zoo-d"]
GRAPH_MODELS = ["resnet50", "mobilenetv2", "efficientnetb0", "densenet121", "mobilenetv2-transfer"]
SMALL = ["--width-divisor", "8", "--input-size", "64", "64"]
REFUSED_MODELS = ["lambda", "custom", "lstm", "attention", "two-inputs", "two-outputs",
                  "channels-first", "autoencoder"]


def run(args):
    r = subprocess.run(args, capture_output=True, text=True)
    if r.returncode != 0:
        raise AssertionError(f"{' '.join(args)} failed:\n{r.stderr[-3000:]}")
    return r.stdout


def read(d, name):
    return np.fromfile(os.path.join(d, name), dtype=np.float32)


def same(a, b, what, tol=0.0):
    err = float(np.max(np.abs(a - b))) if a.size else 0.0
    assert a.shape == b.shape and err <= tol * max(1.0, float(np.max(np.abs(a)))), \
        f"{what}: shapes {a.shape} {b.shape}, off by {err}"


def saliency_by_differences(net, image, cls, grad, points):
    for p in points:
        h = 1e-5 * max(1.0, abs(float(image[p])))
        up, down = image.astype(np.float64), image.astype(np.float64)
        up[p] += h
        down[p] -= h
        numeric = (ex.scores(net, up)[0][cls] - ex.scores(net, down)[0][cls]) / (2 * h)
        assert abs(numeric - grad[p]) <= 1e-4 * max(1.0, abs(numeric)), \
            f"saliency at {p}: {grad[p]} vs finite differences {numeric}"


def reference(model, image_path, out, cls, extra=()):
    run([PY, os.path.join(HERE, "keras_reference.py"), model, image_path, out, "--class", str(cls),
         *extra])
    with open(os.path.join(out, "meta.json")) as f:
        return json.load(f)


def check_vgg16(tmp, full):
    """torch_explain.py and keras_reference.py on every layout of one small VGG16."""
    rng = np.random.default_rng(5)
    image = (rng.standard_normal((32, 32, 3)) * 50).astype(np.float32)
    base = np.zeros_like(image) - 20
    image_path, base_path = os.path.join(tmp, "vgg-in.bin"), os.path.join(tmp, "vgg-base.bin")
    image.tofile(image_path)
    base.tofile(base_path)
    results, n = {}, 0
    for layout, naming in [("weights-only", "2016"), ("weights-only", "keras2"),
                           ("full-model", "2016"), ("full-model", "keras2")]:
        h5 = os.path.join(tmp, f"vgg-{layout}-{naming}.h5")
        run([PY, VGG_MAKER, h5, "--layout", layout, "--naming", naming, "--input-size", "32",
             "--width-divisor", "16", "--fc-units", "64", "--classes", "10", "--seed", "21"])
        out = os.path.join(tmp, f"torch-{layout}-{naming}")
        run([PY, os.path.join(HERE, "torch_explain.py"), h5, image_path, "32", "32", "3", out,
             "--layers", "block5_conv3", "block3_conv1", "--ig-steps", "4", "--baseline", base_path,
             "--occlusion", "8", "4"])
        with open(os.path.join(out, "meta.json")) as f:
            assert json.load(f) == {"block5_conv3": [2, 2], "block3_conv1": [8, 8]}
        got = {k: read(out, f"{k}.bin") for k in ["logits", "saliency", "guided", "ig", "occlusion",
                                                   "gradcam-block5_conv3", "gradcam-block3_conv1"]}
        assert got["logits"].shape == (10,) and got["saliency"].shape == (32 * 32 * 3,)
        assert got["occlusion"].shape == (49,) and got["gradcam-block3_conv1"].shape == (64,)
        general = os.path.join(tmp, f"general-{layout}-{naming}")
        meta = reference(h5, image_path, general, 3, ["--layers", "block5_conv3", "block3_conv1",
                                                      "--ig-steps", "4", "--baseline", base_path,
                                                      "--occlusion", "8", "4", "--activations"])
        assert meta["head"] == "softmax" and meta["classes"] == 10 and len(meta["layers"]) == 23
        for k, v in got.items():
            same(read(general, f"{k}.bin"), v,
                 f"{layout} {naming} {k}: torch_explain vs keras_reference")
        probabilities = read(general, "probabilities.bin")
        same(probabilities, read(general, "activation-predictions.bin"),
             "probabilities = output", 1e-6)
        for name, value in results.get("first", {}).items():
            same(got[name], value, f"{layout} {naming} {name} vs the first layout")
        results.setdefault("first", got)
        net = ex.Network(keras_file.load(h5, (32, 32)))
        grad = got["saliency"].reshape(32, 32, 3)
        saliency_by_differences(net, image, 3, grad, [(0, 0, 0), (13, 17, 1), (31, 30, 2)])
        n += 1
    if full:
        big = os.path.join(ROOT, "build/native/test-models/vgg16-weights-2016.h5")
        image = (rng.standard_normal((224, 224, 3)) * 50).astype(np.float32)
        image.tofile(image_path)
        out = os.path.join(tmp, "torch-full")
        run([PY, os.path.join(HERE, "torch_explain.py"), big, image_path, "224", "224", "7", out,
             "--layers", "block5_conv3"])
        assert read(out, "logits").shape == (1000,)
        assert read(out, "gradcam-block5_conv3").shape == (196,)
        n += 1
    return n


def generate(path, fmt, model, extra=()):
    """The generator's JSON for one file, or None when the combination cannot exist (status 2)."""
    r = subprocess.run([PY, FILE_MAKER, path, "--format", fmt, "--model", model, *extra],
                       capture_output=True, text=True)
    if r.returncode == 2:
        return None
    if r.returncode != 0:
        raise AssertionError(f"make_keras_file.py {fmt} {model} failed:\n{r.stderr[-2000:]}")
    return json.loads(r.stdout.strip().splitlines()[-1])


def variants():
    """(format, model, generator options) for every model, API and naming the generator has."""
    for fmt in FORMATS:
        for model in CHAIN_MODELS:
            yield fmt, model, ["--api", "sequential"]
            yield fmt, model, ["--api", "functional"]
        yield fmt, "mnist", ["--no-input-layer"]
        yield fmt, "zoo-b", ["--rerun-names"]
        yield fmt, "vgg16", ["--input-size", "32", "32", "--width-divisor", "16"]
        for model in GRAPH_MODELS:
            yield fmt, model, SMALL
        for model in REFUSED_MODELS:
            yield fmt, model, []


def check_one(tmp, fmt, model, extra, info, first):
    path = info["path"]
    net = ex.Network(keras_file.load(path))
    shape = tuple(net.model.input_shape)
    image = np.random.default_rng(len(model)).random(shape).astype(np.float32)
    image_path = os.path.join(tmp, f"in-{model}.bin")
    image.tofile(image_path)
    spatial = [name for name, _, s in net.layer_shapes() if len(s) == 3]
    out = path + ".out"
    meta = reference(path, image_path, out, 1, ["--activations", "--layers", *spatial,
                                                "--occlusion", "4", "4"])
    names = [l["name"] for l in meta["layers"]]
    nested = [i for i, c in enumerate(info["classes"]) if c in ("Functional", "Sequential")]
    # The generator lists a nested model, the reference its layers: compare what follows it.
    want = info["layers"][nested[-1] + 1:] if nested else info["layers"][-(len(names) - 1):]
    assert names[-len(want):] == want, f"{path}: layers {names} vs generator's {info['layers']}"
    assert meta["input_shape"] == list(info["input_shape"])[-3:], (path, info["input_shape"])
    params = sum(w.size for layer in net.model.layers for w in layer.weights)
    assert params == info["params"], f"{path}: {params} parameters read, generator {info['params']}"
    p = read(out, "probabilities.bin")
    assert np.all(np.isfinite(p)) and len(p) == meta["classes"]
    if meta["head"] != "sigmoid":
        assert abs(float(p.sum()) - 1) < 1e-5, f"{path}: probabilities sum to {p.sum()}"
    for name in ["saliency", "guided"]:
        assert np.all(np.isfinite(read(out, f"{name}.bin")))
    results = {k: read(out, f"{k}.bin") for k in ["logits", "saliency", "guided", "occlusion"]}
    for i, name in enumerate(names):  # by position: layer names differ between formats
        results[f"activation {i}"] = read(out, f"activation-{name}.bin")
    key = (model, meta["semantics"], "rerun" if "--rerun-names" in extra else "")
    if key in first:
        ref_label, ref = first[key]
        for k, v in ref.items():
            same(results[k], v, f"{model} {fmt} {' '.join(extra)} vs {ref_label}: {k}", 1e-6)
    else:
        first[key] = (f"{fmt} {' '.join(extra)}", results)
    saliency_by_differences(net, image, 1, read(out, "saliency.bin").reshape(shape),
                            [(0, 0, 0), (shape[0] // 2, shape[1] // 3, shape[2] - 1)])
    return meta


def check_generated(tmp):
    """Every generated file runs and gives the generator's layers; one model's files in every
    format and API give the same results (per Keras semantics); the refused models are refused."""
    if not os.path.exists(FILE_MAKER):
        print("  (no model_convert/testing/make_keras_file.py yet: skipped)")
        return 0
    first, n, absent = {}, 0, []
    for fmt, model, extra in variants():
        tag = "".join(f"_{e.lstrip('-')}" for e in extra)
        path = os.path.join(tmp, f"{model}-{fmt}{tag}{'.h5' if fmt.endswith('h5') else '.keras'}")
        info = generate(path, fmt, model, extra)
        if info is None:
            absent.append(f"{model} {fmt} {' '.join(extra)}".strip())
            continue
        if model in REFUSED_MODELS:
            r = subprocess.run([PY, os.path.join(HERE, "keras_reference.py"), path,
                                os.devnull, path + ".out", "--class", "0"],
                               capture_output=True, text=True)
            assert r.returncode != 0 and r.stderr.strip(), f"{path}: not refused"
            print(f"  {model} {fmt}: refused: {r.stderr.strip().splitlines()[-1][:150]}")
        else:
            meta = check_one(tmp, fmt, model, extra, info, first)
            print(f"  {model} {fmt} {' '.join(extra)}: {meta['file_format']} "
                  f"{meta['semantics']} {meta['head']}, {len(meta['layers'])} layers ok")
        n += 1
    if absent:
        print(f"  combinations the generator says cannot exist: {', '.join(absent)}")
    return n


def main():
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--skip-files", action="store_true", help="layer and model math only")
    p.add_argument("--full-vgg16", action="store_true",
                   help="also build/native/test-models/vgg16-weights-2016.h5 at 224 x 224")
    p.add_argument("--keep", help="write the files here and keep them")
    a = p.parse_args()
    checks = check_layers.CHECKS + check_models.CHECKS + check_graph.CHECKS
    failed = 0
    with tempfile.TemporaryDirectory() as scratch:
        tmp = a.keep or scratch
        os.makedirs(tmp, exist_ok=True)
        if not a.skip_files:
            def check_vgg16_files():
                return check_vgg16(tmp, a.full_vgg16)

            def check_generated_files():
                return check_generated(tmp)
            checks = checks + [check_vgg16_files, check_generated_files]
        for check in checks:
            name = getattr(check, "__name__", "check")
            started = time.time()
            try:
                count = check()
                print(f"ok    {name}: {count} cases ({time.time() - started:.1f} s)")
            except AssertionError as e:
                failed += 1
                print(f"FAIL  {name}: {e}")
    print("all checks passed" if not failed else f"{failed} check groups failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
