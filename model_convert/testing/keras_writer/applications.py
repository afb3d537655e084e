"""keras.applications models, layer for layer as keras.applications builds them with
weights=None (random): ResNet50, MobileNetV2, EfficientNetB0, DenseNet121, and MobileNetV2
without top nested in a Sequential (transfer learning).

Sources: keras-team/keras v3.13.2 keras/src/applications/{resnet,mobilenet_v2,efficientnet,
densenet,imagenet_utils}.py; tf.keras v2.10.0/v2.13.1 keras/applications/ build the same
layers, except DenseNet's stem, which tf.keras names `conv1/conv`, `conv1/bn`, `conv1/relu`
(Keras 3 name scopes reject "/": `conv1_conv`, ...).

`--width-divisor D` narrows a model without changing its structure or layer names: ResNet50's
and DenseNet's widths (growth rate included) are divided by D, MobileNetV2 gets alpha=1/D
and EfficientNetB0 width_coefficient=1/D, each rounded as Keras rounds them.
"""
from .flavors import Refused
from .graph import Builder, ModelSpec, Node

# efficientnet.py CONV_KERNEL_INITIALIZER and DENSE_KERNEL_INITIALIZER
CONV_INIT = {"class_name": "VarianceScaling",
             "config": {"scale": 2.0, "mode": "fan_out", "distribution": "truncated_normal"}}
DENSE_INIT = {"class_name": "VarianceScaling",
              "config": {"scale": 1.0 / 3.0, "mode": "fan_out", "distribution": "uniform"}}
MIN_SIZE = 32   # imagenet_utils.obtain_input_shape(min_size=32) in all four


