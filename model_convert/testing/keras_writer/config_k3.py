"""Keras 3 layer configs: what each layer's get_config() returns in v3.0.0, v3.5.0, v3.13.2.

Sources (keras/src/layers/... at the tag; keras/layers/... in v3.0.0): each layer's get_config,
Layer.get_config (layers/layer.py), Operation.get_config / __new__ auto-config
(ops/operation.py), initializers' get_config, activations.serialize (activations/__init__.py,
which writes built-ins by function name, so "swish" is written "silu").
"""
from .config_shared import pair, shape_layer_config
from .flavors import Refused

# Python module of each class in the v3.0.0 wheel (written because of the api_export bug).
_MOD30 = {
    "InputLayer": "core.input_layer", "Dense": "core.dense", "Lambda": "core.lambda_layer",
    "Conv2D": "convolutional.conv2d", "SeparableConv2D": "convolutional.separable_conv2d",
    "DepthwiseConv2D": "convolutional.depthwise_conv2d",
    "Conv2DTranspose": "convolutional.conv2d_transpose",
    "MaxPooling2D": "pooling.max_pooling2d", "AveragePooling2D": "pooling.average_pooling2d",
    "GlobalAveragePooling2D": "pooling.global_average_pooling2d",
    "GlobalMaxPooling2D": "pooling.global_max_pooling2d",
    "GlobalAveragePooling1D": "pooling.global_average_pooling1d",
    "ZeroPadding2D": "reshaping.zero_padding2d", "Cropping2D": "reshaping.cropping2d",
    "UpSampling2D": "reshaping.up_sampling2d", "Flatten": "reshaping.flatten",
    "Reshape": "reshaping.reshape", "Rescaling": "preprocessing.rescaling",
    "Normalization": "preprocessing.normalization",
    "BatchNormalization": "normalization.batch_normalization",
    "Dropout": "regularization.dropout", "SpatialDropout2D": "regularization.spatial_dropout",
    "GaussianNoise": "regularization.gaussian_noise",
    "GaussianDropout": "regularization.gaussian_dropout",
    "ActivityRegularization": "regularization.activity_regularization",
    "ReLU": "activations.relu", "LeakyReLU": "activations.leaky_relu",
    "PReLU": "activations.prelu", "ELU": "activations.elu", "Softmax": "activations.softmax",
    "Activation": "activations.activation", "LSTM": "rnn.lstm",
    "MultiHeadAttention": "attention.multi_head_attention", "Concatenate": "merging.concatenate",
    "Add": "merging.add", "Multiply": "merging.multiply",
}

# Layers that are built in __init__ (self.built = True / self._build_at_init()) and so have no
# build_config; every other layer is built on its first call and records its input shape.
_BUILT_AT_INIT = {
    (3, 0): {"InputLayer", "Dropout", "SpatialDropout2D", "Softmax"},
    (3, 5): {"InputLayer", "Softmax"},
    (3, 13): {"InputLayer", "MaxPooling2D", "AveragePooling2D", "GlobalAveragePooling2D",
              "GlobalMaxPooling2D", "GlobalAveragePooling1D", "Reshape", "Dropout",
              "SpatialDropout2D", "GaussianNoise", "GaussianDropout",
              "ActivityRegularization", "ReLU", "LeakyReLU", "ELU", "Softmax", "Activation"},
}

# Activation names each version's keras.activations knows (ALL_OBJECTS_DICT + aliases).
_ACTIVATIONS_30 = {"relu", "leaky_relu", "relu6", "softmax", "elu", "selu", "softplus",
                   "softsign", "silu", "swish", "gelu", "tanh", "sigmoid", "exponential",
                   "hard_sigmoid", "linear", "mish", "log_softmax"}
_ACTIVATIONS_35 = _ACTIVATIONS_30 | {"hard_silu", "hard_swish"}
_ALIASES = {"swish": "silu", "hard_swish": "hard_silu"}


