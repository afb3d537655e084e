#!/usr/bin/python3
"""Trains the widget's example of a user's own model: `resnet-fashion`, the small residual
network of model_convert/testing/keras_writer/models.py (Rescaling inside, three residual
blocks, BatchNormalization and ReLU as layers, a softmax head), on Fashion-MNIST's 28x28
grayscale pictures (Debian's dataset-fashion-mnist) with Debian's python3-torch on the CPU, and
writes it as Keras 3.13 writes `model.save("resnet-fashion.keras")`, with its labels file.

The network is built from the generator's description of the Keras model, layer by layer, so
the file's layers, names and variables are exactly the ones the generator writes for it; only
the weights are trained. Seeded: the same machine and torch build give the same file.

  /usr/bin/python3 model_convert/training/train_resnet_example.py web/models/resnet-fashion.keras
"""
import json
import os
import sys

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

HERE = os.path.dirname(__file__)
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "testing"))
import fashion_mnist  # noqa: E402
from keras_writer.build import make  # noqa: E402
from keras_writer.flavors import FORMATS  # noqa: E402
from keras_writer.graph import infer  # noqa: E402
from keras_writer.models import build  # noqa: E402
from training_loop import accuracy, arguments, train  # noqa: E402

MODEL = "resnet-fashion"


def same_padding(size, kernel, stride):
    """TensorFlow's 'same' padding (before, after) along one axis: the odd pixel goes after."""
    out = -(-size // stride)
    total = max((out - 1) * stride + kernel - size, 0)
    return total // 2, total - total // 2


class KerasGraph(nn.Module):
    """The generator's layer graph of a Keras model as a PyTorch module (NHWC in, the layers
    this model uses), with Keras-layout weights out."""

    def __init__(self, spec):
        super().__init__()
        self.nodes = spec.nodes
        self.output = spec.outputs[0]
        self.params = nn.ModuleDict()
        for n in self.nodes:
            a, shape = n.args, n.in_shape
            if n.kind == "Conv2D":
                self.params[n.name] = nn.Conv2d(shape[-1], a["filters"], a["kernel_size"],
                                                a.get("strides", 1),
                                                bias=a.get("use_bias", True))
            elif n.kind == "BatchNormalization":
                self.params[n.name] = nn.BatchNorm2d(shape[-1], eps=a.get("epsilon", 1e-3),
                                                     momentum=0.01)
            elif n.kind == "Dense":
                self.params[n.name] = nn.Linear(shape[-1], a["units"])

    def forward(self, pixels):
        """Logits (the softmax is the loss's) of NHWC float pixels in [0, 255]."""
        out = {}
        for n in self.nodes:
            a = n.args
            x = [out[i.name] for i in n.inputs]
            if n.kind == "InputLayer":
                y = pixels.permute(0, 3, 1, 2)
            elif n.kind == "Rescaling":
                y = x[0] * a["scale"]
            elif n.kind == "Conv2D":
                k, s = a["kernel_size"], a.get("strides", 1)
                h = x[0]
                if a.get("padding") == "same":
                    top, bottom = same_padding(h.shape[2], k, s)
                    left, right = same_padding(h.shape[3], k, s)
                    h = F.pad(h, (left, right, top, bottom))
                y = self.params[n.name](h)
            elif n.kind == "BatchNormalization":
                y = self.params[n.name](x[0])
            elif n.kind == "Activation" and a["activation"] == "relu":
                y = F.relu(x[0])
            elif n.kind == "Add":
                y = x[0] + x[1]
            elif n.kind == "GlobalAveragePooling2D":
                y = x[0].mean((2, 3))
            elif n.kind == "Dense":
                y = self.params[n.name](x[0])
            else:
                raise ValueError(f"{n.kind} is not a layer of {MODEL}")
            out[n.name] = y
        return out[self.output.name]

    def keras_weights(self):
        """{layer: {variable: array}} in Keras' layouts: conv (kh, kw, in, out), dense (in, out)."""
        def arr(t):
            return t.detach().numpy().astype(np.float32).copy()
        out = {}
        for name, m in self.params.items():
            if isinstance(m, nn.Conv2d):
                out[name] = {"kernel": arr(m.weight.permute(2, 3, 1, 0))}
                if m.bias is not None:
                    out[name]["bias"] = arr(m.bias)
            elif isinstance(m, nn.BatchNorm2d):
                out[name] = {"gamma": arr(m.weight), "beta": arr(m.bias),
                             "moving_mean": arr(m.running_mean),
                             "moving_variance": arr(m.running_var)}
            else:
                out[name] = {"kernel": arr(m.weight.t()), "bias": arr(m.bias)}
        return out


def augment(x, generator):
    """A random shift of up to 2 pixels (zero borders) for the batch, and horizontal flips of
    half its pictures."""
    padded = F.pad(x, (0, 0, 2, 2, 2, 2))
    dy, dx = torch.randint(0, 5, (2,), generator=generator).tolist()
    x = padded[:, dy:dy + 28, dx:dx + 28]
    flip = torch.rand(x.shape[0], generator=generator) < 0.5
    return torch.where(flip[:, None, None, None], x.flip(2), x)


def main():
    a, generator = arguments(__doc__, "the .keras to write; its labels (-labels.json) and what "
                             "the training measured (.json) go beside it", epochs=4)

    spec = build(MODEL, None, {"keras3": True})
    infer(spec)
    model = KerasGraph(spec)
    (train_x, train_y), (test_x, test_y) = (
        (torch.from_numpy(x.copy()).float(), torch.from_numpy(y))
        for x, y in (fashion_mnist.load_28x28("train"), fashion_mnist.load_28x28("t10k")))

    seconds = train(model, (train_x, train_y), (test_x, test_y), augment, generator, a.epochs,
                    a.batch)
    make(a.output, FORMATS["keras3"], MODEL, seed=a.seed, values=model.keras_weights(),
         date="2026-12-08@00:00:00")
    stem = os.path.splitext(a.output)[0]
    with open(stem + "-labels.json", "w") as f:
        json.dump(fashion_mnist.LABELS, f)
    meta = {"about": f"{os.path.basename(a.output)}: {MODEL} (model_convert/testing/keras_writer/"
                     "models.py) trained on Fashion-MNIST by model_convert/training/"
                     "train_resnet_example.py, written as Keras 3.13 writes model.save(). "
                     "See docs/default-model.md.",
            "training": {"epochs": a.epochs, "batch": a.batch, "seed": a.seed,
                         "threads": a.threads, "seconds": round(seconds),
                         "torch": torch.__version__},
            "params": sum(t.numel() for t in model.state_dict().values()
                          if t.dtype == torch.float32),
            "test_accuracy_f32": round(accuracy(model, test_x, test_y), 4)}
    with open(stem + ".json", "w") as f:
        json.dump(meta, f, indent=1)
    print(json.dumps(meta))


if __name__ == "__main__":
    main()
