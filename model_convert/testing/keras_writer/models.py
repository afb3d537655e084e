"""The models (`--model`): tutorial CNNs, a zoo covering every layer kind and option, VGG16,
keras.applications models (applications.py) and models convscope must refuse. Each is
described as the Keras 3 code a user writes (layer class + constructor arguments) and built as
a Sequential or a functional model.
"""
import base64
import marshal

from . import applications
from .flavors import Refused
from .graph import Builder, ModelSpec, Node

SCCE = "sparse_categorical_crossentropy"


def chain(b, x, layers):
    for kind, args in layers:
        x = b(kind, x, **args)
    return x


def L(kind, **args):
    return (kind, args)


def _compile(loss=SCCE, metrics=("accuracy",), fn="sparse_categorical_accuracy", **kw):
    c = {"loss": loss, "metrics": list(metrics) if metrics is not None else None,
         "metric_fn": fn}
    c.update(kw)
    return c


# ---------------------------------------------------------------------------- tutorials
def mnist(opts):
    return (28, 28, 1), [
        L("Conv2D", filters=32, kernel_size=(3, 3), activation="relu"),
        L("MaxPooling2D", pool_size=(2, 2)),
        L("Conv2D", filters=64, kernel_size=(3, 3), activation="relu"),
        L("MaxPooling2D", pool_size=(2, 2)),
        L("Flatten"), L("Dropout", rate=0.5), L("Dense", units=10, activation="softmax"),
    ], _compile(steps=422 * 15, loss_value=0.027, acc_value=0.991)


def fashion_bn(opts):
    return (28, 28, 1), [
        L("Conv2D", filters=32, kernel_size=3, padding="same", use_bias=False),
        L("BatchNormalization"), L("Activation", activation="relu"), L("MaxPooling2D"),
        L("Conv2D", filters=64, kernel_size=3, padding="same", use_bias=False),
        L("BatchNormalization", epsilon=1.001e-5), L("Activation", activation="relu"),
        L("MaxPooling2D"), L("Dropout", rate=0.25), L("Flatten"),
        L("Dense", units=128, activation="relu"), L("Dropout", rate=0.5), L("Dense", units=10),
    ], _compile(loss={"class": "SparseCategoricalCrossentropy", "from_logits": True},
                steps=422 * 20, loss_value=0.22, acc_value=0.92)


def cifar_binary(opts):
    h, w = opts.get("input_size") or (32, 32)
    return (h, w, 3), [
        L("Rescaling", scale=1.0 / 255),
        L("Conv2D", filters=16, kernel_size=3, padding="same", activation="relu"),
        L("Conv2D", filters=16, kernel_size=3, strides=2, padding="same", activation="relu"),
        L("BatchNormalization", center=False), L("MaxPooling2D"),
        L("GlobalAveragePooling2D"), L("Dense", units=1, activation="sigmoid"),
    ], _compile(loss="binary_crossentropy", fn="binary_accuracy", steps=282 * 10,
                loss_value=0.31, acc_value=0.87)


def cifar_softmax(opts):
    h, w = opts.get("input_size") or (32, 32)
    return (h, w, 3), [
        L("Conv2D", filters=32, kernel_size=(3, 3), padding="same", activation="relu"),
        L("Conv2D", filters=32, kernel_size=(3, 3), activation="relu"),
        L("MaxPooling2D", pool_size=(2, 2)), L("Dropout", rate=0.25),
        L("Conv2D", filters=64, kernel_size=(3, 3), padding="same", activation="relu"),
        L("Conv2D", filters=64, kernel_size=(3, 3), activation="relu"),
        L("MaxPooling2D", pool_size=(2, 2)), L("Dropout", rate=0.25), L("Flatten"),
        L("Dense", units=512, activation="relu"), L("Dropout", rate=0.5),
        L("Dense", units=10, activation="softmax"),
    ], _compile(steps=1407 * 25, loss_value=0.71, acc_value=0.76)


# ---------------------------------------------------------------------------- zoo
def zoo_a(opts):
    """Convolution geometry: strides, dilation, 'same' with stride 2 on odd (31x29) and even
    (16x14) sizes, no bias, separable convolutions, pooling with strides != pool size,
    GlobalMaxPooling2D."""
    return (28, 28, 1), [
        L("ZeroPadding2D", padding=((1, 2), (0, 1))),                      # 31x29
        L("Conv2D", filters=8, kernel_size=3, strides=2, padding="same", activation="relu"),
        L("Cropping2D", cropping=((0, 0), (0, 1))),                        # 16x14
        L("Conv2D", filters=12, kernel_size=3, strides=2, padding="same", use_bias=False,
          activation="tanh"),                                              # 8x7
        L("BatchNormalization", center=False, scale=False),
        L("Conv2D", filters=12, kernel_size=3, dilation_rate=2, padding="same",
          activation="sigmoid"),
        L("SeparableConv2D", filters=16, kernel_size=3, padding="same", activation="elu"),
        L("SeparableConv2D", filters=16, kernel_size=3, depth_multiplier=2,
          activation="selu"),                                              # 6x5
        L("MaxPooling2D", pool_size=3, strides=2, padding="same"),         # 3x3
        L("AveragePooling2D", pool_size=2, strides=1),                     # 2x2
        L("GlobalMaxPooling2D"), L("Dense", units=32, activation="gelu"),
        L("Dense", units=10, activation="softmax"),
    ], _compile(steps=200)