class K3Context:
    """Serialization state of one config.json / model_config: version switches and the
    ObjectSharingScope bookkeeping of the shared global DTypePolicy."""

    def __init__(self, flavor, shared_id):
        self.flavor = flavor
        self.shared_id = shared_id
        self.policies = 0

    def obj(self, public_module, cls, internal_module, config):
        """serialization_lib.serialize_with_public_class for a built-in class."""
        if self.flavor.public_modules:
            return {"module": public_module, "class_name": cls, "config": config,
                    "registered_name": None}
        return {"module": "keras.src." + internal_module, "class_name": cls, "config": config,
                "registered_name": cls}

    def policy(self):
        """The layer's `dtype`. The first serialization of the shared policy object is stored
        before record_object_after_serialization marks it, and the layer config keeps a copy
        (serialize_dict), so only later occurrences show `shared_object_id`."""
        if not self.flavor.policy_objects:
            return "float32"
        d = {"module": "keras", "class_name": "DTypePolicy", "config": {"name": "float32"},
             "registered_name": None}
        if self.flavor.shared_policy_ids and self.policies > 0:
            d["shared_object_id"] = self.shared_id
        self.policies += 1
        return d

    def init(self, cls, config=None):
        """An initializer by class name, or as the dict the layer was given (`{"class_name",
        "config"}`, keras.applications' VarianceScaling): initializers.get() builds the object,
        whose get_config puts `seed` first since v3.6.0 (RandomInitializer base class) and
        last before."""
        if isinstance(cls, dict):
            seed = {"seed": None}
            cls, config = cls["class_name"], {**seed, **cls["config"]} \
                if self.flavor.at_least(3, 6) else {**cls["config"], **seed}
        mod = "constant_initializers" if cls in ("Zeros", "Ones") else "random_initializers"
        if cls == "Orthogonal":
            if self.flavor.at_least(3, 13):
                config = {"seed": None, "gain": 1.0}
            else:  # class OrthogonalInitializer, exported first under that name before 3.6
                cls, config = "OrthogonalInitializer", {"gain": 1.0, "seed": None}
        elif config is None:
            config = {"seed": None} if cls == "GlorotUniform" else {}
        return self.obj("keras.initializers", cls, "initializers." + mod, config)

    def activation(self, name):
        name = name or "linear"
        known = _ACTIVATIONS_35 if self.flavor.at_least(3, 5) else _ACTIVATIONS_30
        if name not in known:
            raise Refused(f"activation '{name}' does not exist in Keras "
                          f"{self.flavor.keras_version} (keras.activations)")
        return _ALIASES.get(name, name)

    def class_info(self, kind):
        return self.obj("keras.layers", kind, "layers." + _MOD30.get(kind, ""), None)

    def has_build_config(self, kind):
        key = (3, 13) if self.flavor.at_least(3, 13) else (3, 5) if self.flavor.at_least(3, 5) \
            else (3, 0)
        return kind not in _BUILT_AT_INIT[key]


def layer_config(node, ctx):
    """The inner `config` dict of one layer (Keras 3 get_config)."""
    a, k, f = node.args, node.kind, ctx.flavor
    if k == "InputLayer":
        c = {"batch_shape": list(node.out_shape), "dtype": "float32", "sparse": False}
        if f.at_least(3, 13):
            c["ragged"] = False
        c["name"] = node.name
        if f.at_least(3, 13):
            c["optional"] = False
        return c

    if k == "ELU":  # no get_config: Operation's auto-config of the __init__ arguments
        c = {"name": node.name}
        if f.auto_config_defaults:
            c["alpha"] = a.get("alpha", 1.0)
        elif "alpha" in a:
            c["alpha"] = a["alpha"]
        c.update({"trainable": True, "dtype": ctx.policy()})
        return c

    if k == "SpatialDropout2D":  # BaseSpatialDropout.get_config replaces Layer's
        return {"rate": a["rate"], "seed": a.get("seed"), "name": node.name, "dtype": "float32",
                "data_format": a.get("data_format") or "channels_last"}

    if k == "LSTM":  # RNN.get_config serializes the cell (and so its policy) first
        ctx.policy()
    c = {"name": node.name, "trainable": True, "dtype": ctx.policy()}
    c.update(_specific(node, ctx))
    return c


