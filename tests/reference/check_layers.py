"""Independent checks of keras_layers.py / keras_activations.py: each layer against a plain numpy
loop written from the definition (not from the PyTorch code), each activation against its formula
and its derivative by central finite differences. Used by check_reference.py."""
import math
import re

import numpy as np
import torch

import keras_activations as acts
import keras_file
import keras_layers

RNG = np.random.default_rng(7)


def run_layer(cls, config, x, weights=(), flavor="keras3", version="3.13.2"):
    layer = keras_file.Layer("l", cls, config, [np.asarray(w, np.float64) for w in weights])
    b = keras_layers.build_layer(layer, x.shape[1:], flavor, version)
    with torch.no_grad():
        y = b.act(b.pre(torch.from_numpy(x), False), False).numpy()
    assert y.shape[1:] == tuple(b.output_shape), (y.shape, b.output_shape)
    return y


def close(got, want, what, tol=1e-10):
    err = float(np.max(np.abs(np.asarray(got) - np.asarray(want)))) if np.size(want) else 0.0
    assert np.shape(got) == np.shape(want), f"{what}: shape {np.shape(got)} != {np.shape(want)}"
    assert err <= tol * max(1.0, float(np.max(np.abs(want)))), f"{what}: off by {err}"


def tf_same(size, k, s, d):
    """TensorFlow's SAME: output ceil(size / s), the smaller half of the padding first."""
    out = math.ceil(size / s)
    total = max((out - 1) * s + (k - 1) * d + 1 - size, 0)
    return out, total // 2


def loop_conv(x, kernel, bias, s, d, padding, depthwise=False):
    """x (1, H, W, C); kernel (kh, kw, cin, cout) or depthwise (kh, kw, cin, dm)."""
    _, h, w, c = x.shape
    kh, kw = kernel.shape[:2]
    if padding == "same":
        (oh, top), (ow, left) = tf_same(h, kh, s, d), tf_same(w, kw, s, d)
    else:
        oh, ow, top, left = (h - (kh - 1) * d - 1) // s + 1, (w - (kw - 1) * d - 1) // s + 1, 0, 0
    cout = c * kernel.shape[3] if depthwise else kernel.shape[3]
    y = np.zeros((1, oh, ow, cout))
    for i in range(oh):
        for j in range(ow):
            for a in range(kh):
                for b in range(kw):
                    r, q = i * s - top + a * d, j * s - left + b * d
                    if 0 <= r < h and 0 <= q < w:
                        if depthwise:
                            y[0, i, j] += (x[0, r, q][:, None] * kernel[a, b]).reshape(-1)
                        else:
                            y[0, i, j] += x[0, r, q] @ kernel[a, b]
    return y + (bias if bias is not None else 0.0)


def loop_pool(x, k, s, padding, mode):
    _, h, w, c = x.shape
    if padding == "same":
        (oh, top), (ow, left) = tf_same(h, k, s, 1), tf_same(w, k, s, 1)
    else:
        oh, ow, top, left = (h - k) // s + 1, (w - k) // s + 1, 0, 0
    y = np.zeros((1, oh, ow, c))
    for i in range(oh):
        for j in range(ow):
            cells = [x[0, r, q] for r in range(i * s - top, i * s - top + k)
                     for q in range(j * s - left, j * s - left + k) if 0 <= r < h and 0 <= q < w]
            y[0, i, j] = np.max(cells, axis=0) if mode == "max" else np.mean(cells, axis=0)
    return y


def check_convolutions():
    n = 0
    for h, w in [(7, 8), (8, 8), (9, 6), (5, 5)]:
        for k in [1, 2, 3, 4]:
            for s, d in [(1, 1), (2, 1), (3, 1), (1, 2), (1, 3)]:
                for padding in ["same", "valid"]:
                    if padding == "valid" and (min(h, w) - (k - 1) * d - 1) < 0:
                        continue
                    x = RNG.standard_normal((1, h, w, 3))
                    kernel, bias = RNG.standard_normal((k, k, 3, 4)), RNG.standard_normal(4)
                    cfg = {"strides": [s, s], "dilation_rate": [d, d], "padding": padding,
                           "activation": "linear"}
                    close(run_layer("Conv2D", cfg, x, [kernel, bias]),
                          loop_conv(x, kernel, bias, s, d, padding),
                          f"Conv2D {h}x{w} k{k} s{s} d{d} {padding}")
                    dk = RNG.standard_normal((k, k, 3, 2))
                    pk, pb = RNG.standard_normal((1, 1, 6, 5)), RNG.standard_normal(5)
                    mid = loop_conv(x, dk, None, s, d, padding, depthwise=True)
                    want = loop_conv(mid, pk, pb, 1, 1, "valid")
                    close(run_layer("SeparableConv2D", cfg, x, [dk, pk, pb]), want,
                          f"SeparableConv2D {h}x{w} k{k} s{s} d{d} {padding}")
                    n += 2
    x, kernel = RNG.standard_normal((1, 6, 6, 4)), RNG.standard_normal((3, 3, 2, 6))
    grouped = np.concatenate([loop_conv(x[..., :2], kernel[..., :3], None, 1, 1, "same"),
                              loop_conv(x[..., 2:], kernel[..., 3:], None, 1, 1, "same")], axis=-1)
    close(run_layer("Conv2D", {"padding": "same", "use_bias": False, "groups": 2}, x, [kernel]),
          grouped, "Conv2D groups=2 use_bias=False")
    return n + 1


