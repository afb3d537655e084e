#!/usr/bin/python3
"""Reference results for any Keras model file convscope opens, with PyTorch autograd in float64
(Debian's python3-torch; no Keras or TensorFlow needed). A test-data tool, not a runtime
dependency.

  keras_reference.py MODEL INPUT.bin OUTDIR --class C [--layers L ...] [--activations]
                     [--ig-steps N --baseline FILE] [--occlusion PATCH STRIDE [--fill V]]
                     [--input-size H W]

MODEL: a Keras 3 .keras archive (3.0 ... 3.15, or tf.keras 2.13's), a legacy .h5 with its
model_config (Keras 3 or tf.keras 2.x), or a weights-only VGG16 .h5 (then --input-size, or a
square input is assumed); a Sequential or Functional with one image input and one output, any
graph of layers, nested models flattened (keras_graph.py: names, execution order).
INPUT.bin: float32 H x W x C (NHWC, preprocessed as the model expects).
Writes float32 files into OUTDIR (a layer named "<nested model>/<layer>" in a subfolder):
  meta.json              input shape, layers [{name, class_name, output_shape, inbound}] in
                         execution order (the input first; inbound: the names of the layers it
                         reads), head kind, classes, Grad-CAM shapes, how the input was named
  logits.bin             the class scores (keras_explain.py: the heads); probabilities.bin
  activation-<name>.bin  with --activations: every layer's output, NHWC
  saliency.bin           d score / d input (H x W x C); guided.bin: guided backpropagation
  gradcam-<layer>.bin    for each --layers entry with a spatial output (H' x W')
  <cam>-<layer>.bin      the same for each of keras_explain.CAM_FAMILY
  ig.bin                 with --ig-steps: integrated gradients from --baseline (right Riemann sum)
  occlusion.bin          with --occlusion: drop in the class probability per square (rows, columns)
"""
import argparse
import json
import math
import os
import sys
import zipfile

import h5py
import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import keras_explain as ex  # noqa: E402
import keras_file  # noqa: E402


def load_network(path, input_hw=None):
    return ex.Network(keras_file.load(path, input_hw))


def outdir_files(outdir):
    """path(name) in `outdir`, making the subfolder of a name with a "/" (a nested model's)."""
    def path(name):
        p = os.path.join(outdir, name)
        os.makedirs(os.path.dirname(p), exist_ok=True)
        return p
    return path


def read_input(path, shape):
    data = np.fromfile(path, dtype=np.float32)
    if data.size != int(np.prod(shape)):
        raise SystemExit(f"{path}: {data.size} floats, the model's input {list(shape)} needs "
                         f"{int(np.prod(shape))}")
    return data.reshape(shape)


def square_hw(path, model_path):
    """(H, W) of a square input for a weights-only file, from the size of INPUT.bin."""
    with h5py.File(model_path, "r") as f:
        first = f["block1_conv1"]
        names = [n.decode() if isinstance(n, bytes) else n for n in first.attrs["weight_names"]]
        channels = first[names[0]].shape[2]
    side = math.isqrt(os.path.getsize(path) // 4 // channels)
    return side, side


def main():
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("model")
    p.add_argument("input", help="float32 H x W x C, preprocessed")
    p.add_argument("outdir")
    p.add_argument("--class", dest="cls", type=int, required=True)
    p.add_argument("--layers", nargs="*", default=[], help="Grad-CAM layers")
    p.add_argument("--activations", action="store_true", help="write every layer's output")
    p.add_argument("--ig-steps", type=int, default=0)
    p.add_argument("--baseline", help="float32 H x W x C baseline for integrated gradients")
    p.add_argument("--occlusion", type=int, nargs=2, metavar=("PATCH", "STRIDE"))
    p.add_argument("--fill", type=float, default=0.0, help="occlusion fill value (preprocessed)")
    p.add_argument("--input-size", type=int, nargs=2, metavar=("H", "W"),
                   help="input size of a weights-only VGG16 file")
    a = p.parse_args()
    if a.ig_steps and not a.baseline:
        p.error("--ig-steps needs --baseline")
    try:
        hw = a.input_size
        if hw is None and not _is_full_model(a.model):
            hw = square_hw(a.input, a.model)
        net = load_network(a.model, hw)
    except (keras_file.KerasFileError, ValueError) as e:
        raise SystemExit(f"{a.model}: {e}")
    if not 0 <= a.cls < net.classes:
        raise SystemExit(f"--class {a.cls}: the model has {net.classes} classes")
    image = read_input(a.input, net.model.input_shape)
    out = outdir_files(a.outdir)

    scores, probabilities, saliency, family = ex.saliency_and_cams(net, image, a.cls, a.layers,
                                                                   passes=True)
    cams = family["gradcam"]
    for method in ex.CAM_FAMILY:
        for name, cam in family[method].items():
            cam.astype(np.float32).tofile(out(f"{method}-{name}.bin"))
    scores.astype(np.float32).tofile(out("logits.bin"))
    probabilities.astype(np.float32).tofile(out("probabilities.bin"))
    if a.activations:
        for name, value in ex.activations(net, image).items():
            value.astype(np.float32).tofile(out(f"activation-{name}.bin"))
    saliency.astype(np.float32).tofile(out("saliency.bin"))
    ex.input_gradient(net, image, a.cls, guided=True).astype(np.float32).tofile(out("guided.bin"))
    for name, cam in cams.items():
        cam.astype(np.float32).tofile(out(f"gradcam-{name}.bin"))
    if a.ig_steps:
        baseline = read_input(a.baseline, net.model.input_shape)
        ig = ex.integrated_gradients(net, image, baseline, a.cls, a.ig_steps)
        ig.astype(np.float32).tofile(out("ig.bin"))
    if a.occlusion:
        drops = ex.occlusion(net, image, a.cls, *a.occlusion, fill=a.fill)
        drops.astype(np.float32).tofile(out("occlusion.bin"))
    m = net.model
    inbound = {layer.name: layer.inbound for layer in m.layers}
    meta = {
        "model": os.path.abspath(a.model), "file_format": m.file_format,
        "keras_version": m.keras_version, "semantics": m.flavor, "model_class": m.model_class,
        "input_name": m.input_name, "input_note": m.input_note, "input_shape": list(m.input_shape),
        "layers": [{"name": n, "class_name": c, "output_shape": list(s),
                    "inbound": inbound.get(n, [])} for n, c, s in net.layer_shapes()],
        "head": net.head, "head_activation": net.head_activation, "classes": net.classes,
        "class": a.cls,
        "gradcam": {n: list(c.shape) for n, c in cams.items()},
        "gradcam_skipped": [n for n in a.layers if n not in cams],
    }
    with open(out("meta.json"), "w") as f:
        json.dump(meta, f, indent=1)


def _is_full_model(path):
    if zipfile.is_zipfile(path):
        return True
    try:
        with h5py.File(path, "r") as f:
            return "model_config" in f.attrs or "layer_names" not in f.attrs
    except OSError:
        return True


if __name__ == "__main__":
    main()
