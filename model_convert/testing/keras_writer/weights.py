"""Deterministic weight values, generated and written one tensor at a time in row blocks.

A variable's values depend only on (seed, layer index, variable index), so the same model
gets the same numbers in every format. Kernels are He-normal (std sqrt(2 / fan_in); a
depthwise kernel's fan-in is kh * kw), biases small normals; BatchNormalization gets gamma in
[0.5, 1.5], beta ~ N(0, 0.1), moving_mean ~ N(0, 0.5) and a log-uniform positive
moving_variance in [1e-4, 2] (small variances make a wrong epsilon change the outputs
visibly), except in the keras.applications models, whose moving statistics are measured
(calibrate.py).
"""
import math

import numpy as np

BLOCK = 1 << 22   # elements per generated block (16 MiB of float32)


class Fill:
    """How to generate one variable: `role` picks the distribution, `key` the stream."""

    def __init__(self, role, shape, dtype, key, value=None):
        self.role, self.shape, self.dtype, self.key, self.value = role, tuple(shape), dtype, \
            key, value
        self.nan_at = None   # flat index to overwrite with NaN (fault nan-weight)

    @property
    def size(self):
        return math.prod(self.shape)


def _block(rng, role, shape, n):
    if role in ("he", "depthwise"):  # a depthwise kernel (kh, kw, cin, dm) sums kh * kw inputs
        fan_in = max(1, math.prod(shape[:2] if role == "depthwise" else shape[:-1])) \
            if len(shape) > 1 else max(1, shape[0])
        return rng.standard_normal(n, dtype=np.float32) * np.float32(math.sqrt(2.0 / fan_in))
    if role in ("bias", "momentum"):
        scale = 0.05 if role == "bias" else 1e-3
        return rng.standard_normal(n, dtype=np.float32) * np.float32(scale)
    if role == "beta":
        return rng.standard_normal(n, dtype=np.float32) * np.float32(0.1)
    if role == "moving_mean":
        return rng.standard_normal(n, dtype=np.float32) * np.float32(0.5)
    if role == "gamma":
        return rng.uniform(0.5, 1.5, n).astype(np.float32)
    if role == "moving_variance":
        return np.exp(rng.uniform(math.log(1e-4), math.log(2.0), n)).astype(np.float32)
    if role == "alpha":
        return rng.uniform(0.05, 0.3, n).astype(np.float32)
    if role == "adapt_mean":
        return rng.uniform(0.2, 0.6, n).astype(np.float32)
    if role == "adapt_variance":
        return rng.uniform(0.04, 0.1, n).astype(np.float32)
    if role == "velocity":
        return rng.uniform(0.0, 1e-6, n).astype(np.float32)
    raise ValueError(role)


def blocks(fill, seed):
    """Yields (row_start, row_end, array) covering the variable in first-axis row blocks."""
    if fill.value is not None or fill.shape == ():
        value = fill.value if fill.value is not None else 0
        arr = np.asarray(value, dtype=fill.dtype).reshape(fill.shape)
        if fill.nan_at is not None and arr.dtype.kind == "f":
            arr = arr.copy()
            arr.reshape(-1)[fill.nan_at] = np.nan
        yield None, None, arr
        return
    rng = np.random.default_rng([seed] + list(fill.key))
    rows = fill.shape[0]
    per_row = math.prod(fill.shape[1:])
    step = max(1, BLOCK // max(1, per_row))
    for r0 in range(0, rows, step):
        r1 = min(rows, r0 + step)
        arr = _block(rng, fill.role, fill.shape, (r1 - r0) * per_row)
        if fill.nan_at is not None and r0 * per_row <= fill.nan_at < r1 * per_row:
            arr[fill.nan_at - r0 * per_row] = np.nan
        yield r0, r1, arr.reshape((r1 - r0,) + fill.shape[1:]).astype(fill.dtype, copy=False)


def array(fill, seed):
    parts = [a for _, _, a in blocks(fill, seed)]
    return parts[0] if len(parts) == 1 and parts[0].shape == fill.shape else \
        np.concatenate(parts).reshape(fill.shape)


def write(group, name, fill, seed, how="assign"):
    """Writes one variable as Keras does. how="assign": `group[name] = value` (H5IOStore,
    .keras); how="create": create_dataset(name, shape, dtype) then `ds[:] = value` / `ds[()]`
    (legacy_h5_format). Both make a contiguous dataset; blocks are written as they come."""
    if fill.size <= BLOCK or fill.shape == ():
        value = array(fill, seed)
        if how == "assign":
            group[name] = value
        else:
            ds = group.create_dataset(name, value.shape, dtype=value.dtype)
            if not value.shape:
                ds[()] = value
            else:
                ds[:] = value
        return
    # `group[name] = array` creates an anonymous dataset from the data and then links it under
    # `name` (h5py Group.__setitem__); do the same, filling the dataset block by block.
    ds = group.create_dataset(None if how == "assign" else name, fill.shape,
                              dtype=np.dtype(fill.dtype))
    for r0, r1, arr in blocks(fill, seed):
        ds[r0:r1] = arr
    if how == "assign":
        group[name] = ds


ADAPT_COUNT_K2 = 1024 * 28 * 28   # tf.keras Normalization.adapt counts every reduced element


def layer_fills(spec, family, prefix=()):
    """{node: [(path below the layer, Var, Fill)]} in `layer.weights` order; a variable's
    stream is keyed by its place: prefix + (node index, variable index). Keras 3's
    Normalization never updates its `count` variable (kept for old files), tf.keras counts.
    A nested model's nodes get entries of their own, and the node holding it the same Fills
    as the legacy weight order lists them (trainable_weights + non_trainable_weights), each
    with the path (inner layer name, variable name)."""
    from .graph import all_vars
    from .serialize import model_layers
    out = {}
    for li, n in enumerate(spec.nodes):
        if n.kind == "Functional":
            inner = n.args["model"]
            out.update(layer_fills(inner, family, prefix + (li,)))
            items = [((m.name,) + path, v, f) for m in model_layers(inner)
                     for path, v, f in out[m]]
            out[n] = [x for x in items if x[1].trainable] + \
                [x for x in items if not x[1].trainable]
            continue
        items = []
        for vi, (path, v) in enumerate(all_vars(n)):
            value = None
            if v.init == "count":
                value = 0 if family == "k3" else ADAPT_COUNT_K2
            items.append((path, v, Fill(v.init, v.shape, v.dtype, prefix + (li, vi), value)))
        out[n] = items
    return out


def optimizer_fill(role, shape, dtype, key, steps):
    if role == "iterations":
        return Fill(role, (), "int64", key, steps)
    if role == "learning_rate":
        return Fill(role, (), "float32", key, 0.001)
    return Fill(role, shape, dtype, key)