def _width(n, opts):
    return max(1, n // opts.get("width_divisor", 1))


def _input(b, opts):
    h, w = opts.get("input_size") or (224, 224)
    if h < MIN_SIZE or w < MIN_SIZE:
        raise Refused(f"keras.applications needs an input of at least {MIN_SIZE}x{MIN_SIZE} "
                      "(imagenet_utils.obtain_input_shape raises ValueError)")
    return b.input((h, w, 3))


def correct_pad(x, kernel_size):
    """imagenet_utils.correct_pad: ZeroPadding2D before a stride-2 'valid' convolution; one
    pixel less at the top/left on an even size."""
    h, w = x.out_shape[1:3]
    c = kernel_size // 2
    return ((c - (1 - h % 2), c), (c - (1 - w % 2), c))


# ---------------------------------------------------------------------------- ResNet50
def resnet50(b, opts):
    x = _input(b, opts)
    x = b("ZeroPadding2D", x, name="conv1_pad", padding=((3, 3), (3, 3)))
    x = b("Conv2D", x, name="conv1_conv", filters=_width(64, opts), kernel_size=7, strides=2)
    x = b("BatchNormalization", x, name="conv1_bn", axis=3, epsilon=1.001e-5)
    x = b("Activation", x, name="conv1_relu", activation="relu")
    x = b("ZeroPadding2D", x, name="pool1_pad", padding=((1, 1), (1, 1)))
    x = b("MaxPooling2D", x, name="pool1_pool", pool_size=3, strides=2)
    for stack, (filters, blocks, stride1) in enumerate(
            [(64, 3, 1), (128, 4, 2), (256, 6, 2), (512, 3, 2)], 2):
        for i in range(1, blocks + 1):   # stack_residual_blocks_v1
            x = _residual_v1(b, x, _width(filters, opts), stride1 if i == 1 else 1, i == 1,
                             f"conv{stack}_block{i}")
    x = b("GlobalAveragePooling2D", x, name="avg_pool")
    return b("Dense", x, name="predictions", units=1000, activation="softmax"), "resnet50"


def _residual_v1(b, x, filters, stride, conv_shortcut, name):
    def bn(y, suffix):
        return b("BatchNormalization", y, name=f"{name}_{suffix}", axis=3, epsilon=1.001e-5)
    shortcut = x
    if conv_shortcut:
        shortcut = b("Conv2D", x, name=f"{name}_0_conv", filters=4 * filters, kernel_size=1,
                     strides=stride)
        shortcut = bn(shortcut, "0_bn")
    x = b("Conv2D", x, name=f"{name}_1_conv", filters=filters, kernel_size=1, strides=stride)
    x = b("Activation", bn(x, "1_bn"), name=f"{name}_1_relu", activation="relu")
    x = b("Conv2D", x, name=f"{name}_2_conv", filters=filters, kernel_size=3, padding="same")
    x = b("Activation", bn(x, "2_bn"), name=f"{name}_2_relu", activation="relu")
    x = bn(b("Conv2D", x, name=f"{name}_3_conv", filters=4 * filters, kernel_size=1), "3_bn")
    x = b("Add", [shortcut, x], name=f"{name}_add", call="list")
    return b("Activation", x, name=f"{name}_out", activation="relu")


# ---------------------------------------------------------------------------- MobileNetV2
# (filters, stride, expansion) of _inverted_res_block block_id 0..16
_MBV2_BLOCKS = [(16, 1, 1), (24, 2, 6), (24, 1, 6), (32, 2, 6), (32, 1, 6), (32, 1, 6),
                (64, 2, 6), (64, 1, 6), (64, 1, 6), (64, 1, 6), (96, 1, 6), (96, 1, 6),
                (96, 1, 6), (160, 2, 6), (160, 1, 6), (160, 1, 6), (320, 1, 6)]


def _make_divisible(v, divisor):
    new_v = max(divisor, int(v + divisor / 2) // divisor * divisor)
    return new_v + divisor if new_v < 0.9 * v else new_v


def mobilenetv2(b, opts, include_top=True):
    alpha = 1.0 / opts.get("width_divisor", 1)
    x = _input(b, opts)
    rows = x.out_shape[1]
    x = b("Conv2D", x, name="Conv1", filters=_make_divisible(32 * alpha, 8), kernel_size=3,
          strides=(2, 2), padding="same", use_bias=False)
    x = b("BatchNormalization", x, name="bn_Conv1", axis=-1, epsilon=1e-3, momentum=0.999)
    x = b("ReLU", x, name="Conv1_relu", max_value=6.0)
    for block_id, (filters, stride, expansion) in enumerate(_MBV2_BLOCKS):
        x = _inverted_res_block(b, x, expansion, stride, alpha, filters, block_id)
    last = _make_divisible(1280 * alpha, 8) if alpha > 1.0 else 1280
    x = b("Conv2D", x, name="Conv_1", filters=last, kernel_size=1, use_bias=False)
    x = b("BatchNormalization", x, name="Conv_1_bn", axis=-1, epsilon=1e-3, momentum=0.999)
    x = b("ReLU", x, name="out_relu", max_value=6.0)
    if include_top:
        x = b("GlobalAveragePooling2D", x)
        x = b("Dense", x, name="predictions", units=1000, activation="softmax")
    return x, f"mobilenetv2_{alpha:0.2f}_{rows}"


def _inverted_res_block(b, inputs, expansion, stride, alpha, filters, block_id):
    def bn(y, suffix):
        return b("BatchNormalization", y, name=prefix + suffix, axis=-1, epsilon=1e-3,
                 momentum=0.999)
    in_channels = inputs.out_shape[-1]
    pointwise_filters = _make_divisible(int(filters * alpha), 8)
    x, prefix = inputs, f"block_{block_id}_"
    if block_id:
        x = b("Conv2D", x, name=prefix + "expand", filters=expansion * in_channels,
              kernel_size=1, padding="same", use_bias=False, activation=None)
        x = b("ReLU", bn(x, "expand_BN"), name=prefix + "expand_relu", max_value=6.0)
    else:
        prefix = "expanded_conv_"
    if stride == 2:
        x = b("ZeroPadding2D", x, name=prefix + "pad", padding=correct_pad(x, 3))
    x = b("DepthwiseConv2D", x, name=prefix + "depthwise", kernel_size=3, strides=stride,
          activation=None, use_bias=False, padding="same" if stride == 1 else "valid")
    x = b("ReLU", bn(x, "depthwise_BN"), name=prefix + "depthwise_relu", max_value=6.0)
    x = b("Conv2D", x, name=prefix + "project", filters=pointwise_filters, kernel_size=1,
          padding="same", use_bias=False, activation=None)
    x = bn(x, "project_BN")
    if in_channels == pointwise_filters and stride == 1:
        return b("Add", [inputs, x], name=prefix + "add", call="list")
    return x


# ---------------------------------------------------------------------------- EfficientNetB0
# DEFAULT_BLOCKS_ARGS: (kernel_size, repeats, filters_in, filters_out, expand_ratio, strides);
# all with id_skip=True, se_ratio=0.25
_B0_BLOCKS = [(3, 1, 32, 16, 1, 1), (3, 2, 16, 24, 6, 2), (5, 2, 24, 40, 6, 2),
              (3, 3, 40, 80, 6, 2), (5, 3, 80, 112, 6, 1), (5, 4, 112, 192, 6, 2),
              (3, 1, 192, 320, 6, 1)]


def efficientnetb0(b, opts):
    width_coefficient = 1.0 / opts.get("width_divisor", 1)

    def round_filters(filters, divisor=8):
        filters *= width_coefficient
        new_filters = max(divisor, int(filters + divisor / 2) // divisor * divisor)
        return int(new_filters + divisor if new_filters < 0.9 * filters else new_filters)

    x = _input(b, opts)
    x = b("Rescaling", x, scale=1.0 / 255.0)
    x = b("Normalization", x, axis=3)
    x = b("ZeroPadding2D", x, name="stem_conv_pad", padding=correct_pad(x, 3))
    x = b("Conv2D", x, name="stem_conv", filters=round_filters(32), kernel_size=3, strides=2,
          padding="valid", use_bias=False, kernel_initializer=CONV_INIT)
    x = b("BatchNormalization", x, name="stem_bn", axis=3)
    x = b("Activation", x, name="stem_activation", activation="swish")
    done, blocks = 0, float(sum(r for _, r, *_ in _B0_BLOCKS))
    for i, (kernel, repeats, f_in, f_out, expand, strides) in enumerate(_B0_BLOCKS):
        f_in, f_out = round_filters(f_in), round_filters(f_out)
        for j in range(repeats):
            if j > 0:
                strides, f_in = 1, f_out
            # drop_connect_rate (0.2) * b / blocks, evaluated as Keras does
            x = _mb_conv(b, x, 0.2 * done / blocks, f"block{i + 1}{chr(j + 97)}_", f_in, f_out,
                         kernel, strides, expand)
            done += 1
    x = b("Conv2D", x, name="top_conv", filters=round_filters(1280), kernel_size=1,
          padding="same", use_bias=False, kernel_initializer=CONV_INIT)
    x = b("BatchNormalization", x, name="top_bn", axis=3)
    x = b("Activation", x, name="top_activation", activation="swish")
    x = b("GlobalAveragePooling2D", x, name="avg_pool")
    x = b("Dropout", x, name="top_dropout", rate=0.2)
    return b("Dense", x, name="predictions", units=1000, activation="softmax",
             kernel_initializer=DENSE_INIT), "efficientnetb0"


def _mb_conv(b, inputs, drop_rate, name, filters_in, filters_out, kernel_size, strides,
             expand_ratio, se_ratio=0.25):
    """efficientnet.py block()."""
    def conv(y, suffix, filters, **args):
        return b("Conv2D", y, name=name + suffix, filters=filters, kernel_size=1,
                 padding="same", kernel_initializer=CONV_INIT, **args)

    def bn_swish(y, bn, act):
        y = b("BatchNormalization", y, name=name + bn, axis=3)
        return b("Activation", y, name=name + act, activation="swish")
    filters = filters_in * expand_ratio
    x = inputs
    if expand_ratio != 1:
        x = bn_swish(conv(x, "expand_conv", filters, use_bias=False), "expand_bn",
                     "expand_activation")
    if strides == 2:
        x = b("ZeroPadding2D", x, name=name + "dwconv_pad", padding=correct_pad(x, kernel_size))
    x = b("DepthwiseConv2D", x, name=name + "dwconv", kernel_size=kernel_size, strides=strides,
          padding="valid" if strides == 2 else "same", use_bias=False,
          depthwise_initializer=CONV_INIT)
    x = bn_swish(x, "bn", "activation")
    se = b("GlobalAveragePooling2D", x, name=name + "se_squeeze")
    se = b("Reshape", se, name=name + "se_reshape", target_shape=(1, 1, filters))
    se = conv(se, "se_reduce", max(1, int(filters_in * se_ratio)), activation="swish")
    se = conv(se, "se_expand", filters, activation="sigmoid")
    x = b("Multiply", [x, se], name=name + "se_excite", call="list")
    x = b("BatchNormalization", conv(x, "project_conv", filters_out, use_bias=False),
          name=name + "project_bn", axis=3)
    if strides == 1 and filters_in == filters_out:
        if drop_rate > 0:
            x = b("Dropout", x, name=name + "drop", rate=drop_rate, noise_shape=(None, 1, 1, 1))
        x = b("Add", [x, inputs], name=name + "add", call="list")
    return x


# ---------------------------------------------------------------------------- DenseNet121
def densenet121(b, opts):
    stem = "conv1_" if opts["keras3"] else "conv1/"
    growth = _width(32, opts)

    def bn_relu(y, name):
        y = b("BatchNormalization", y, name=name + "bn", axis=3, epsilon=1.001e-5)
        return b("Activation", y, name=name + "relu", activation="relu")
    x = _input(b, opts)
    x = b("ZeroPadding2D", x, padding=((3, 3), (3, 3)))
    x = b("Conv2D", x, name=stem + "conv", filters=_width(64, opts), kernel_size=7, strides=2,
          use_bias=False)
    x = bn_relu(x, stem)
    x = b("ZeroPadding2D", x, padding=((1, 1), (1, 1)))
    x = b("MaxPooling2D", x, name="pool1", pool_size=3, strides=2)
    for stage, blocks in enumerate([6, 12, 24, 16], 2):
        for i in range(1, blocks + 1):   # dense_block -> conv_block
            name = f"conv{stage}_block{i}_"
            y = b("Conv2D", bn_relu(x, name + "0_"), name=name + "1_conv", filters=4 * growth,
                  kernel_size=1, use_bias=False)
            y = b("Conv2D", bn_relu(y, name + "1_"), name=name + "2_conv", filters=growth,
                  kernel_size=3, padding="same", use_bias=False)
            x = b("Concatenate", [x, y], name=name + "concat", call="list", axis=3)
        if stage < 5:                    # transition_block(x, 0.5)
            name = f"pool{stage}_"
            x = b("Conv2D", bn_relu(x, name), name=name + "conv",
                  filters=int(x.out_shape[3] * 0.5), kernel_size=1, use_bias=False)
            x = b("AveragePooling2D", x, name=name + "pool", pool_size=2, strides=2)
    x = b("GlobalAveragePooling2D", bn_relu(x, ""), name="avg_pool")
    return b("Dense", x, name="predictions", units=1000, activation="softmax"), "densenet121"


# ---------------------------------------------------------------------------- registry
# model -> (builder, preprocess_input mode the model expects)
APPLICATIONS = {"resnet50": (resnet50, "caffe"), "mobilenetv2": (mobilenetv2, "tf"),
                "efficientnetb0": (efficientnetb0, "raw"), "densenet121": (densenet121, "torch")}
TRANSFER = "mobilenetv2-transfer"
MODELS = list(APPLICATIONS) + [TRANSFER]


def build(key, api, opts):
    """The ModelSpec of an application model (opts: input_size, width_divisor, keras3)."""
    if opts.get("no_input_layer"):
        raise Refused("--no-input-layer describes a Sequential given input_shape=; "
                      "keras.applications start from layers.Input")
    if key == TRANSFER:
        if api == "functional":
            raise Refused("only the Sequential([base, ...]) form of the transfer model is "
                          "written (a functional wrapper is not implemented)")
        return _transfer(opts)
    if api == "sequential":
        raise Refused(f"model '{key}' is functional (keras.applications); a Sequential "
                      "cannot express it")
    fn, preprocess = APPLICATIONS[key]
    b = Builder()
    output, name = fn(b, opts)
    return _checked(ModelSpec(key, "functional", b.nodes, [output], name=name,
                              preprocess=preprocess))


def _transfer(opts):
    """keras.Sequential([MobileNetV2(input_shape=(h, w, 3), include_top=False, weights=None),
    GlobalAveragePooling2D(), Dropout(0.2), Dense(5, activation="softmax")]), compiled with
    Adam and sparse categorical cross-entropy and fitted (tf_flowers: 92 steps x 10 epochs).
    Sequential.add makes its InputLayer from the base's input shape."""
    inner = Builder()
    output, name = mobilenetv2(inner, opts, include_top=False)
    base = ModelSpec("mobilenetv2", "functional", inner.nodes, [output], name=name)
    b = Builder()
    x = b.add(Node("InputLayer", {"shape": base.inputs[0].args["shape"],
                                  "_from_first_layer": True}))
    x = b.add(Node("Functional", {"model": base}, inputs=[x]))
    x = b("Dropout", b("GlobalAveragePooling2D", x), rate=0.2)
    y = b("Dense", x, units=5, activation="softmax")
    comp = {"loss": "sparse_categorical_crossentropy", "metrics": ["accuracy"],
            "metric_fn": "sparse_categorical_accuracy", "steps": 92 * 10, "loss_value": 0.35,
            "acc_value": 0.88}
    return _checked(ModelSpec(TRANSFER, "sequential", b.nodes, [y], compile=comp,
                              preprocess="tf"))


def _checked(spec):
    """`spec`, unless the input size leaves some layer nothing to work on (Keras would raise
    while building; 32x32 and up leaves at least 1x1 after the five stride-2 stages)."""
    for n in spec.walk():
        if len(n.out_shape) == 4 and min(n.out_shape[1:3]) < 1:
            raise Refused(f"the input size leaves layer {n.name or n.kind} an empty feature map")
    return spec
