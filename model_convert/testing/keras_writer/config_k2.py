"""tf.keras 2.x layer configs: get_config() of keras-team/keras v2.10.0 and v2.13.1 (keras/).

Layer.get_config (engine/base_layer.py) writes name, trainable, dtype ("float32": the policy is
serialized by name, mixed_precision/policy.py serialize) and, for a layer created with
`input_shape=`, batch_input_shape (v2.10.0: before dtype; v2.13.1 base_layer.py:805: after).
Subclasses append their own keys with dict(list(base.items()) + list(config.items())), so a
key redefined by a subclass keeps its first position (SeparableConv2D after Conv's keys).
Constructor values that pass through backend.cast_to_floatx are float32 arrays and reach JSON
as their float64 expansion (ReLU negative_slope 0.1 -> 0.10000000149011612; LeakyReLU and
ELU get_config use float(self.alpha)).
"""
import numpy as np

from .config_shared import pair, shape_layer_config
from .flavors import Refused

# keras.activations in v2.10.0/v2.13.1 defines these (activations.py); relu6, silu,
# leaky_relu, log_softmax are only tf.nn aliases there and hard_silu does not exist.
_ACTIVATIONS = {"softmax", "elu", "selu", "softplus", "softsign", "swish", "relu", "gelu",
                "tanh", "sigmoid", "exponential", "hard_sigmoid", "linear"}


def f32(x):
    """A Python float as tf.keras writes a float32 value (np.float32(x).item())."""
    return float(np.float32(x))


class K2Context:
    """`new_format`: .keras of tf.keras 2.13 (saving/serialization_lib.py: every object as
    {module, class_name, config, registered_name}); else legacy {class_name, config}."""

    def __init__(self, flavor, new_format):
        self.flavor = flavor
        self.new_format = new_format

    def obj(self, module, cls, config):
        if self.new_format:
            return {"module": module, "class_name": cls, "config": config,
                    "registered_name": None}
        return {"class_name": cls, "config": config}

    def init(self, cls):
        """An initializer by class name, or as the dict the layer was given (keras.applications'
        VarianceScaling: get_config appends the seed)."""
        if isinstance(cls, dict):
            return self.obj("keras.initializers", cls["class_name"],
                            {**cls["config"], "seed": None})
        config = {"seed": None} if cls == "GlorotUniform" else \
            {"gain": 1.0, "seed": None} if cls == "Orthogonal" else {}
        return self.obj("keras.initializers", cls, config)

    def activation(self, name):
        name = name or "linear"
        if name not in _ACTIVATIONS:
            raise Refused(f"activation '{name}' is not in keras.activations of tf.keras "
                          f"{self.flavor.keras_version}")
        return name

    def base(self, node):
        c = {"name": node.name, "trainable": True}
        bis = node.args.get("_batch_input_shape")
        if bis and not self.flavor.at_least(2, 13):
            c["batch_input_shape"] = list(bis)
        c["dtype"] = "float32"
        if bis and self.flavor.at_least(2, 13):
            c["batch_input_shape"] = list(bis)
        return c


def layer_config(node, ctx):
    if node.kind == "InputLayer":
        return {"batch_input_shape": list(node.out_shape), "dtype": "float32",
                "sparse": False, "ragged": False, "name": node.name}
    c = ctx.base(node)
    c.update(_specific(node, ctx))
    return c


def _conv(a, ctx, groups=True):
    c = {"filters": a["filters"], "kernel_size": pair(a["kernel_size"]),
         "strides": pair(a.get("strides", 1)), "padding": a.get("padding", "valid"),
         "data_format": a.get("data_format") or "channels_last",
         "dilation_rate": pair(a.get("dilation_rate", 1))}
    if groups:
        c["groups"] = 1
    c.update({"activation": ctx.activation(a.get("activation")),
              "use_bias": a.get("use_bias", True),
              "kernel_initializer": ctx.init(a.get("kernel_initializer", "GlorotUniform")),
              "bias_initializer": ctx.init("Zeros"),
              **dict.fromkeys(["kernel_regularizer", "bias_regularizer",
                               "activity_regularizer", "kernel_constraint",
                               "bias_constraint"])})
    return c