def check_pooling():
    n = 0
    for h, w in [(7, 8), (8, 8), (9, 5), (4, 4)]:
        for k, s in [(2, 2), (3, 2), (2, 1), (3, 3), (3, 1)]:
            for padding in ["same", "valid"]:
                x = RNG.standard_normal((1, h, w, 2))
                for cls, mode in [("MaxPooling2D", "max"), ("AveragePooling2D", "average")]:
                    cfg = {"pool_size": [k, k], "strides": [s, s], "padding": padding}
                    close(run_layer(cls, cfg, x), loop_pool(x, k, s, padding, mode),
                          f"{cls} {h}x{w} k{k} s{s} {padding}")
                    n += 1
    x = RNG.standard_normal((1, 6, 6, 2))
    close(run_layer("MaxPooling2D", {"pool_size": [2, 2], "strides": None}, x),
          loop_pool(x, 2, 2, "valid", "max"), "MaxPooling2D strides None = pool_size")
    close(run_layer("GlobalAveragePooling2D", {}, x), x.mean(axis=(1, 2)), "GlobalAveragePooling2D")
    close(run_layer("GlobalMaxPooling2D", {"keepdims": True}, x), x.max(axis=(1, 2), keepdims=True),
          "GlobalMaxPooling2D keepdims")
    return n + 3


def check_normalizations():
    x = RNG.standard_normal((1, 4, 5, 3)) * 3 + 1
    g, b, m = RNG.standard_normal(3), RNG.standard_normal(3), RNG.standard_normal(3)
    v = RNG.random(3) + 0.1
    for scale, center, eps in [(True, True, 1e-3), (False, True, 1.001e-5), (True, False, 0.1),
                               (False, False, 1e-3)]:
        cfg = {"axis": [3] if scale else -1, "epsilon": eps, "scale": scale, "center": center}
        weights = ([g] if scale else []) + ([b] if center else []) + [m, v]
        want = (x - m) / np.sqrt(v + eps) * (g if scale else 1) + (b if center else 0)
        close(run_layer("BatchNormalization", cfg, x, weights), want,
              f"BatchNormalization scale={scale} center={center} eps={eps}")
    sd = np.maximum(np.sqrt(v), 1e-7)
    close(run_layer("Normalization", {"axis": -1}, x, [m, v, np.array(5.0)]), (x - m) / sd,
          "Normalization from variables")
    close(run_layer("Normalization", {"axis": -1, "mean": list(m), "variance": list(v)}, x),
          (x - m) / sd, "Normalization from config")
    close(run_layer("Normalization", {"mean": 0.5, "variance": 4.0, "axis": None}, x),
          (x - 0.5) / 2, "Normalization scalar mean/variance")
    cfg = {"axis": -1, "invert": True}
    close(run_layer("Normalization", cfg, x, [m, v, np.array(5.0)]), m + x * sd,
          "Normalization invert K3")
    close(run_layer("Normalization", cfg, x, [m, v, np.array(5.0)], "tf2", "2.10.0"), (x + m) * sd,
          "Normalization invert tf.keras 2.10")
    close(run_layer("Normalization", {"axis": -1, "mean": [0.0] * 3, "variance": [0.0] * 3}, x),
          x / 1e-7, "Normalization variance 0 -> epsilon 1e-7")
    close(run_layer("Rescaling", {"scale": 1 / 127.5, "offset": -1}, x), x / 127.5 - 1, "Rescaling")
    arr = {"class_name": "__numpy__", "config": {"value": [1.0, 2.0, 3.0], "dtype": "float32"}}
    close(run_layer("Rescaling", {"scale": arr, "offset": 0.0}, x), x * [1, 2, 3],
          "Rescaling array")
    return 11


