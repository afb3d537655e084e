"""Faithfulness metrics of a map (H x W, larger = more important), as convscope's
wasm/metrics/ defines them, in float64:
  deletion    the class probability as the map's pixels, most important first (ties in index
              order), are replaced by the baseline in STEPS equal steps (step i: the first
              i * P // STEPS pixels); area under the curve by trapezoids over [0, 1]
  insertion   the same starting from the baseline and putting the image's pixels back
  confidence  the probability of the image and of the image multiplied by the map
"""
import numpy as np
import torch

CHUNK = 16  # copies per forward pass


def _probabilities(net, copies, cls):
    out = []
    with torch.no_grad():
        for i in range(0, len(copies), CHUNK):
            x = torch.from_numpy(np.stack(copies[i:i + CHUNK]).astype(np.float64))
            out.append(net.run(x)[1][:, cls].numpy())
    return np.concatenate(out)


def curve(net, start, end, m, cls, steps):
    """(probabilities, area): start's pixels replaced by end's in the map's order."""
    h, w, c = start.shape
    pixels = h * w
    order = np.argsort(-m.ravel(), kind="stable")
    copies = []
    for i in range(steps + 1):
        x = start.reshape(pixels, c).copy()
        chosen = order[:i * pixels // steps]
        x[chosen] = end.reshape(pixels, c)[chosen]
        copies.append(x.reshape(h, w, c))
    p = _probabilities(net, copies, cls)
    return p, float(((p[:-1] + p[1:]) / 2).sum() / steps)


def deletion(net, image, baseline, m, cls, steps):
    return curve(net, image, baseline, m, cls, steps)


def insertion(net, image, baseline, m, cls, steps):
    return curve(net, baseline, image, m, cls, steps)


def confidence(net, image, m, cls):
    """[probability of the image, of the image times the map]."""
    return _probabilities(net, [image, image * m[..., None]], cls)
