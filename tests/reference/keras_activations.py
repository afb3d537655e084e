"""Keras' activation functions in float64 PyTorch, per Keras version, and guided backpropagation.

Sources (git -C /work/.mirror/keras-team+keras/repo show TAG:PATH); "K3" = v3.13.2
keras/src/activations/activations.py unless another file is named, with the math of the
TensorFlow backend keras/src/backend/tensorflow/nn.py (checked against
keras/src/backend/numpy/nn.py);
"TF2" = v2.13.1 keras/activations.py and keras/backend.py (v2.10.0 identical where cited):
  relu         max(x, 0)                                   K3:6 relu, TF2:285
  relu6        min(max(x, 0), 6)                           K3:126, TF2:601 (tf.nn.relu6)
  sigmoid      1 / (1 + exp(-x))                           K3:483, TF2:390
  hard_sigmoid K3: relu6(x + 3) / 6                        backend/tensorflow/nn.py:92 (3.0.0:53
                                                           writes it x / 6 + 0.5 clipped to [0, 1])
               TF2: clip(0.2 x + 0.5, 0, 1)                TF2 backend.py:5908 (2.10.0:5775)
  tanh         tanh(x)                                     K3:405, TF2:368
  softmax      exp(x - max) / sum exp(x - max), last axis  K3:138, TF2:48
  silu, swish  x * sigmoid(x)                              K3:299 (activations/__init__.py maps
                                                           "swish"), TF2:254 swish, 602 silu
  hard_silu,   x * hard_sigmoid(x) (K3 hard_sigmoid)       K3:577, "hard_swish" alias in
  hard_swish                                               activations/__init__.py; since 3.1.0,
                                                           absent from 3.0.0 and tf.keras 2
  gelu         exact: x (1 + erf(x / sqrt 2)) / 2          K3:340 and TF2:328 both default
                                                           approximate=False for the string "gelu"
               (approximate=True: x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))) / 2, numpy nn.py:138)
  elu          x if x > 0 else alpha (exp(x) - 1)          K3:171, backend/tensorflow/nn.py:101,
                                                           TF2 backend.py:5413
  selu         scale * elu(x, alpha), alpha =              K3:200, numpy nn.py:131 (tf.nn.selu)
               1.6732632423543772848170429916717, scale = 1.0507009873554804934193349852946
  softplus     log(1 + exp(x))                             K3:240, TF2:211
  softsign     x / (1 + |x|)                               K3:252, TF2:233
  leaky_relu   x if x > 0 else slope x, slope 0.2          K3:114 (default 0.2; the LeakyReLU
                                                           layer's default is 0.3); not a tf.keras 2
                                                           activation name
  exponential  exp(x); mish x tanh(softplus(x)); linear x  K3:510, 625, 600
ReLU layer (K3 static_call K3:76, layers/activations/relu.py; TF2 backend.relu backend.py:5355, the
same steps): with slope s, max_value m, threshold t:
  s != 0, m None, t == 0: leaky_relu(x, s);
  otherwise y = x * (x > t) if t != 0, else relu6(x) if m == 6, else relu(x); then clip(y, 0, m) if
  m is set (and the relu6 case was not taken); then y -= s * relu(t - x) if s != 0.

Guided backpropagation: at every ReLU-like function (GUIDED) the gradient passed back is
f'(x) * max(g, 0); all other functions pass the true gradient.
"""
import math

import torch
import torch.nn.functional as F

SELU_ALPHA = 1.6732632423543772848170429916717
SELU_SCALE = 1.0507009873554804934193349852946

GUIDED = {"relu", "relu6", "leaky_relu", "elu", "selu", "gelu", "silu", "swish", "hard_silu",
          "hard_swish"}


class _Guided(torch.autograd.Function):
    """y = fn(x) elementwise; backward: fn'(x) * max(g, 0) (fn' by autograd at x)."""

    @staticmethod
    def forward(ctx, x, fn):
        ctx.fn = fn
        ctx.save_for_backward(x)
        return fn(x)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        with torch.enable_grad():
            xx = x.detach().requires_grad_(True)
            (dx,) = torch.autograd.grad(ctx.fn(xx), xx, grad.clamp(min=0))
        return dx, None