def _specific(node, ctx):
    a, k = node.args, node.kind
    nulls = dict.fromkeys
    shared = shape_layer_config(k, a)
    if shared is not None:
        return shared
    if k == "Conv2D":
        return _conv(a, ctx)
    if k == "Conv2DTranspose":  # Conv.get_config + output_padding
        c = _conv(a, ctx)
        c["output_padding"] = None
        return c
    if k == "DepthwiseConv2D":  # Conv.get_config without filters and kernel_*, then its own
        c = _conv({**a, "filters": None}, ctx)
        for key in ("filters", "kernel_initializer", "kernel_regularizer", "kernel_constraint"):
            del c[key]
        c.update({"depth_multiplier": a.get("depth_multiplier", 1),
                  "depthwise_initializer": ctx.init(a.get("depthwise_initializer",
                                                          "GlorotUniform")),
                  "depthwise_regularizer": None, "depthwise_constraint": None})
        return c
    if k == "SeparableConv2D":  # Conv's keys first, then the separable ones
        c = _conv({**a, "activation": a.get("activation")}, ctx)
        c.update({"depth_multiplier": a.get("depth_multiplier", 1),
                  "depthwise_initializer": ctx.init("GlorotUniform"),
                  "pointwise_initializer": ctx.init("GlorotUniform"),
                  **nulls(["depthwise_regularizer", "pointwise_regularizer",
                           "depthwise_constraint", "pointwise_constraint"])})
        return c
    if k == "Normalization":
        c = {"axis": [a.get("axis", -1)]}
        if ctx.flavor.at_least(2, 13):
            c["invert"] = False
        return {**c, "mean": None, "variance": None}
    if k == "BatchNormalization":  # build() turns axis into a list of positive axes
        return {"axis": [len(node.in_shape) - 1], "momentum": a.get("momentum", 0.99),
                "epsilon": a.get("epsilon", 0.001), "center": a.get("center", True),
                "scale": a.get("scale", True), "beta_initializer": ctx.init("Zeros"),
                "gamma_initializer": ctx.init("Ones"),
                "moving_mean_initializer": ctx.init("Zeros"),
                "moving_variance_initializer": ctx.init("Ones"),
                **nulls(["beta_regularizer", "gamma_regularizer", "beta_constraint",
                         "gamma_constraint"])}
    if k in ("Dropout", "SpatialDropout2D"):  # SpatialDropout2D has no get_config of its own
        ns = a.get("noise_shape")
        return {"rate": a["rate"], "noise_shape": None if ns is None else list(ns),
                "seed": a.get("seed")}
    if k == "GaussianNoise":
        return {"stddev": a["stddev"], "seed": a.get("seed")}
    if k == "GaussianDropout":
        return {"rate": a["rate"], "seed": a.get("seed")}
    if k == "ActivityRegularization":
        return {"l1": a.get("l1", 0.0), "l2": a.get("l2", 0.0)}
    if k == "ReLU":
        mv = a.get("max_value")
        return {"max_value": None if mv is None else f32(mv),
                "negative_slope": f32(a.get("negative_slope", 0.0)),
                "threshold": f32(a.get("threshold", 0.0))}
    if k == "LeakyReLU":
        return {"alpha": f32(a.get("negative_slope", 0.3))}
    if k == "PReLU":
        return {"alpha_initializer": ctx.init("Zeros"), "alpha_regularizer": None,
                "alpha_constraint": None, "shared_axes": a.get("shared_axes")}
    if k == "ELU":
        return {"alpha": f32(a.get("alpha", 1.0))}
    if k == "Softmax":
        return {"axis": a.get("axis", -1)}
    if k == "Activation":
        return {"activation": ctx.activation(a["activation"])}
    if k == "Dense":
        return {"units": a["units"], "activation": ctx.activation(a.get("activation")),
                "use_bias": a.get("use_bias", True),
                "kernel_initializer": ctx.init(a.get("kernel_initializer", "GlorotUniform")),
                "bias_initializer": ctx.init("Zeros"),
                **nulls(["kernel_regularizer", "bias_regularizer", "activity_regularizer",
                         "kernel_constraint", "bias_constraint"])}
    if k == "Concatenate":
        return {"axis": a.get("axis", -1)}
    if k in ("Add", "Multiply"):  # _Merge.get_config: Layer's keys only
        return {}
    if k == "Lambda":  # generic_utils.func_dump -> (code, defaults, closure)
        return {"function": [a["code_b64"], None, None], "function_type": "lambda",
                "module": "__main__", "output_shape": None, "output_shape_type": "raw",
                "output_shape_module": None, "arguments": {}}
    if k == "ScaleLayer":
        return {"init_value": a.get("init_value", 1.0)}
    if k == "LSTM":
        return _lstm(a, ctx)
    if k == "MultiHeadAttention":
        return _mha(node, ctx)
    raise Refused(f"no tf.keras config for layer class {k}")


def _lstm(a, ctx):
    c = {"return_sequences": False, "return_state": False, "go_backwards": False,
         "stateful": False, "unroll": False, "time_major": False, "units": a["units"],
         "activation": "tanh", "recurrent_activation": "sigmoid", "use_bias": True,
         "kernel_initializer": ctx.init("GlorotUniform"),
         "recurrent_initializer": ctx.init("Orthogonal"), "bias_initializer": ctx.init("Zeros"),
         "unit_forget_bias": True}
    c.update(dict.fromkeys(["kernel_regularizer", "recurrent_regularizer", "bias_regularizer",
                            "activity_regularizer", "kernel_constraint",
                            "recurrent_constraint", "bias_constraint"]))
    c.update({"dropout": 0.0, "recurrent_dropout": 0.0, "implementation": 2})
    return c


def _mha(node, ctx):
    a = node.args
    shape = list(node.in_shape)
    c = {"num_heads": a["num_heads"], "key_dim": a["key_dim"],
         "value_dim": a.get("value_dim") or a["key_dim"], "dropout": 0.0, "use_bias": True,
         "output_shape": None, "attention_axes": [1],
         "kernel_initializer": ctx.init("GlorotUniform"), "bias_initializer": ctx.init("Zeros")}
    c.update(dict.fromkeys(["kernel_regularizer", "bias_regularizer", "activity_regularizer",
                            "kernel_constraint", "bias_constraint"]))
    c.update({"query_shape": shape, "key_shape": shape, "value_shape": shape})
    return c
