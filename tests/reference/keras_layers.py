"""Keras layers at inference, in float64 PyTorch, on channels-last tensors (N, H, W, C) or (N, D),
and a model's layers built as a graph (`build`).

Each layer is `pre` (the layer's own computation) followed by `act` (its activation, identity
when it has none), so a model's class scores can be taken before its final softmax or sigmoid.
Sources: "K3" = Keras v3.13.2 keras/src/layers/... (call methods), with the TensorFlow backend's
ops (keras/src/backend/tensorflow/nn.py: conv :786 tf.nn.convolution, separable_conv :902
tf.nn.separable_conv2d, max_pool :218 tf.nn.max_pool, average_pool :246 tf.nn.avg_pool);
"TF2" = tf.keras v2.13.1 keras/layers/...; the same math unless said.
  Conv2D          y = act(conv(x, kernel (kh, kw, cin/groups, cout)) + bias)    K3 base_conv.py:249
  'same' padding  total = max((ceil(in/s) - 1) s + (k - 1) d + 1 - in, 0) per axis, top/left =
                  total // 2, the extra pixel bottom/right (TensorFlow's SAME; output ceil(in/s));
                  'valid' output floor((in - (k - 1) d - 1) / s) + 1 (ops/operation_utils.py:167)
  DepthwiseConv2D per-channel conv, kernel (kh, kw, cin, dm): output channel c*dm + m; strides,
                  dilation, 'same' / 'valid' as Conv2D        K3 base_depthwise_conv.py:201
  SeparableConv2D depthwise (strides, dilation, padding) then pointwise 1x1 (cin*dm, filters),
                  + bias, act                                      K3 base_separable_conv.py:217
  Dense           act(x @ kernel + bias) on the last axis                      K3 core/dense.py:202
  MaxPooling2D    window max; 'same' pads as above with -inf (never chosen)   K3 base_pooling.py:40
  AveragePooling2D window mean; 'same': the mean over the window's cells inside the input only
                  (tf.nn.avg_pool excludes padding from the count); strides default to pool_size
  GlobalAverage/MaxPooling2D  mean / max over H, W (keepdims)   K3 global_*_pooling2d.py:65
  ZeroPadding2D, Cropping2D   ((top, bottom), (left, right)) from an int, a pair, or pairs
  Flatten         row-major over (H, W, C) (channels_first: C moved last first) K3 flatten.py:42
  Reshape         row-major to target_shape (one -1 allowed)                   K3 reshape.py:63
  Rescaling       x * scale + offset (scalars or per-channel arrays)           K3 rescaling.py:41
  Normalization   (x - mean) / max(sqrt(variance), 1e-7); invert: mean + x * max(sqrt(var), 1e-7)
                  (K3 preprocessing/normalization.py:315; TF2 layers/preprocessing/normalization.py
                  :352; tf.keras <= 2.10 inverted as (x + mean) * max(...), v2.10.0 :356); mean and
                  variance from the layer's variables, or from its config (broadcast)
  BatchNormalization (x - moving_mean) / sqrt(moving_variance + epsilon) * gamma + beta, epsilon
                  from the config; no gamma / beta when scale / center is off
                  (K3 batch_normalization.py:234, backend/numpy/nn.py:951)
  Dropout, SpatialDropout2D, GaussianNoise, GaussianDropout, AlphaDropout, ActivityRegularization:
                  identity at inference
  Activation      the named function (keras_activations.py)
  ReLU            keras_activations.keras_relu (max_value, negative_slope, threshold)
  LeakyReLU       x if x > 0 else s x; s = negative_slope (K3, default 0.3, also reads `alpha`,
                  layers/activations/leaky_relu.py:38) or alpha (TF2, default 0.3)
  PReLU           relu(x) - alpha * relu(-x), alpha of shape input[1:] with shared_axes set to 1
                  (K3 prelu.py:74, TF2 layers/activation/prelu.py:107)
  ELU             elu(x, alpha), alpha from the config, else 1.0 (K3 layers/activations/elu.py:22
                  has no get_config: ops/operation.py __new__ / get_config :206 write the
                  constructor's arguments, before 3.13 only those the user passed)
  Softmax         softmax over the last axis (axis -1 only)                  K3 softmax.py:53
  Add, Subtract, Multiply, Average, Maximum, Minimum, Concatenate: keras_merge.py
"""
import math
from dataclasses import dataclass
from typing import Callable