def _conv_common(a, ctx):
    return {"kernel_size": pair(a["kernel_size"]), "strides": pair(a.get("strides", 1)),
            "padding": a.get("padding", "valid"),
            "data_format": a.get("data_format") or "channels_last",
            "dilation_rate": pair(a.get("dilation_rate", 1))}


def _specific(node, ctx):
    a, k, f = node.args, node.kind, ctx.flavor
    nulls = dict.fromkeys
    shared = shape_layer_config(k, a)
    if shared is not None:
        return shared
    if k in ("Conv2D", "Conv2DTranspose"):
        c = {"filters": a["filters"], **_conv_common(a, ctx)}
        if k == "Conv2D":
            c["groups"] = 1
        c.update({"activation": ctx.activation(a.get("activation")),
                  "use_bias": a.get("use_bias", True),
                  "kernel_initializer": ctx.init(a.get("kernel_initializer", "GlorotUniform")),
                  "bias_initializer": ctx.init("Zeros")})
        c.update(nulls(["kernel_regularizer", "bias_regularizer", "activity_regularizer",
                        "kernel_constraint", "bias_constraint"]))
        return c
    if k == "DepthwiseConv2D":  # BaseDepthwiseConv.get_config
        c = {"depth_multiplier": a.get("depth_multiplier", 1), **_conv_common(a, ctx),
             "activation": ctx.activation(a.get("activation")),
             "use_bias": a.get("use_bias", True),
             "depthwise_initializer": ctx.init(a.get("depthwise_initializer",
                                                     "GlorotUniform")),
             "bias_initializer": ctx.init("Zeros")}
        c.update(nulls(["depthwise_regularizer", "bias_regularizer", "activity_regularizer",
                        "depthwise_constraint", "bias_constraint"]))
        return c
    if k == "SeparableConv2D":
        c = {"depth_multiplier": a.get("depth_multiplier", 1), "filters": a["filters"],
             **_conv_common(a, ctx), "activation": ctx.activation(a.get("activation")),
             "use_bias": a.get("use_bias", True),
             "depthwise_initializer": ctx.init("GlorotUniform"),
             "pointwise_initializer": ctx.init("GlorotUniform"),
             "bias_initializer": ctx.init("Zeros")}
        c.update(nulls(["depthwise_regularizer", "pointwise_regularizer", "bias_regularizer",
                        "activity_regularizer", "depthwise_constraint",
                        "pointwise_constraint", "bias_constraint"]))
        return c
    if k == "Normalization":  # axis as the tuple __init__ makes of it
        return {"axis": [a.get("axis", -1)], "invert": False, "mean": None, "variance": None}
    if k == "BatchNormalization":
        return {"axis": a.get("axis", -1), "momentum": a.get("momentum", 0.99),
                "epsilon": a.get("epsilon", 0.001), "center": a.get("center", True),
                "scale": a.get("scale", True), "beta_initializer": ctx.init("Zeros"),
                "gamma_initializer": ctx.init("Ones"),
                "moving_mean_initializer": ctx.init("Zeros"),
                "moving_variance_initializer": ctx.init("Ones"),
                **nulls(["beta_regularizer", "gamma_regularizer", "beta_constraint",
                         "gamma_constraint"]), "synchronized": False}
    if k == "Dropout":
        ns = a.get("noise_shape")
        return {"rate": a["rate"], "seed": a.get("seed"),
                "noise_shape": None if ns is None else list(ns)}
    if k == "GaussianNoise":
        return {"stddev": a["stddev"], "seed": a.get("seed")}
    if k == "GaussianDropout":
        return {"rate": a["rate"], "seed": a.get("seed")}
    if k == "ActivityRegularization":
        return {"l1": a.get("l1", 0.0), "l2": a.get("l2", 0.0)}
    if k == "ReLU":
        return {"max_value": a.get("max_value"), "negative_slope": a.get("negative_slope", 0.0),
                "threshold": a.get("threshold", 0.0)}
    if k == "LeakyReLU":
        return {"negative_slope": a.get("negative_slope", 0.3)}
    if k == "PReLU":
        return {"alpha_initializer": ctx.init("Zeros"), "alpha_regularizer": None,
                "alpha_constraint": None, "shared_axes": a.get("shared_axes")}
    if k == "Softmax":
        return {"axis": a.get("axis", -1)}
    if k == "Activation":
        return {"activation": ctx.activation(a["activation"])}
    if k == "Dense":
        c = {"units": a["units"], "activation": ctx.activation(a.get("activation")),
             "use_bias": a.get("use_bias", True),
             "kernel_initializer": ctx.init(a.get("kernel_initializer", "GlorotUniform")),
             "bias_initializer": ctx.init("Zeros"),
             **nulls(["kernel_regularizer", "bias_regularizer", "kernel_constraint",
                      "bias_constraint"])}
        if f.at_least(3, 13):
            c["quantization_config"] = None
        return c
    if k == "Concatenate":
        return {"axis": a.get("axis", -1)}
    if k in ("Add", "Multiply"):  # Merge.get_config: Layer's keys only
        return {}
    if k == "Lambda":
        return {"function": {"class_name": "__lambda__", "config": {
            "code": a["code_b64"], "defaults": None, "closure": None}}, "arguments": {}}
    if k == "ScaleLayer":
        return {"init_value": a.get("init_value", 1.0)}
    if k == "LSTM":
        return _lstm(a, ctx)
    if k == "MultiHeadAttention":
        return _mha(a, ctx)
    raise Refused(f"no Keras 3 config for layer class {k}")