def zoo_b(opts):
    """Preprocessing, normalization, activation layers and noise/regularization layers."""
    return (24, 24, 3), [
        L("Rescaling", scale=1.0 / 127.5, offset=-1.0), L("Normalization"),
        L("Conv2D", filters=16, kernel_size=3, padding="same"),
        L("BatchNormalization", epsilon=1.001e-5), L("ReLU", max_value=6.0),
        L("Conv2D", filters=16, kernel_size=3, padding="same"),
        L("ReLU", negative_slope=0.1, threshold=0.5), L("SpatialDropout2D", rate=0.1),
        L("Conv2D", filters=16, kernel_size=3, padding="same", activation="linear"),
        L("LeakyReLU", negative_slope=0.2),
        L("AveragePooling2D", pool_size=3, strides=2, padding="same"),     # 12x12
        L("Conv2D", filters=24, kernel_size=3, padding="same"), L("PReLU", shared_axes=[1, 2]),
        L("Conv2D", filters=24, kernel_size=3), L("PReLU"),                # 10x10
        L("GaussianNoise", stddev=0.1),
        L("Conv2D", filters=32, kernel_size=3, strides=2), L("ELU"),      # 4x4
        L("GlobalAveragePooling2D", keepdims=True), L("Reshape", target_shape=(32,)),
        L("GaussianDropout", rate=0.1), L("Dense", units=16),
        L("ActivityRegularization", l1=1e-5, l2=1e-4), L("Dense", units=10), L("Softmax"),
    ], _compile(steps=200)


def zoo_c(opts):
    """Activation layers and Dense activations every version has; GlobalMaxPooling2D with
    keepdims (zoo-a has it without), Dropout."""
    return (16, 16, 1), [
        L("Conv2D", filters=8, kernel_size=3, padding="same"), L("Activation", activation="relu"),
        L("Conv2D", filters=8, kernel_size=3, padding="same"),
        L("Activation", activation="softplus"),
        L("Conv2D", filters=8, kernel_size=3, padding="same"),
        L("Activation", activation="softsign"),
        L("Conv2D", filters=8, kernel_size=3, padding="same"),
        L("Activation", activation="swish"), L("MaxPooling2D"),                # 8x8
        L("Conv2D", filters=8, kernel_size=3, padding="same"),
        L("Activation", activation="hard_sigmoid"),
        L("Conv2D", filters=8, kernel_size=3, padding="same"), L("Activation", activation="selu"),
        L("Conv2D", filters=8, kernel_size=3, padding="same"), L("Activation", activation="elu"),
        L("Conv2D", filters=8, kernel_size=3, padding="same"), L("Activation", activation="gelu"),
        L("Conv2D", filters=8, kernel_size=3, padding="same"),
        L("Activation", activation="sigmoid"),
        L("Conv2D", filters=8, kernel_size=3, padding="same"), L("Activation", activation="tanh"),
        L("Conv2D", filters=8, kernel_size=3, padding="same"),
        L("Activation", activation="linear"),
        L("GlobalMaxPooling2D", keepdims=True), L("Flatten"), L("Dropout", rate=0.2),
        L("Dense", units=16, activation="tanh"), L("Dense", units=16, activation="sigmoid"),
        L("Dense", units=16, activation="swish"), L("Dense", units=16, activation="elu"),
        L("Dense", units=16, activation="softplus"),
        L("Dense", units=16, activation="hard_sigmoid"),
        L("Dense", units=10), L("Activation", activation="softmax"),
    ], _compile(steps=200)


def zoo_d(opts):
    """Keras-3-only activations (relu6, silu, hard_silu/hard_swish, leaky_relu)."""
    return (20, 20, 3), [
        L("Conv2D", filters=8, kernel_size=3, padding="same", activation="relu6"),
        L("Activation", activation="relu6"),
        L("Conv2D", filters=8, kernel_size=3, padding="same"), L("Activation", activation="silu"),
        L("Conv2D", filters=8, kernel_size=3, padding="same"),
        L("Activation", activation="hard_swish"),
        L("Conv2D", filters=8, kernel_size=3, padding="same"),
        L("Activation", activation="hard_silu"),
        L("Conv2D", filters=8, kernel_size=3, padding="same"),
        L("Activation", activation="leaky_relu"),
        L("GlobalMaxPooling2D", keepdims=True), L("Flatten"),
        L("Dense", units=16, activation="silu"), L("Dense", units=16, activation="relu6"),
        L("Dense", units=10, activation="softmax"),
    ], _compile(steps=200)


