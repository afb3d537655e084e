#!/usr/bin/python3
"""Reference explanations with PyTorch autograd (float64) for convscope's tests: rebuilds a VGG16
(Keras layer names) from its .h5 with the same weights, runs a given preprocessed input, and
writes, for one class score (the pre-softmax logit):
  logits.bin           the logits
  saliency.bin         d logit / d input, H x W x 3 (NHWC, the model's channel order)
  guided.bin           the same through guided backpropagation (ReLU: grad * (x > 0) * (grad > 0))
  gradcam-<layer>.bin  ReLU(sum_k alpha_k A_k), alpha_k = spatial mean of d logit / d A_k
all float32, plus meta.json. A test-data tool (Debian's python3-torch), not a runtime dependency.

usage: torch_explain.py MODEL.h5 INPUT.bin HEIGHT WIDTH CLASS OUTDIR LAYER [LAYER...]
"""
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


def main():
    h5, input_path, height, width, cls, outdir, *layers = sys.argv[1:]
    height, width, cls = int(height), int(width), int(cls)
    weights = read_weights(h5)
    image = np.fromfile(input_path, dtype=np.float32).reshape(1, height, width, 3)
    os.makedirs(outdir, exist_ok=True)
    meta = {}
    for guided in (False, True):
        x = torch.from_numpy(image).double().permute(0, 3, 1, 2).clone().requires_grad_(True)
        logits, kept = forward(weights, x, guided, set() if guided else set(layers))
        logits[0, cls].backward()
        nhwc(x.grad).tofile(os.path.join(outdir, "guided.bin" if guided else "saliency.bin"))
        if guided:
            continue
        logits.detach().numpy().astype(np.float32).tofile(os.path.join(outdir, "logits.bin"))
        for name in layers:
            a, g = kept[name], kept[name].grad
            alpha = g.mean(dim=(2, 3), keepdim=True)
            cam = F.relu((alpha * a).sum(dim=1))[0]
            cam.detach().numpy().astype(np.float32).tofile(os.path.join(outdir, f"gradcam-{name}.bin"))
            meta[name] = list(cam.shape)
    with open(os.path.join(outdir, "meta.json"), "w") as f:
        json.dump(meta, f)


if __name__ == "__main__":
    main()