def _lstm(a, ctx):
    c = {"return_sequences": False, "return_state": False, "go_backwards": False,
         "stateful": False, "unroll": False, "zero_output_for_mask": False,
         "units": a["units"], "activation": "tanh", "recurrent_activation": "sigmoid",
         "use_bias": True, "kernel_initializer": ctx.init("GlorotUniform"),
         "recurrent_initializer": ctx.init("Orthogonal"),
         "bias_initializer": ctx.init("Zeros"), "unit_forget_bias": True}
    c.update(dict.fromkeys(["kernel_regularizer", "recurrent_regularizer", "bias_regularizer",
                            "activity_regularizer", "kernel_constraint",
                            "recurrent_constraint", "bias_constraint"]))
    c.update({"dropout": 0.0, "recurrent_dropout": 0.0, "seed": None})
    return c


def _mha(a, ctx):
    c = {"num_heads": a["num_heads"], "key_dim": a["key_dim"],
         "value_dim": a.get("value_dim") or a["key_dim"], "dropout": 0.0, "use_bias": True,
         "output_shape": None, "attention_axes": [1],
         "kernel_initializer": ctx.init("GlorotUniform"),
         "bias_initializer": ctx.init("Zeros")}
    c.update(dict.fromkeys(["kernel_regularizer", "bias_regularizer", "activity_regularizer",
                            "kernel_constraint", "bias_constraint"]))
    if ctx.flavor.at_least(3, 5):
        c["seed"] = None
    return c


def call_kwargs(node, flavor):
    """Keyword arguments Layer.__call__ records in the node: a non-None `training` default of
    call() and `mask` when call() takes one (layers/layer.py __call__ steps 5 and 6). In v3.10+
    the node keeps the caller's kwargs dict, which __call__ only fills when it did not convert
    the inputs (a single symbolic tensor argument)."""
    k = node.kind
    if k in ("Dropout", "SpatialDropout2D", "GaussianNoise", "GaussianDropout"):
        return {"training": False}
    if k in ("BatchNormalization", "Softmax", "Lambda"):
        return {"mask": None}
    if k == "LSTM":
        return {"training": False, "mask": None}
    if k == "MultiHeadAttention":
        return {} if flavor.at_least(3, 10) else {"query_mask": None, "value_mask": None}
    return {}