import numpy as np
import torch
import torch.nn.functional as F

import keras_activations as acts
import keras_merge

IDENTITY = {"Dropout", "SpatialDropout2D", "GaussianNoise", "GaussianDropout", "AlphaDropout",
            "ActivityRegularization"}


@dataclass
class Built:
    name: str
    class_name: str
    output_shape: tuple  # without the batch axis
    pre: Callable  # pre(x, guided) -> z
    act: Callable  # act(z, guided) -> y
    act_name: str  # the activation's name ("linear" when none)
    identity: bool = False  # passes its input through at inference
    merge: bool = False  # pre takes the list of its inputs (keras_merge.py)
    inbound: list = None  # the names of its inputs, set by build()


def pair(v, what):
    if isinstance(v, (int, float)):
        return (int(v), int(v))
    if len(v) == 2:
        return (int(v[0]), int(v[1]))
    raise ValueError(f"{what} {v!r}: expected an int or two ints")


def pad_pairs(v, what):
    """((top, bottom), (left, right)) from an int, (h, w) or ((t, b), (l, r))."""
    if isinstance(v, (int, float)):
        return ((int(v),) * 2, (int(v),) * 2)
    return tuple(pair(p, what) for p in v)


def same_padding(size, k, stride, dilation):
    """(before, after) for TensorFlow's SAME, with the output size ceil(size / stride)."""
    out = -(-size // stride)
    total = max((out - 1) * stride + (k - 1) * dilation + 1 - size, 0)
    return total // 2, total - total // 2


def window_geometry(hw, kernel, strides, dilation, padding):
    """((pad_top, pad_bottom), (pad_left, pad_right)), (out_h, out_w) for 'same' / 'valid'."""
    pads, out = [], []
    for size, k, s, d in zip(hw, kernel, strides, dilation):
        if padding == "same":
            pads.append(same_padding(size, k, s, d))
            out.append(-(-size // s))
        elif padding == "valid":
            pads.append((0, 0))
            out.append((size - (k - 1) * d - 1) // s + 1)
        else:
            raise ValueError(f"padding '{padding}' is not supported ('same' or 'valid')")
    if min(out) < 1:
        raise ValueError(f"a {kernel} window does not fit the {hw} input")
    return tuple(pads), tuple(out)


def nchw(x):
    return x.permute(0, 3, 1, 2)


def nhwc(x):
    return x.permute(0, 2, 3, 1)


def pad_nchw(x, pads, value=0.0):
    (t, b), (l, r) = pads
    return F.pad(x, (l, r, t, b), value=value) if (t, b, l, r) != (0, 0, 0, 0) else x


def conv_nhwc(x, weight, strides, dilation, pads, groups=1):
    """Convolution of NHWC `x` with an OIHW `weight`; symmetric padding goes to conv2d itself."""
    (t, b), (l, r) = pads
    xc = nchw(x)
    if t == b and l == r:
        y = F.conv2d(xc, weight, stride=strides, padding=(t, l), dilation=dilation, groups=groups)
    else:
        y = F.conv2d(pad_nchw(xc, pads), weight, stride=strides, dilation=dilation, groups=groups)
    return nhwc(y)


def tensor(a):
    return torch.from_numpy(np.asarray(a, dtype=np.float64))


def check_channels_last(cfg, name):
    if cfg.get("data_format") not in (None, "channels_last"):
        raise ValueError(f"layer '{name}': data_format {cfg['data_format']} is not supported")


def _conv(layer, shape, flavor):
    cfg, w = layer.config, layer.weights
    check_channels_last(cfg, layer.name)
    kernel = w[0]
    k = kernel.shape[:2]
    strides = pair(cfg.get("strides", 1), "strides")
    dilation = pair(cfg.get("dilation_rate", 1), "dilation_rate")
    pads, out_hw = window_geometry(shape[:2], k, strides, dilation, cfg.get("padding", "valid"))
    cin = shape[2]
    if layer.class_name == "Conv2D":
        groups = cin // kernel.shape[2]
        weight = tensor(kernel).permute(3, 2, 0, 1)
        cout = kernel.shape[3]
        stages = [lambda x: conv_nhwc(x, weight, strides, dilation, pads, groups)]
    else:
        dm = kernel.shape[3]
        depthwise = tensor(kernel.reshape(k[0], k[1], cin * dm)).permute(2, 0, 1).unsqueeze(1)
        stages = [lambda x: conv_nhwc(x, depthwise, strides, dilation, pads, cin)]
        cout = cin * dm
        if layer.class_name == "SeparableConv2D":
            pointwise = tensor(w[1]).permute(3, 2, 0, 1)
            cout = w[1].shape[3]
            stages.append(lambda x: conv_nhwc(x, pointwise, (1, 1), (1, 1), ((0, 0), (0, 0))))
    bias = tensor(w[-1]) if cfg.get("use_bias", True) else None

    def pre(x, guided):
        for stage in stages:
            x = stage(x)
        return x + bias if bias is not None else x
    return pre, out_hw + (cout,), cfg.get("activation")


def _pool(layer, shape):
    cfg = layer.config
    check_channels_last(cfg, layer.name)
    k = pair(cfg.get("pool_size", 2), "pool_size")
    strides = pair(cfg.get("strides") or k, "strides")
    pads, out_hw = window_geometry(shape[:2], k, strides, (1, 1), cfg.get("padding", "valid"))
    if layer.class_name == "MaxPooling2D":
        def pre(x, guided):
            return nhwc(F.max_pool2d(pad_nchw(nchw(x), pads, -math.inf), k, strides))
    else:
        ones = torch.ones((1, 1) + tuple(shape[:2]), dtype=torch.float64)
        count = F.avg_pool2d(pad_nchw(ones, pads), k, strides) * (k[0] * k[1])

        def pre(x, guided):
            total = F.avg_pool2d(pad_nchw(nchw(x), pads), k, strides) * (k[0] * k[1])
            return nhwc(total / count)
    return pre, out_hw + (shape[2],)


def _normalization(layer, shape, flavor, version):
    cfg, rank = layer.config, len(shape) + 1
    axis = cfg.get("axis", -1)
    axis = [] if axis is None else [axis] if isinstance(axis, int) else list(axis)
    keep = sorted(a % rank for a in axis)
    broadcast = [1] + [shape[d - 1] if d in keep else 1 for d in range(1, rank)]
    if layer.weights:
        mean, variance = layer.weights[0], layer.weights[1]
    else:
        kept = tuple(shape[d - 1] for d in keep)
        mean = np.asarray(cfg["mean"], np.float64) * np.ones(kept)
        variance = np.asarray(cfg["variance"], np.float64) * np.ones(kept)
    mean, variance = tensor(mean).reshape(broadcast), tensor(variance).reshape(broadcast)
    scale = torch.clamp(torch.sqrt(variance), min=1e-7)
    major_minor = tuple(int(p) for p in (version or "2.13").split(".")[:2])
    old_invert = flavor == "tf2" and major_minor < (2, 11)
    if not cfg.get("invert", False):
        return lambda x, g: (x - mean) / scale
    if old_invert:
        return lambda x, g: (x + mean) * scale
    return lambda x, g: mean + x * scale


def _batch_norm(layer, shape):
    cfg, w = layer.config, list(layer.weights)
    axis = cfg.get("axis", -1)
    axis = axis[0] if isinstance(axis, (list, tuple)) and len(axis) == 1 else axis
    if not isinstance(axis, int) or axis % (len(shape) + 1) != len(shape):
        raise ValueError(f"layer '{layer.name}': BatchNormalization axis {cfg.get('axis')} is "
                         "not the channel (last) axis")
    gamma = tensor(w.pop(0)) if cfg.get("scale", True) else None
    beta = tensor(w.pop(0)) if cfg.get("center", True) else None
    mean, variance = tensor(w[0]), tensor(w[1])
    eps = float(cfg.get("epsilon", 1e-3))

    def pre(x, guided):
        y = (x - mean) / torch.sqrt(variance + eps)
        if gamma is not None:
            y = y * gamma
        return y + beta if beta is not None else y
    return pre


def _scalar_or_array(v):
    if isinstance(v, dict) and v.get("class_name") in ("__numpy__", "__tensor__"):
        v = v["config"]["value"]
    return tensor(v)


def _prelu(layer, shape, flavor):
    alpha = tensor(layer.weights[0])
    alpha = alpha.reshape((1,) + tuple(alpha.shape))

    def fn(x):
        return torch.relu(x) - alpha * torch.relu(-x)
    return lambda z, guided: acts.apply(fn, z, guided)


def build_layer(layer, shape, flavor, version):
    """A Built for `layer` on inputs of `shape` (without the batch axis), for a merge layer the
    list of its inputs' shapes."""
    c, cfg = layer.class_name, layer.config
    if c in keras_merge.MERGE:
        pre, out = keras_merge.build_merge(layer, [tuple(s) for s in shape])
        return Built(layer.name, c, out, pre, lambda z, g: z, "linear", merge=True)
    same = lambda x, g: x  # noqa: E731
    act_value, out, act_fn = None, tuple(shape), None
    if c in ("Conv2D", "DepthwiseConv2D", "SeparableConv2D"):
        if len(shape) != 3:
            raise ValueError(f"layer '{layer.name}' ({c}) needs an image input, got {shape}")
        pre, out, act_value = _conv(layer, shape, flavor)
    elif c == "Dense":
        kernel = tensor(layer.weights[0])
        bias = tensor(layer.weights[1]) if cfg.get("use_bias", True) else None
        pre = (lambda x, g: x @ kernel + bias) if bias is not None else (lambda x, g: x @ kernel)
        out, act_value = tuple(shape[:-1]) + (kernel.shape[1],), cfg.get("activation")
    elif c in ("MaxPooling2D", "AveragePooling2D"):
        pre, out = _pool(layer, shape)
    elif c in ("GlobalAveragePooling2D", "GlobalMaxPooling2D"):
        check_channels_last(cfg, layer.name)
        keep = bool(cfg.get("keepdims", False))
        if c == "GlobalAveragePooling2D":
            pre = lambda x, g: x.mean(dim=(1, 2), keepdim=keep)  # noqa: E731
        else:
            pre = lambda x, g: x.amax(dim=(1, 2), keepdim=keep)  # noqa: E731
        out = (1, 1, shape[2]) if keep else (shape[2],)
    elif c in ("ZeroPadding2D", "Cropping2D"):
        check_channels_last(cfg, layer.name)
        (t, b), (l, r) = pad_pairs(cfg.get("padding" if c == "ZeroPadding2D" else "cropping", 1), c)
        if c == "ZeroPadding2D":
            pre = lambda x, g: F.pad(x, (0, 0, l, r, t, b))  # noqa: E731
            out = (shape[0] + t + b, shape[1] + l + r, shape[2])
        else:
            pre = lambda x, g: x[:, t:shape[0] - b, l:shape[1] - r, :]  # noqa: E731
            out = (shape[0] - t - b, shape[1] - l - r, shape[2])
    elif c == "Flatten":
        first = cfg.get("data_format") == "channels_first" and len(shape) > 1
        perm = (0,) + tuple(range(2, len(shape) + 1)) + (1,)
        pre = (lambda x, g: (x.permute(perm) if first else x).reshape(x.shape[0], -1))
        out = (int(np.prod(shape)),)
    elif c == "Reshape":
        target = [int(d) if d is not None else -1 for d in cfg["target_shape"]]
        if -1 in target:
            target[target.index(-1)] = int(np.prod(shape)) // -int(np.prod(target))
        out = tuple(target)
        pre = lambda x, g: x.reshape((x.shape[0],) + out)  # noqa: E731
    elif c == "Rescaling":
        scale, offset = _scalar_or_array(cfg["scale"]), _scalar_or_array(cfg.get("offset", 0.0))
        pre = lambda x, g: x * scale + offset  # noqa: E731
    elif c == "Normalization":
        pre = _normalization(layer, shape, flavor, version)
    elif c == "BatchNormalization":
        pre = _batch_norm(layer, shape)
    elif c in IDENTITY:
        return Built(layer.name, c, out, same, same, "linear", identity=True)
    elif c == "Activation":
        pre, act_value = same, cfg["activation"]
    elif c == "ReLU":
        opts = dict(negative_slope=cfg.get("negative_slope", 0.0), max_value=cfg.get("max_value"),
                    threshold=cfg.get("threshold", 0.0))
        pre, act_fn = same, lambda z, g: acts.apply(lambda v: acts.keras_relu(v, **opts), z, g)
    elif c == "LeakyReLU":
        s = float(cfg.get("negative_slope", cfg.get("alpha", 0.3)))
        pre, act_fn = same, lambda z, g: acts.apply(lambda v: acts.leaky_relu(v, s), z, g)
    elif c == "ELU":
        a = float(cfg.get("alpha", 1.0))
        pre, act_fn = same, lambda z, g: acts.apply(lambda v: acts.elu(v, a), z, g)
    elif c == "PReLU":
        pre, act_fn = same, _prelu(layer, shape, flavor)
    elif c == "Softmax":
        axis = cfg.get("axis", -1)
        axis = axis[0] if isinstance(axis, (list, tuple)) and len(axis) == 1 else axis
        if axis not in (-1, len(shape)):
            raise ValueError(f"layer '{layer.name}': Softmax over axis {axis}: only the last axis")
        return Built(layer.name, c, out, same, lambda z, g: torch.softmax(z, dim=-1), "softmax")
    else:
        raise ValueError(f"layer '{layer.name}': class {c} is not supported")
    if act_fn is not None:
        return Built(layer.name, c, out, pre, act_fn, c.lower())
    name, act = acts.activation(act_value, flavor)
    return Built(layer.name, c, out, pre, act, name)


def build(model):
    """[Built] for a keras_file.Model in its execution order, each on the shapes of its inputs."""
    shapes, built = {model.input_name: tuple(model.input_shape)}, []
    for layer in model.layers:
        missing = [s for s in layer.inbound if s not in shapes]
        if not layer.inbound or missing:
            raise ValueError(f"layer '{layer.name}' reads {layer.inbound}: "
                             f"{missing or 'no input'} not computed before it")
        ins = [shapes[s] for s in layer.inbound]
        if layer.class_name not in keras_merge.MERGE:
            if len(ins) != 1:
                raise ValueError(f"layer '{layer.name}' ({layer.class_name}) takes {len(ins)} "
                                 f"inputs: only the merge layers {sorted(keras_merge.MERGE)} "
                                 "take several")
            ins = ins[0]
        b = build_layer(layer, ins, model.flavor, model.keras_version)
        b.inbound = list(layer.inbound)
        shapes[b.name] = b.output_shape
        built.append(b)
    return built
