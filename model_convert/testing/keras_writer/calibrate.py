"""BatchNormalization moving statistics measured on pictures, as training leaves them.

With random moving_mean / moving_variance, activations of a 50- to 120-layer network vanish
or explode; here each BatchNormalization layer gets the per-channel mean and variance of its
own input on deterministic random pictures, layer by layer in call order, through a small
numpy forward pass of the layers keras.applications use (channels_last, inference: Dropout
passes through). The pictures (pictures()) are prepared as the model's preprocess_input mode
expects ("caffe", "tf", "torch"; "raw": the model rescales itself); there are enough of them
(8 to 128) for SAMPLES values per channel where the feature map is smallest, as deep layers of
a small input see a 1x1 map per picture.
"""
import numpy as np

from . import weights

SAMPLES = 384   # per channel at the smallest feature map: enough for stable statistics
_CAFFE_MEAN = np.array([103.939, 116.779, 123.68])     # BGR
_TORCH_MEAN, _TORCH_STD = np.array([0.485, 0.456, 0.406]), np.array([0.229, 0.224, 0.225])


def pictures(seed, h, w, n):
    """`n` RGB pictures (n, h, w, 3) in [0, 255], the same for a seed and size, standing in for
    photos: every other one "dead leaves" (overlapping flat-coloured rectangles of all sizes:
    flat areas and sharp edges), the others random colour fields on a coarse grid (2 to 16
    cells a side) bilinearly enlarged; pixel noise of a standard deviation growing from 0 to
    80 over the set adds texture."""
    rng = np.random.default_rng([seed, 0xCA11B])
    out = np.empty((n, h, w, 3))
    for i in range(n):
        if i % 2:
            img = np.empty((h, w, 3))
            img[:] = rng.uniform(0, 255, 3)
            for _ in range(60):
                size = rng.uniform(0.03, 0.6) ** 1.5
                y, x = rng.uniform(-size, 1, 2)
                img[int(y * h):max(int((y + size) * h), int(y * h) + 1),
                    int(x * w):max(int((x + size) * w), int(x * w) + 1)] = rng.uniform(0, 255, 3)
        else:
            g = (2, 4, 8, 16)[i // 2 % 4]
            coarse = rng.uniform(0, 255, (g + 1, g + 1, 3))
            ys, xs = np.linspace(0, g, h), np.linspace(0, g, w)
            y0, x0 = np.minimum(ys.astype(int), g - 1), np.minimum(xs.astype(int), g - 1)
            fy, fx = (ys - y0)[:, None, None], (xs - x0)[None, :, None]
            rows = coarse[y0] * (1 - fy) + coarse[y0 + 1] * fy
            img = rows[:, x0] * (1 - fx) + rows[:, x0 + 1] * fx
        out[i] = np.clip(img + rng.normal(0, 80 * i / max(1, n - 1), img.shape), 0, 255)
    return out


def preprocess(x, mode):
    """keras.applications.imagenet_utils.preprocess_input of RGB pixels."""
    if mode == "caffe":
        return x[..., ::-1] - _CAFFE_MEAN
    if mode == "tf":
        return x / 127.5 - 1.0
    if mode == "torch":
        return (x / 255.0 - _TORCH_MEAN) / _TORCH_STD
    return x  # "raw" (EfficientNet rescales inside the model)


def calibrate(spec, fills, seed):
    """Sets the moving statistics of every BatchNormalization in `spec` (and in nested models)
    as `fills` values. The same model written in several formats by one process (--all,
    check_keras_files.py) is measured once."""
    stats = [f for n in spec.walk() if n.kind == "BatchNormalization"
             for _, v, f in fills[n] if v.name in ("moving_mean", "moving_variance")]
    key = (spec.key, seed, tuple((f.key, f.shape) for n in spec.walk() for _, _, f in fills[n]))
    if key not in _MEASURED:
        _measure(spec, fills, seed)
        _MEASURED[key] = [f.value for f in stats]
    for f, value in zip(stats, _MEASURED[key]):
        f.value = value


_MEASURED = {}


def _measure(spec, fills, seed):
    _, h, w, _ = spec.inputs[0].out_shape
    area = min(n.in_shape[1] * n.in_shape[2] for n in spec.walk()
               if n.kind == "BatchNormalization")
    count = min(128, max(8, -(-SAMPLES // area)))
    x = preprocess(pictures(seed, h, w, count), spec.preprocess).astype(np.float32)
    forward(spec, [x], fills, seed, measure=True)


def forward(spec, inputs, fills, seed, measure=False):
    """The outputs of `spec` on `inputs`; each activation is dropped after its last use."""
    uses = {}
    for n in spec.nodes:
        for i in n.inputs:
            uses[i] = uses.get(i, 0) + 1
    values, feed = {}, iter(inputs)
    for n in spec.nodes:
        if n.kind == "InputLayer":
            values[n] = next(feed)
            continue
        xs = [values[i] for i in n.inputs]
        for i in n.inputs:
            uses[i] -= 1
            if uses[i] == 0 and i not in spec.outputs:
                del values[i]
        if n.kind == "Functional":
            values[n] = forward(n.args["model"], xs, fills, seed, measure)[0]
        else:
            arrays = [(v.name, f) for _, v, f in fills[n]]
            values[n] = _layer(n, xs, arrays, seed, measure)
    return [values[o] for o in spec.outputs]


def _layer(n, xs, arrays, seed, measure):
    """One layer's output; `measure`: a BatchNormalization first takes its statistics from x."""
    a, k, x = n.args, n.kind, xs[0]
    w = {name: weights.array(f, seed) for name, f in arrays}
    if k == "BatchNormalization":
        if measure:
            stats = {"moving_mean": x.mean(axis=(0, 1, 2), dtype=np.float64),
                     "moving_variance": x.var(axis=(0, 1, 2), dtype=np.float64)}
            for name, f in arrays:
                if name in stats:
                    f.value = w[name] = stats[name].astype(np.float32)
        scale = np.float32(1) / np.sqrt(w["moving_variance"] + np.float32(a.get("epsilon", 1e-3)))
        return (x - w["moving_mean"]) * (scale * w.get("gamma", 1)) + w.get("beta", 0)
    if k in ("Conv2D", "DepthwiseConv2D"):
        y = _conv(x, w["kernel"], _pair(a.get("strides", 1)), a.get("padding", "valid"),
                  k == "DepthwiseConv2D")
        return _activation(y + w.get("bias", 0), a.get("activation"))
    if k == "Dense":
        return _activation(x @ w["kernel"] + w.get("bias", 0), a.get("activation"))
    if k == "ZeroPadding2D":
        (t, b), (l, r) = a["padding"]
        return np.pad(x, ((0, 0), (t, b), (l, r), (0, 0)))
    if k in ("MaxPooling2D", "AveragePooling2D"):
        views = _windows(x, _pair(a["pool_size"]), _pair(a.get("strides") or a["pool_size"]))
        if k == "MaxPooling2D":
            return np.maximum.reduce(views)
        return sum(views) / np.float32(len(views))
    if k == "GlobalAveragePooling2D":
        return x.mean(axis=(1, 2))
    if k in ("Activation", "ReLU"):
        return np.minimum(np.maximum(x, 0), a["max_value"]) if k == "ReLU" else \
            _activation(x, a["activation"])
    if k == "Add":
        return xs[0] + xs[1]
    if k == "Multiply":
        return xs[0] * xs[1]
    if k == "Concatenate":
        return np.concatenate(xs, axis=-1)
    if k == "Reshape":
        return x.reshape((len(x),) + tuple(a["target_shape"]))
    if k == "Rescaling":
        return x * np.float32(a["scale"]) + np.float32(a.get("offset", 0.0))
    if k == "Normalization":  # Keras: (x - mean) / max(sqrt(variance), epsilon)
        return (x - w["mean"]) / np.maximum(np.sqrt(w["variance"]), np.float32(1e-7))
    if k == "Dropout":
        return x
    raise ValueError(f"calibrate: no forward pass for layer class {k}")


def _pair(v):
    return (v, v) if isinstance(v, int) else tuple(v)


def _activation(x, name):
    if name in (None, "linear"):
        return x
    if name == "relu":
        return np.maximum(x, 0)
    if name in ("sigmoid", "swish"):  # the tanh form of the sigmoid cannot overflow
        s = np.float32(0.5) * (1 + np.tanh(np.float32(0.5) * x))
        return s if name == "sigmoid" else x * s
    if name == "softmax":
        e = np.exp(x - x.max(axis=-1, keepdims=True))
        return e / e.sum(axis=-1, keepdims=True)
    raise ValueError(f"calibrate: no activation {name}")


def _windows(x, size, strides):
    """The strided views of x (n, oh, ow, c) for every kernel offset (i, j), row-major."""
    (kh, kw), (sh, sw) = size, strides
    oh, ow = (x.shape[1] - kh) // sh + 1, (x.shape[2] - kw) // sw + 1
    return [x[:, i:i + sh * (oh - 1) + 1:sh, j:j + sw * (ow - 1) + 1:sw]
            for i in range(kh) for j in range(kw)]


def _conv(x, kernel, strides, padding, depthwise):
    kh, kw = kernel.shape[:2]
    if padding == "same":  # TensorFlow's: the odd pixel goes to the bottom / right
        pads = []
        for n, k, s in zip(x.shape[1:3], (kh, kw), strides):
            total = max((-(-n // s) - 1) * s + k - n, 0)
            pads.append((total // 2, total - total // 2))
        x = np.pad(x, ((0, 0), pads[0], pads[1], (0, 0)))
    views = _windows(x, (kh, kw), strides)
    if depthwise:   # kernel (kh, kw, c, 1)
        return sum(v * k for v, k in zip(views, kernel.reshape(kh * kw, -1)))
    # im2col: the columns of (i, j, c) match kernel.reshape(kh * kw * c, filters); one 2-D
    # product (a 4-D `@` would run one small product per row)
    cols = views[0] if len(views) == 1 else np.concatenate(views, axis=-1)
    y = cols.reshape(-1, cols.shape[-1]) @ kernel.reshape(-1, kernel.shape[-1])
    return y.reshape(cols.shape[:-1] + (-1,))
