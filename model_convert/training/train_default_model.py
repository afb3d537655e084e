#!/usr/bin/python3
"""Trains convscope's default model, "VGG16-slim", on Fashion-MNIST (Debian's
dataset-fashion-mnist) with Debian's python3-torch on the CPU, and writes it as a Keras full-model
.h5 (the layout model.save writes) for model_convert.

The network is Keras VGG16's topology and layer names with every width divided by 4 and a 32x32x3
input, so the page and the CLI exercise exactly the code paths of real VGG16. Training uses batch
normalization after each convolution for speed and stability; it is folded into the convolution's
kernel and bias on export, so the exported model has VGG16's layers only. Seeded: the same
machine and torch build give the same file.

  /usr/bin/python3 model_convert/training/train_default_model.py build/default-model.h5
"""
import json
import os
import sys

import h5py
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

HERE = os.path.dirname(__file__)
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "testing"))
import fashion_mnist  # noqa: E402
from make_keras_model import functional_config, vgg16_layers, write_layer_groups  # noqa: E402
from training_loop import arguments, train  # noqa: E402

WIDTH_DIVISOR = 4
FC_UNITS = 256


def preprocess(x_uint8):
    """Keras' 'tf' preprocessing (model_convert --preprocessing tf): [0, 255] -> [-1, 1], NCHW."""
    return torch.from_numpy(x_uint8).float().div(127.5).sub(1.0).permute(0, 3, 1, 2).contiguous()


class Vgg16Slim(nn.Module):
    def __init__(self, layers):
        super().__init__()
        self.convs = nn.ModuleDict()
        self.norms = nn.ModuleDict()
        self.dense = nn.ModuleDict()
        self.order = []
        channels = 3
        for cls, cfg in layers:
            name = cfg["name"]
            if cls == "Conv2D":
                self.convs[name] = nn.Conv2d(channels, cfg["filters"], 3, padding=1)
                self.norms[name] = nn.BatchNorm2d(cfg["filters"])
                channels = cfg["filters"]
            elif cls == "Dense":
                self.dense[name] = nn.Linear(channels, cfg["units"])
                channels = cfg["units"]
            elif cls == "Flatten":
                channels = channels  # 1 x 1 x C after five pools of a 32 x 32 input
            self.order.append((cls, name))

    def forward(self, x):
        for cls, name in self.order:
            if cls == "Conv2D":
                x = F.relu(self.norms[name](self.convs[name](x)))
            elif cls == "MaxPooling2D":
                x = F.max_pool2d(x, 2)
            elif cls == "Flatten":
                x = x.flatten(1)
            elif cls == "Dense":
                x = self.dense[name](x)
                if name != "predictions":
                    x = F.dropout(F.relu(x), 0.3, self.training)
        return x

    def keras_weights(self):
        """Keras-layout weights with batch norm folded in: conv (3, 3, in, out), dense (in, out)."""
        out = {}
        for name, conv in self.convs.items():
            bn = self.norms[name]
            scale = bn.weight / torch.sqrt(bn.running_var + bn.eps)
            kernel = conv.weight * scale[:, None, None, None]
            bias = (conv.bias - bn.running_mean) * scale + bn.bias
            out[name] = [kernel.permute(2, 3, 1, 0).detach().numpy().astype(np.float32),
                         bias.detach().numpy().astype(np.float32)]
        for name, d in self.dense.items():
            out[name] = [d.weight.t().detach().numpy().astype(np.float32).copy(),
                         d.bias.detach().numpy().astype(np.float32)]
        return out


def augment(x, generator):
    """Random shifts of up to 2 pixels and horizontal flips (Fashion-MNIST items are symmetric
    enough; flipping a shoe still gives a shoe)."""
    n = x.shape[0]
    padded = F.pad(x, (2, 2, 2, 2), value=-1.0)
    dy, dx = torch.randint(0, 5, (2,), generator=generator).tolist()
    x = padded[:, :, dy:dy + 32, dx:dx + 32]
    flip = torch.rand(n, generator=generator) < 0.5
    return torch.where(flip[:, None, None, None], x.flip(3), x)


def main():
    a, generator = arguments(__doc__, "the Keras .h5 to write", epochs=12)

    layers = vgg16_layers(32, 3, WIDTH_DIVISOR, True, 10, FC_UNITS)
    model = Vgg16Slim(layers)
    train_x, train_y = fashion_mnist.load("train")
    test_x, test_y = fashion_mnist.load("t10k")
    train_x, test_x = preprocess(train_x), preprocess(test_x)
    train_y, test_y = torch.from_numpy(train_y), torch.from_numpy(test_y)

    train(model, (train_x, train_y), (test_x, test_y), augment, generator, a.epochs, a.batch,
          label_smoothing=0.05)
    weights = model.keras_weights()
    tmp = a.output + ".tmp"
    with h5py.File(tmp, "w") as f:
        f.attrs["model_config"] = json.dumps(functional_config(layers, "vgg16_slim_fashion_mnist",
                                                               "predictions"))
        f.attrs["keras_version"] = b"2.13.1"
        f.attrs["backend"] = b"tensorflow"
        mw = f.create_group("model_weights")
        mw.attrs["keras_version"] = b"2.13.1"
        mw.attrs["backend"] = b"tensorflow"
        write_layer_groups(mw, layers, weights, "keras2")
    os.replace(tmp, a.output)
    labels = os.path.splitext(a.output)[0] + "-labels.json"
    with open(labels, "w") as f:
        json.dump(fashion_mnist.LABELS, f)
    print(json.dumps({"h5": a.output, "labels": labels,
                      "test_accuracy_folded": accuracy_folded(layers, weights, test_x, test_y)}))


def accuracy_folded(layers, weights, x, y):
    """Test accuracy of the exported (folded, Keras-layout) weights, computed independently of the
    training module: what the converted model must reproduce."""
    correct = 0
    with torch.no_grad():
        for i in range(0, len(x), 1000):
            h = x[i:i + 1000]
            for cls, cfg in layers:
                name = cfg["name"]
                if cls == "Conv2D":
                    k, b = (torch.from_numpy(t) for t in weights[name])
                    h = F.relu(F.conv2d(h, k.permute(3, 2, 0, 1), b, padding=1))
                elif cls == "MaxPooling2D":
                    h = F.max_pool2d(h, 2)
                elif cls == "Flatten":
                    h = h.permute(0, 2, 3, 1).flatten(1)
                elif cls == "Dense":
                    k, b = (torch.from_numpy(t) for t in weights[name])
                    h = h @ k + b
                    if name != "predictions":
                        h = F.relu(h)
            correct += (h.argmax(1) == y[i:i + 1000]).sum().item()
    return correct / len(x)


if __name__ == "__main__":
    main()
