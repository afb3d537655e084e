"""Faithfulness metrics of a map (H x W, larger = more important), as convscope's
wasm/metrics/ defines them, in float64:
  deletion    the class probability as the map's pixels, most important first (ties in index
              order), are replaced by the baseline in STEPS equal steps (step i: the first
              i * P // STEPS pixels); area under the curve by trapezoids over [0, 1]
  insertion   the same starting from the baseline and putting the image's pixels back
  confidence  the probability of the image and of the image multiplied by the map
  road        ROAD without noise (Rong et al. 2022): the image, then the first p * P // 100
              pixels of the map's order (most relevant first, or least: ascending, ties in index
              order) replaced by linear imputation, p = step, 2 step, ... below 100; the
              imputation solves, densely, for every removed pixel being the weighted mean of its
              neighbours in the image (1/6 beside, 1/12 diagonal)
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


NEIGHBOURS = [(dy, dx, 1 / 12 if dy and dx else 1 / 6)
              for dy in (-1, 0, 1) for dx in (-1, 0, 1) if dy or dx]


def impute(image, removed):
    """image (H x W x C) with the pixels where `removed` (H x W, bool) linearly imputed."""
    h, w, c = image.shape
    flat = image.reshape(h * w, c).copy()
    unknown = np.flatnonzero(removed.ravel())
    row = {p: k for k, p in enumerate(unknown)}
    a = np.zeros((len(unknown), len(unknown)))
    b = np.zeros((len(unknown), c))
    for k, p in enumerate(unknown):
        y, x = divmod(int(p), w)
        for dy, dx, weight in NEIGHBOURS:
            if 0 <= y + dy < h and 0 <= x + dx < w:
                q = (y + dy) * w + x + dx
                a[k, k] += weight
                if q in row:
                    a[k, row[q]] -= weight
                else:
                    b[k] += weight * flat[q]
    flat[unknown] = np.linalg.solve(a, b)
    return flat.reshape(h, w, c)


def road(net, image, m, cls, step, least_first):
    """The probabilities of the image and of each share removed."""
    h, w, _ = image.shape
    order = np.argsort(m.ravel() if least_first else -m.ravel(), kind="stable")
    copies = [image]
    for percent in range(step, 100, step):
        removed = np.zeros(h * w, dtype=bool)
        removed[order[:percent * h * w // 100]] = True
        copies.append(impute(image, removed.reshape(h, w)))
    return _probabilities(net, copies, cls)