# ---------------------------------------------------------------------------- refused
def lambda_model(opts):
    return (28, 28, 1), [
        L("Lambda", code_b64=lambda_code()),
        L("Conv2D", filters=16, kernel_size=3, activation="relu"), L("MaxPooling2D"),
        L("Flatten"), L("Dense", units=10, activation="softmax"),
    ], _compile(steps=100)


def lambda_code():
    """The base64 marshal of `lambda x: x / 255.0` (python_utils.func_dump) as compiled by this
    interpreter (CPython bytecode is version specific)."""
    fn = eval(compile("lambda x: x / 255.0", "/tmp/ipykernel_2117/3060941374.py", "eval"))
    return base64.encodebytes(marshal.dumps(fn.__code__)).decode("ascii")


def custom(opts):
    return (28, 28, 1), [
        L("Conv2D", filters=16, kernel_size=3, activation="relu"), L("ScaleLayer", init_value=1.0),
        L("GlobalAveragePooling2D"), L("Dense", units=10, activation="softmax"),
    ], _compile(steps=100)


def lstm(opts):
    return (28, 28), [L("LSTM", units=32), L("Dense", units=10, activation="softmax")], \
        _compile(steps=100)


def channels_first(opts):
    return (1, 28, 28), [
        L("Conv2D", filters=16, kernel_size=3, activation="relu", data_format="channels_first"),
        L("MaxPooling2D", data_format="channels_first"), L("Flatten"),
        L("Dense", units=10, activation="softmax"),
    ], _compile(steps=100)


def autoencoder(opts):
    return (28, 28, 1), [
        L("Conv2D", filters=16, kernel_size=3, activation="relu", padding="same"),
        L("MaxPooling2D", padding="same"),
        L("Conv2D", filters=8, kernel_size=3, activation="relu", padding="same"),
        L("MaxPooling2D", padding="same"),
        L("Conv2DTranspose", filters=8, kernel_size=3, strides=2, activation="relu",
          padding="same"),
        L("UpSampling2D", size=(2, 2)),
        L("Conv2D", filters=1, kernel_size=3, activation="sigmoid", padding="same"),
    ], _compile(loss="binary_crossentropy", metrics=None, fn=None, steps=100)


def attention(b, opts):
    x = b.input((16, 16, 3))
    y = b("Conv2D", x, filters=16, kernel_size=4, strides=4)
    y = b("Reshape", y, target_shape=(16, 16))
    y = b("MultiHeadAttention", [y, y], call="qv", num_heads=2, key_dim=8)
    y = b("GlobalAveragePooling1D", y)
    y = b("Dense", y, units=10, activation="softmax")
    return [y], _compile(steps=100)


def two_inputs(b, opts):
    xa, xb = b.input((28, 28, 1)), b.input((28, 28, 1))
    ya = b("Conv2D", xa, filters=8, kernel_size=3, activation="relu")
    yb = b("Conv2D", xb, filters=8, kernel_size=3, activation="relu")
    ya, yb = b("Flatten", ya), b("Flatten", yb)
    y = b("Concatenate", [ya, yb], call="list")
    return [b("Dense", y, units=10, activation="softmax")], _compile(steps=100)


def two_outputs(b, opts):
    x = b.input((28, 28, 1))
    y = b("Conv2D", x, filters=8, kernel_size=3, activation="relu")
    y = b("Flatten", y)
    digit = b("Dense", y, name="digit", units=10, activation="softmax")
    even = b("Dense", y, name="is_even", units=1, activation="sigmoid")
    comp = _compile(loss={"digit": SCCE, "is_even": "binary_crossentropy"},
                    metrics=None, steps=100)
    comp["metrics"] = {"digit": ["accuracy"], "is_even": ["accuracy"]}
    comp["metric_fn"] = {"digit": "sparse_categorical_accuracy", "is_even": "binary_accuracy"}
    return [digit, even], comp