def check_reshaping():
    x = RNG.standard_normal((1, 4, 5, 3))
    close(run_layer("Flatten", {}, x), np.array([[x[0, i, j, c] for i in range(4) for j in range(5)
                                                  for c in range(3)]]), "Flatten channels-last")
    close(run_layer("Flatten", {"data_format": "channels_first"}, x),
          np.transpose(x, (0, 2, 3, 1)).reshape(1, -1), "Flatten data_format=channels_first")
    close(run_layer("Reshape", {"target_shape": [-1, 6]}, x), x.reshape(1, 10, 6), "Reshape -1")
    z = np.zeros((1, 4 + 3, 5 + 3, 3))
    z[0, 1:5, 2:7] = x[0]
    close(run_layer("ZeroPadding2D", {"padding": [[1, 2], [2, 1]]}, x), z, "ZeroPadding2D pairs")
    close(run_layer("ZeroPadding2D", {"padding": 1}, x).shape, (1, 6, 7, 3), "ZeroPadding2D int")
    close(run_layer("Cropping2D", {"cropping": [[1, 0], [1, 2]]}, x), x[:, 1:, 1:3], "Cropping2D")
    close(run_layer("Cropping2D", {"cropping": [1, 2]}, x), x[:, 1:3, 2:3], "Cropping2D symmetric")
    for cls in keras_layers.IDENTITY:
        close(run_layer(cls, {"rate": 0.5, "stddev": 1.0}, x), x, cls)
    k, bias = RNG.standard_normal((3, 7)), RNG.standard_normal(7)
    close(run_layer("Dense", {"activation": None}, x, [k, bias]), x @ k + bias,
          "Dense on the last axis")
    return 8 + len(keras_layers.IDENTITY)


def _sigmoid(x):
    return 1 / (1 + np.exp(-x))


def formulas(flavor):
    """Each activation written from its definition in keras_activations' docstring."""
    hs = (lambda x: np.clip(0.2 * x + 0.5, 0, 1)) if flavor == "tf2" else \
        (lambda x: np.minimum(np.maximum(x + 3, 0), 6) / 6)
    erf = np.vectorize(math.erf)
    elu = lambda x, a=1.0: np.where(x > 0, x, a * (np.exp(np.minimum(x, 0)) - 1))  # noqa: E731
    return {
        "linear": lambda x: x, "relu": lambda x: np.maximum(x, 0),
        "relu6": lambda x: np.minimum(np.maximum(x, 0), 6), "sigmoid": _sigmoid,
        "hard_sigmoid": hs, "tanh": np.tanh,
        "silu": lambda x: x * _sigmoid(x), "swish": lambda x: x * _sigmoid(x),
        "hard_silu": lambda x: x * np.minimum(np.maximum(x + 3, 0), 6) / 6,
        "hard_swish": lambda x: x * np.minimum(np.maximum(x + 3, 0), 6) / 6,
        "gelu": lambda x: 0.5 * x * (1 + erf(x / math.sqrt(2))),
        "elu": elu, "selu": lambda x: 1.0507009873554805 * elu(x, 1.6732632423543772),
        "softplus": lambda x: np.log1p(np.exp(x)), "softsign": lambda x: x / (1 + np.abs(x)),
        "leaky_relu": lambda x: np.where(x > 0, x, 0.2 * x), "exponential": np.exp,
        "mish": lambda x: x * np.tanh(np.log1p(np.exp(x))),
    }


def check_activations():
    # Points away from every kink (0, +-3, 6, +-2.5) so finite differences are exact enough.
    x = np.array([-7.3, -4.1, -2.9, -1.7, -0.6, -0.13, 0.21, 0.8, 1.9, 2.7, 4.4, 5.3, 6.8, 9.1])
    n = 0
    for flavor in ["keras3", "tf2"]:
        for name, want in formulas(flavor).items():
            fn, _ = acts.function(name, flavor)
            t = torch.from_numpy(x.copy()).requires_grad_(True)
            y = fn(t)
            close(y.detach().numpy(), want(x), f"{name} ({flavor})", 1e-12)
            y.sum().backward()
            h = 1e-6
            numeric = (want(x + h) - want(x - h)) / (2 * h)
            close(t.grad.numpy(), numeric, f"{name}' ({flavor}) by finite differences", 1e-6)
            n += 2
    z = RNG.standard_normal((2, 5))
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    close(acts.function("softmax", "keras3")[0](torch.from_numpy(z)).numpy(),
          e / e.sum(axis=-1, keepdims=True), "softmax")
    close(acts.gelu(torch.from_numpy(x), approximate=True).numpy(),
          0.5 * x * (1 + np.tanh(math.sqrt(2 / math.pi) * (x + 0.044715 * x ** 3))),
          "gelu approximate")
    return n + 2