def apply(fn, x, guided):
    """fn(x), with the guided backward rule when `guided` is set (fn must be elementwise)."""
    return _Guided.apply(x, fn) if guided else fn(x)


def relu6(x):
    # hardtanh's gradient is 1 on 0 < x < 6 only, like TensorFlow's Relu6Grad.
    return F.hardtanh(x, 0.0, 6.0)


def hard_sigmoid(x, flavor):
    if flavor == "tf2":
        return F.hardtanh(0.2 * x + 0.5, 0.0, 1.0)
    return relu6(x + 3.0) / 6.0


def leaky_relu(x, slope):
    return torch.where(x > 0, x, slope * x)


def elu(x, alpha=1.0):
    # expm1 of min(x, 0): the branch not taken must not overflow (0 * inf would make NaN).
    return torch.where(x > 0, x, alpha * torch.expm1(torch.clamp(x, max=0.0)))


def gelu(x, approximate=False):
    if approximate:
        inner = math.sqrt(2.0 / math.pi) * (x + 0.044715 * x ** 3)
        return 0.5 * x * (1.0 + torch.tanh(inner))
    return 0.5 * x * (1.0 + torch.erf(x / math.sqrt(2.0)))


def softplus(x):
    return torch.logaddexp(x, torch.zeros_like(x))


def keras_relu(x, negative_slope=0.0, max_value=None, threshold=0.0):
    """The ReLU layer / activations.relu with options, step by step as in the docstring."""
    s, m, t = float(negative_slope or 0.0), max_value, float(threshold or 0.0)
    if s != 0.0 and m is None and t == 0.0:
        return leaky_relu(x, s)
    negative = torch.relu(t - x) if s != 0.0 else None
    clip = m is not None
    if t != 0.0:
        y = x * (x > t).to(x.dtype)
    elif m is not None and float(m) == 6.0:
        y, clip = relu6(x), False
    else:
        y = torch.relu(x)
    if clip:
        y = torch.clamp(y, 0.0, float(m))
    if s != 0.0:
        y = y - s * negative
    return y


def function(name, flavor):
    """(elementwise fn or softmax, guided?) for a Keras activation name (string config)."""
    table = {
        "linear": lambda x: x,
        "relu": torch.relu,
        "relu6": relu6,
        "sigmoid": torch.sigmoid,
        "hard_sigmoid": lambda x: hard_sigmoid(x, flavor),
        "tanh": torch.tanh,
        "softmax": lambda x: torch.softmax(x, dim=-1),
        "silu": lambda x: x * torch.sigmoid(x),
        "swish": lambda x: x * torch.sigmoid(x),
        "hard_silu": lambda x: x * hard_sigmoid(x, "keras3"),
        "hard_swish": lambda x: x * hard_sigmoid(x, "keras3"),
        "gelu": gelu,
        "elu": elu,
        "selu": lambda x: SELU_SCALE * elu(x, SELU_ALPHA),
        "softplus": softplus,
        "softsign": lambda x: x / (1.0 + torch.abs(x)),
        "leaky_relu": lambda x: leaky_relu(x, 0.2),
        "exponential": torch.exp,
        "mish": lambda x: x * torch.tanh(softplus(x)),
    }
    if name not in table:
        known = ", ".join(sorted(table))
        raise ValueError(f"activation '{name}' is not supported (known: {known})")
    return table[name], name in GUIDED


def activation_name(value):
    """The name in a config's `activation`: a string, None, or a serialized builtin function."""
    if value is None:
        return "linear"
    if isinstance(value, str):
        return value
    if isinstance(value, dict) and isinstance(value.get("config"), str):
        return value["config"]
    raise ValueError(f"activation {value!r} is not a Keras builtin: not supported")


def activation(value, flavor):
    """(name, fn(z, guided)) for a config's `activation` value."""
    name = activation_name(value)
    fn, guided_kind = function(name, flavor)
    if name == "softmax":
        return name, lambda z, guided: fn(z)
    return name, lambda z, guided: apply(fn, z, guided and guided_kind)