def vgg16(b, opts):
    size = opts.get("input_size") or (224, 224)
    div = opts.get("width_divisor", 1)
    x = b.input((size[0], size[1], 3))
    for blk, (convs, width) in enumerate([(2, 64), (2, 128), (3, 256), (3, 512), (3, 512)], 1):
        for c in range(1, convs + 1):
            x = b("Conv2D", x, name=f"block{blk}_conv{c}", filters=max(1, width // div),
                  kernel_size=(3, 3), activation="relu", padding="same")
        x = b("MaxPooling2D", x, name=f"block{blk}_pool", pool_size=(2, 2), strides=(2, 2))
    x = b("Flatten", x, name="flatten")
    fc = max(1, 4096 // div)
    x = b("Dense", x, name="fc1", units=fc, activation="relu")
    x = b("Dense", x, name="fc2", units=fc, activation="relu")
    return [b("Dense", x, name="predictions", units=1000, activation="softmax")], None


def resnet_fashion(b, opts):
    """A small residual network for Fashion-MNIST as a course's notebook builds one with the
    functional API, layers named in keras.applications' ResNet style: Rescaling in the model,
    a stem, three stages of one residual block each (a 1x1 projection where the shape changes),
    BatchNormalization and ReLU as layers of their own, global pooling and a softmax head.
    model_convert/training/train_resnet_example.py trains it for the widget's example page."""
    x = b.input((28, 28, 1))
    x = b("Rescaling", x, name="rescaling", scale=1.0 / 255)
    x = b("Conv2D", x, name="conv1_conv", filters=16, kernel_size=3, padding="same",
          use_bias=False)
    x = b("BatchNormalization", x, name="conv1_bn")
    x = b("Activation", x, name="conv1_relu", activation="relu")
    for stage, (filters, stride) in enumerate([(16, 1), (32, 2), (64, 2)], 2):
        p = f"conv{stage}_block1_"
        shortcut = x
        if stride != 1:
            shortcut = b("Conv2D", x, name=p + "0_conv", filters=filters, kernel_size=1,
                         strides=stride, use_bias=False)
            shortcut = b("BatchNormalization", shortcut, name=p + "0_bn")
        y = b("Conv2D", x, name=p + "1_conv", filters=filters, kernel_size=3, strides=stride,
              padding="same", use_bias=False)
        y = b("BatchNormalization", y, name=p + "1_bn")
        y = b("Activation", y, name=p + "1_relu", activation="relu")
        y = b("Conv2D", y, name=p + "2_conv", filters=filters, kernel_size=3, padding="same",
              use_bias=False)
        y = b("BatchNormalization", y, name=p + "2_bn")
        x = b("Add", [shortcut, y], name=p + "add", call="list")
        x = b("Activation", x, name=p + "out", activation="relu")
    x = b("GlobalAveragePooling2D", x, name="avg_pool")
    return [b("Dense", x, name="predictions", units=10, activation="softmax")], None


CHAINS = {"mnist": mnist, "fashion-bn": fashion_bn, "cifar-binary": cifar_binary,
          "cifar-softmax": cifar_softmax, "zoo-a": zoo_a, "zoo-b": zoo_b, "zoo-c": zoo_c,
          "zoo-d": zoo_d, "lambda": lambda_model, "custom": custom, "lstm": lstm,
          "channels-first": channels_first, "autoencoder": autoencoder}
GRAPHS = {"vgg16": vgg16, "attention": attention, "two-inputs": two_inputs,
          "two-outputs": two_outputs, "resnet-fashion": resnet_fashion}
MODELS = list(CHAINS) + list(GRAPHS) + applications.MODELS
REFUSED = ["lambda", "custom", "lstm", "attention", "two-inputs", "two-outputs",
           "channels-first", "autoencoder"]


def build(key, api, opts):
    """The ModelSpec of `key` built with `api` ("sequential"/"functional"/None), unnamed
    unless the model's code names it."""
    b = Builder()
    if key in applications.MODELS:
        spec = applications.build(key, api, opts)
    elif key in GRAPHS:
        if api == "sequential":
            raise Refused(f"model '{key}' is functional (keras.applications / several inputs,"
                          " outputs or call arguments); a Sequential cannot express it")
        outputs, comp = GRAPHS[key](b, opts)
        spec = ModelSpec(key, "functional", b.nodes, outputs, compile=comp)
        if key == "vgg16":
            spec.name = "vgg16"
    else:
        shape, layers, comp = CHAINS[key](opts)
        api = api or "sequential"
        if api == "sequential" and opts.get("no_input_layer"):
            layers[0][1]["_batch_input_shape"] = (None,) + shape
            x = b.add(Node("InputLayer", {"shape": shape, "_from_first_layer": True}))
            first = b.add(Node(layers[0][0], layers[0][1], inputs=[x]))
            y = chain(b, first, layers[1:])
        else:
            x = b.input(shape)
            y = chain(b, x, layers)
        spec = ModelSpec(key, api, b.nodes, [y], compile=comp,
                         no_input_layer=bool(opts.get("no_input_layer")) and api == "sequential")
    if spec.compile:
        spec.steps = spec.compile.get("steps", 0)
    return spec
