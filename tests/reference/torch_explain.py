#!/usr/bin/python3
"""Reference explanations with PyTorch autograd (float64) for convscope's tests: rebuilds a VGG16
(Keras layer names) from its .h5 with the same weights, runs a given preprocessed input, and
writes, for one class score (the pre-softmax logit):
  logits.bin           the logits
  saliency.bin         d logit / d input, H x W x 3 (NHWC, the model's channel order)
  guided.bin           the same through guided backpropagation (ReLU: grad * (x > 0) * (grad > 0))
  gradcam-<layer>.bin  ReLU(sum_k alpha_k A_k), alpha_k = spatial mean of d logit / d A_k
  ig.bin               with --ig-steps: integrated gradients from --baseline (right Riemann sum)
  occlusion.bin        with --occlusion PATCH STRIDE: the drop in the class's softmax probability
                       with each PATCH x PATCH square (every STRIDE pixels, rows then columns) set
                       to 0, the preprocessed mean pixel
all float32, plus meta.json. A test-data tool (Debian's python3-torch), not a runtime dependency.
"""
import argparse
import json
import os
import sys

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "model_convert", "testing"))
from keras_h5 import VGG16_BLOCKS, read_weights  # noqa: E402


class GuidedRelu(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x.clamp(min=0)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad * (x > 0) * (grad > 0)


def forward(weights, x, guided, keep):
    """x: NCHW. Returns the logits and the activations named in `keep` (retaining their grads)."""
    relu = GuidedRelu.apply if guided else F.relu
    kept = {}

    def hold(name, t):
        if name in keep:
            t.retain_grad()
            kept[name] = t
        return t

    for block, n in VGG16_BLOCKS:
        for i in range(1, n + 1):
            name = f"{block}_conv{i}"
            kernel, bias = (torch.from_numpy(w).double() for w in weights[name])
            x = hold(name, relu(F.conv2d(x, kernel.permute(3, 2, 0, 1), bias, padding=1)))
        x = hold(f"{block}_pool", F.max_pool2d(x, 2, 2))
    x = x.permute(0, 2, 3, 1).reshape(1, -1)  # Keras flattens channels-last
    for name in ["fc1", "fc2", "predictions"]:
        kernel, bias = (torch.from_numpy(w).double() for w in weights[name])
        x = x @ kernel + bias
        if name != "predictions":
            x = relu(x)
    return x, kept


def nhwc(t):
    return t.detach().permute(0, 2, 3, 1).reshape(-1).numpy().astype(np.float32)


def input_gradient(weights, x_nhwc, cls, guided=False):
    x = torch.from_numpy(x_nhwc).double().permute(0, 3, 1, 2).clone().requires_grad_(True)
    logits, _ = forward(weights, x, guided, set())
    logits[0, cls].backward()
    return x.grad


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("h5")
    p.add_argument("input", help="float32 H x W x 3, preprocessed")
    p.add_argument("height", type=int)
    p.add_argument("width", type=int)
    p.add_argument("cls", type=int)
    p.add_argument("outdir")
    p.add_argument("--layers", nargs="*", default=[], help="Grad-CAM layers")
    p.add_argument("--ig-steps", type=int, default=0)
    p.add_argument("--baseline", help="float32 H x W x 3 baseline for integrated gradients")
    p.add_argument("--occlusion", type=int, nargs=2, metavar=("PATCH", "STRIDE"))
    a = p.parse_args()
    weights = read_weights(a.h5)
    image = np.fromfile(a.input, dtype=np.float32).reshape(1, a.height, a.width, 3)
    os.makedirs(a.outdir, exist_ok=True)
    out = lambda name: os.path.join(a.outdir, name)  # noqa: E731

    nhwc(input_gradient(weights, image, a.cls, guided=True)).tofile(out("guided.bin"))
    x = torch.from_numpy(image).double().permute(0, 3, 1, 2).clone().requires_grad_(True)
    logits, kept = forward(weights, x, False, set(a.layers))
    logits[0, a.cls].backward()
    nhwc(x.grad).tofile(out("saliency.bin"))
    logits.detach().numpy().astype(np.float32).tofile(out("logits.bin"))
    meta = {}
    for name in a.layers:
        act, grad = kept[name], kept[name].grad
        cam = F.relu((grad.mean(dim=(2, 3), keepdim=True) * act).sum(dim=1))[0]
        cam.detach().numpy().astype(np.float32).tofile(out(f"gradcam-{name}.bin"))
        meta[name] = list(cam.shape)
    if a.ig_steps:
        baseline = np.fromfile(a.baseline, dtype=np.float32).reshape(image.shape).astype(np.float64)
        total = torch.zeros(1, 3, a.height, a.width, dtype=torch.float64)
        for k in range(1, a.ig_steps + 1):
            point = baseline + (k / a.ig_steps) * (image.astype(np.float64) - baseline)
            total += input_gradient(weights, point, a.cls)
        diff = torch.from_numpy(image.astype(np.float64) - baseline).permute(0, 3, 1, 2)
        nhwc(diff * total / a.ig_steps).tofile(out("ig.bin"))
    if a.occlusion:
        patch, stride = a.occlusion
        x = torch.from_numpy(image).double().permute(0, 3, 1, 2)
        probability = lambda t: F.softmax(forward(weights, t, False, set())[0], dim=1)[0, a.cls]  # noqa: E731
        with torch.no_grad():
            base = probability(x)
            drops = []
            for top in range(0, a.height - patch + 1, stride):
                for left in range(0, a.width - patch + 1, stride):
                    occluded = x.clone()
                    occluded[:, :, top:top + patch, left:left + patch] = 0
                    drops.append(float(base - probability(occluded)))
        np.array(drops, dtype=np.float32).tofile(out("occlusion.bin"))
    with open(out("meta.json"), "w") as f:
        json.dump(meta, f)


if __name__ == "__main__":
    main()