def relu_formula(x, s, m, t):
    """Keras' ReLU piecewise: m for x >= m, x for t < x < m, s (x - t) for x < t (0 at t)."""
    y = np.where(x > t, x, np.where(x < t, s * (x - t), 0.0))
    return np.minimum(y, m) if m is not None else y


def check_relu_layers():
    x = RNG.standard_normal((1, 3, 4, 2)) * 4
    n = 0
    for s, m, t in [(0, None, 0), (0, 6, 0), (0.1, None, 0), (0.1, 6, 0), (0, 2.5, 0),
                    (0.2, 3.0, 1.0), (0, None, 1.5), (0.3, None, 0.5), (0.05, 6.0, 0.7)]:
        cfg = {"negative_slope": s, "max_value": m, "threshold": t}
        close(run_layer("ReLU", cfg, x), relu_formula(x, s, m, t), f"ReLU {cfg}")
        n += 1
    leaky = lambda s: np.where(x > 0, x, s * x)  # noqa: E731
    close(run_layer("LeakyReLU", {"negative_slope": 0.1}, x), leaky(0.1), "LeakyReLU K3")
    close(run_layer("LeakyReLU", {"alpha": 0.25}, x, (), "tf2"), leaky(0.25), "LeakyReLU alpha")
    close(run_layer("LeakyReLU", {}, x), np.where(x > 0, x, 0.3 * x), "LeakyReLU default 0.3")
    elu = lambda a: np.where(x > 0, x, a * np.expm1(np.minimum(x, 0)))  # noqa: E731
    close(run_layer("ELU", {}, x), elu(1.0), "ELU default alpha 1.0")
    close(run_layer("ELU", {"alpha": 0.5}, x), elu(0.5), "ELU alpha")
    alpha = RNG.random((1, 1, 2))
    close(run_layer("PReLU", {"shared_axes": [1, 2]}, x, [alpha]), np.where(x > 0, x, alpha * x),
          "PReLU shared_axes [1, 2]")
    alpha = RNG.random((3, 4, 2))
    close(run_layer("PReLU", {}, x, [alpha]), np.where(x > 0, x, alpha * x), "PReLU per element")
    z = RNG.standard_normal((1, 6))
    close(run_layer("Softmax", {"axis": -1}, z), np.exp(z) / np.exp(z).sum(), "Softmax layer")
    return n + 8


def check_guided():
    """Guided: f'(x) * max(g, 0) at ReLU-like functions, the true gradient elsewhere."""
    x = np.array([-2.3, -0.7, 0.4, 1.6, 3.9, 7.2])
    g = np.array([0.5, -1.0, 2.0, -0.3, 1.5, 0.8])
    n = 0
    for name in formulas("keras3"):
        fn, guided_kind = acts.function(name, "keras3")
        assert guided_kind == (name in acts.GUIDED)
        t = torch.from_numpy(x.copy()).requires_grad_(True)
        acts.apply(fn, t, guided_kind).backward(torch.from_numpy(g))
        u = torch.from_numpy(x.copy()).requires_grad_(True)
        (d,) = torch.autograd.grad(fn(u).sum(), u)
        want = d.numpy() * (np.maximum(g, 0) if guided_kind else g)
        close(t.grad.numpy(), want, f"guided rule at {name}")
        n += 1
    t = torch.from_numpy(x.copy()).requires_grad_(True)
    acts.apply(torch.relu, t, True).backward(torch.from_numpy(g))
    close(t.grad.numpy(), (x > 0) * (g > 0) * g, "guided ReLU = (x > 0) (g > 0) g")
    return n + 1


def check_snake_case():
    def regex(name):  # keras/src/utils/naming.py's two substitutions, as an independent check
        name = re.sub("(.)([A-Z][a-z]+)", r"\1_\2", re.sub(r"\W+", "", name))
        return re.sub("([a-z])([A-Z])", r"\1_\2", name).lower()
    names = ["Conv2D", "MaxPooling2D", "ReLU", "PReLU", "BatchNormalization", "InputLayer",
             "GlobalAveragePooling2D", "SeparableConv2D", "DepthwiseConv2D", "ZeroPadding2D",
             "LeakyReLU", "ELU", "SpatialDropout2D", "ActivityRegularization", "Dense"]
    for n in names:
        assert keras_file.snake_case(n) == regex(n), (n, keras_file.snake_case(n), regex(n))
    assert keras_file.snake_case("ReLU") == "re_lu" and keras_file.snake_case("Conv2D") == "conv2d"
    return len(names)


CHECKS = [check_convolutions, check_pooling, check_normalizations, check_reshaping,
          check_activations, check_relu_layers, check_guided, check_snake_case]
