#!/usr/bin/python3
"""Reference explanations with PyTorch autograd (float64) for convscope's tests, for the VGG16 .h5
files of model_convert/testing/make_keras_model.py (weights-only or full model; any Keras file
keras_reference.py reads works too). The command line of the JS tests (tests/support/models.mjs);
keras_reference.py is the general front end of the same code. Writes, for one class score (the
value before the final softmax):
  logits.bin           the class scores
  saliency.bin         d score / d input, H x W x C (NHWC, the model's channel order)
  guided.bin           the same through guided backpropagation (ReLU: grad * (x > 0) * (grad > 0))
  gradcam-<layer>.bin  ReLU(sum_k alpha_k A_k), alpha_k = spatial mean of d score / d A_k
  <cam>-<layer>.bin    the same layer's other CAMs (keras_explain.CAM_FAMILY; with --pass-cams
                       also those of a pass per channel, cam_passes.METHODS)
  ig.bin               with --ig-steps: integrated gradients from --baseline (right Riemann sum)
  deletion.bin, insertion.bin, confidence.bin
                       with --metrics MAP STEPS: faithfulness.py's probabilities for the float32
                       H x W map in file MAP, from --baseline
  road-morf.bin, road-lerf.bin
                       with --metrics and --road-step STEP: ROAD's probabilities without noise
  occlusion.bin        with --occlusion PATCH STRIDE: the drop in the class's softmax probability
                       with each PATCH x PATCH square (every STRIDE pixels, rows then columns) set
                       to 0, the preprocessed mean pixel
all float32, plus meta.json ({layer: Grad-CAM shape}). A test-data tool, not a runtime dependency.
"""
import argparse
import json
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import faithfulness  # noqa: E402
import keras_explain as ex  # noqa: E402
import keras_file  # noqa: E402
from keras_reference import outdir_files  # noqa: E402


def main():
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("h5")
    p.add_argument("input", help="float32 H x W x C, preprocessed")
    p.add_argument("height", type=int)
    p.add_argument("width", type=int)
    p.add_argument("cls", type=int)
    p.add_argument("outdir")
    p.add_argument("--layers", nargs="*", default=[], help="Grad-CAM layers")
    p.add_argument("--ig-steps", type=int, default=0)
    p.add_argument("--baseline", help="float32 H x W x C baseline for integrated gradients and "
                   "the metrics")
    p.add_argument("--metrics", nargs=2, metavar=("MAP", "STEPS"))
    p.add_argument("--road-step", type=int)
    p.add_argument("--pass-cams", action="store_true")
    p.add_argument("--occlusion", type=int, nargs=2, metavar=("PATCH", "STRIDE"))
    a = p.parse_args()
    try:
        net = ex.Network(keras_file.load(a.h5, (a.height, a.width)))
    except (keras_file.KerasFileError, ValueError) as e:
        raise SystemExit(f"{a.h5}: {e}")
    shape = net.model.input_shape
    if tuple(shape[:2]) != (a.height, a.width):
        raise SystemExit(f"{a.h5}: the model's input is {shape[0]} x {shape[1]}, not "
                         f"{a.height} x {a.width}")
    image = np.fromfile(a.input, dtype=np.float32).reshape(shape)
    out = outdir_files(a.outdir)

    ex.input_gradient(net, image, a.cls, guided=True).astype(np.float32).tofile(out("guided.bin"))
    scores, _, saliency, family = ex.saliency_and_cams(net, image, a.cls, a.layers,
                                                         passes=a.pass_cams)
    cams = family["gradcam"]
    for method in ex.CAM_FAMILY:
        for name, cam in family.get(method, {}).items():
            cam.astype(np.float32).tofile(out(f"{method}-{name}.bin"))
    saliency.astype(np.float32).tofile(out("saliency.bin"))
    scores.astype(np.float32).tofile(out("logits.bin"))
    meta = {}
    for name, cam in cams.items():
        cam.astype(np.float32).tofile(out(f"gradcam-{name}.bin"))
        meta[name] = list(cam.shape)
    if a.ig_steps:
        baseline = np.fromfile(a.baseline, dtype=np.float32).reshape(shape)
        ex.integrated_gradients(net, image, baseline, a.cls, a.ig_steps).astype(np.float32) \
            .tofile(out("ig.bin"))
    if a.metrics:
        m = np.fromfile(a.metrics[0], dtype=np.float32).reshape(shape[:2])
        baseline = np.fromfile(a.baseline, dtype=np.float32).reshape(shape)
        steps = int(a.metrics[1])
        for name in ["deletion", "insertion"]:
            p, _ = getattr(faithfulness, name)(net, image, baseline, m, a.cls, steps)
            p.astype(np.float32).tofile(out(f"{name}.bin"))
        faithfulness.confidence(net, image, m, a.cls).astype(np.float32).tofile(
            out("confidence.bin"))
        for name, least_first in [("road-morf", False), ("road-lerf", True)] if a.road_step else []:
            faithfulness.road(net, image, m, a.cls, a.road_step, least_first) \
                .astype(np.float32).tofile(out(f"{name}.bin"))
    if a.occlusion:
        drops = ex.occlusion(net, image, a.cls, *a.occlusion)
        drops.astype(np.float32).tofile(out("occlusion.bin"))
    with open(out("meta.json"), "w") as f:
        json.dump(meta, f)


if __name__ == "__main__":
    main()
