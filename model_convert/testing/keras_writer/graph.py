"""A model as a graph of layer calls, with the shapes and variables Keras gives each layer.

Layers are described with the constructor arguments a user passes in Keras 3 (`args`); the
config writers (config_k3.py, config_k2.py) turn them into each version's get_config(). Shapes
follow the layers' compute_output_shape (channels_last unless data_format says otherwise);
variables follow each layer's build() in the order Layer.save_own_variables and
`layer.weights` list them (trainable first, then non-trainable).
"""
import math
from dataclasses import dataclass, field


@dataclass
class Var:
    name: str              # the variable's name inside its layer ("kernel", "moving_mean")
    shape: tuple
    trainable: bool = True
    dtype: str = "float32"
    init: str = "he"       # how weights.py fills it
    k2_name: str = None    # tf.keras' name when it differs (DepthwiseConv2D "depthwise_kernel")


@dataclass
class Sub:
    """A sub-layer that owns variables (LSTMCell inside LSTM, EinsumDense inside MHA)."""
    attr: str              # attribute of the parent layer holding it
    cls: str
    name: str
    vars: list


@dataclass(eq=False)
class Node:
    kind: str                          # Keras class name ("Functional": a nested model,
    args: dict = field(default_factory=dict)     # args["model"] its ModelSpec)
    name: str = None                   # explicit name (else auto-named per flavor)
    inputs: list = field(default_factory=list)   # upstream Nodes (call order of arguments)
    call: str = "single"               # "single" | "list" (merge layers) | "qv" (query, value)
    # Filled by infer() and build.assign_names():
    in_shapes: list = None
    out_shape: tuple = None
    vars: list = None
    subs: list = None
    sub_names: dict = None             # auto-named sub-layers (MHA's softmax and dropout)

    @property
    def in_shape(self):
        return self.in_shapes[0]


@dataclass
class ModelSpec:
    key: str
    api: str                           # "sequential" | "functional"
    nodes: list                        # every layer in creation (= call) order, inputs first
    outputs: list                      # output Nodes
    name: str = None                   # explicit model name
    compile: dict = None               # see training.py
    steps: int = 0                     # optimizer iterations after training
    no_input_layer: bool = False       # Sequential built from the first layer's input_shape
    custom_objects: tuple = ()
    preprocess: str = None             # keras.applications preprocess_input mode the model
                                       # expects; set: BatchNormalization statistics are
                                       # calibrated on pictures (calibrate.py)

    @property
    def inputs(self):
        return [n for n in self.nodes if n.kind == "InputLayer"]

    def walk(self):
        """Every node, those of nested models right after the node that holds them."""
        for n in self.nodes:
            yield n
            if n.kind == "Functional":
                yield from n.args["model"].walk()


class Builder:
    """Records layer calls like the Keras functional API; shapes are known at once, as the
    keras.applications code reads them while building (correct_pad, `x.shape[-1]`)."""

    def __init__(self):
        self.nodes = []

    def input(self, shape, name=None):
        return self.add(Node("InputLayer", {"shape": tuple(shape)}, name))

    def __call__(self, kind, x, name=None, call="single", **args):
        inputs = x if isinstance(x, (list, tuple)) else [x]
        return self.add(Node(kind, args, name, list(inputs), call))

    def add(self, n):
        n.in_shapes = [i.out_shape for i in n.inputs] or [None]
        n.out_shape = out_shape(n)
        self.nodes.append(n)
        return n


def pair(v):
    return (v, v) if isinstance(v, int) else tuple(v)


def _conv_len(n, k, s, d, padding):
    if n is None:
        return None
    if padding == "same":
        return -(-n // s)
    return (n - ((k - 1) * d + 1)) // s + 1


def _pool_len(n, p, s, padding):
    if n is None:
        return None
    if padding == "same":
        return -(-n // s)
    return (n - p) // s + 1


def _spatial(shape, args):
    """(h, w, c, channels_first?) of an image tensor shape (batch dim included)."""
    if args.get("data_format") == "channels_first":
        return shape[2], shape[3], shape[1], True
    return shape[1], shape[2], shape[3], False


def _image(h, w, c, cf):
    return (None, c, h, w) if cf else (None, h, w, c)


def out_shape(node):
    """compute_output_shape of `node` from node.in_shapes."""
    a, k = node.args, node.kind
    s = node.in_shape
    if k == "InputLayer":
        return (None,) + tuple(a["shape"])
    if k == "Functional":
        return a["model"].outputs[0].out_shape
    if k in ("Conv2D", "SeparableConv2D", "DepthwiseConv2D"):
        h, w, c, cf = _spatial(s, a)
        kh, kw = pair(a["kernel_size"])
        sh, sw = pair(a.get("strides", 1))
        dh, dw = pair(a.get("dilation_rate", 1))
        pad = a.get("padding", "valid")
        f = c * a.get("depth_multiplier", 1) if k == "DepthwiseConv2D" else a["filters"]
        return _image(_conv_len(h, kh, sh, dh, pad), _conv_len(w, kw, sw, dw, pad), f, cf)
    if k == "Conv2DTranspose":
        h, w, _, cf = _spatial(s, a)
        kh, kw = pair(a["kernel_size"])
        sh, sw = pair(a.get("strides", 1))
        if a.get("padding", "valid") == "same":
            return _image(h * sh, w * sw, a["filters"], cf)
        return _image((h - 1) * sh + kh, (w - 1) * sw + kw, a["filters"], cf)
    if k in ("MaxPooling2D", "AveragePooling2D"):
        h, w, c, cf = _spatial(s, a)
        ph, pw = pair(a.get("pool_size", 2))
        sh, sw = pair(a.get("strides") or a.get("pool_size", 2))
        pad = a.get("padding", "valid")
        return _image(_pool_len(h, ph, sh, pad), _pool_len(w, pw, sw, pad), c, cf)
    if k in ("GlobalAveragePooling2D", "GlobalMaxPooling2D"):
        _, _, c, cf = _spatial(s, a)
        if a.get("keepdims"):
            return _image(1, 1, c, cf)
        return (None, c)
    if k == "GlobalAveragePooling1D":
        return (None, s[2])
    if k == "ZeroPadding2D":
        (t, b), (l, r) = [pair(p) for p in a["padding"]]
        return (None, s[1] + t + b, s[2] + l + r, s[3])
    if k == "Cropping2D":
        (t, b), (l, r) = [pair(p) for p in a["cropping"]]
        return (None, s[1] - t - b, s[2] - l - r, s[3])
    if k == "UpSampling2D":
        fh, fw = pair(a.get("size", 2))
        return (None, s[1] * fh, s[2] * fw, s[3])
    if k == "Flatten":
        return (None, math.prod(s[1:]))
    if k == "Reshape":
        return (None,) + tuple(a["target_shape"])
    if k == "Dense":
        return s[:-1] + (a["units"],)
    if k == "LSTM":
        return (None, a["units"])
    if k == "MultiHeadAttention":
        return s
    if k == "Concatenate":
        return s[:-1] + (sum(x[-1] for x in node.in_shapes),)
    return s  # element-wise layers


def _he(shape):
    return Var("kernel", shape)


def variables(node):
    """(own variables, sub-layers) of a built layer, in save order."""
    a, k, s = node.args, node.kind, node.in_shape
    if k in ("Conv2D", "Conv2DTranspose"):
        _, _, cin, _ = _spatial(s, a)
        kh, kw = pair(a["kernel_size"])
        f = a["filters"]
        shape = (kh, kw, f, cin) if k == "Conv2DTranspose" else (kh, kw, cin, f)
        vs = [Var("kernel", shape)]
        if a.get("use_bias", True):
            vs.append(Var("bias", (f,), init="bias"))
        return vs, []
    if k == "DepthwiseConv2D":
        _, _, cin, _ = _spatial(s, a)
        kh, kw = pair(a["kernel_size"])
        dm = a.get("depth_multiplier", 1)
        vs = [Var("kernel", (kh, kw, cin, dm), init="depthwise", k2_name="depthwise_kernel")]
        if a.get("use_bias", True):
            vs.append(Var("bias", (cin * dm,), init="bias"))
        return vs, []
    if k == "SeparableConv2D":
        _, _, cin, _ = _spatial(s, a)
        kh, kw = pair(a["kernel_size"])
        dm = a.get("depth_multiplier", 1)
        vs = [Var("depthwise_kernel", (kh, kw, cin, dm)),
              Var("pointwise_kernel", (1, 1, cin * dm, a["filters"]))]
        if a.get("use_bias", True):
            vs.append(Var("bias", (a["filters"],), init="bias"))
        return vs, []
    if k == "Dense":
        vs = [Var("kernel", (s[-1], a["units"]))]
        if a.get("use_bias", True):
            vs.append(Var("bias", (a["units"],), init="bias"))
        return vs, []
    if k == "BatchNormalization":
        c = s[-1]
        vs = []
        if a.get("scale", True):
            vs.append(Var("gamma", (c,), init="gamma"))
        if a.get("center", True):
            vs.append(Var("beta", (c,), init="beta"))
        vs += [Var("moving_mean", (c,), False, init="moving_mean"),
               Var("moving_variance", (c,), False, init="moving_variance")]
        return vs, []
    if k == "PReLU":
        shape = list(s[1:])
        for ax in a.get("shared_axes") or []:
            shape[ax - 1] = 1
        return [Var("alpha", tuple(shape), init="alpha")], []
    if k == "Normalization":
        c = s[-1]
        return [Var("mean", (c,), False, init="adapt_mean"),
                Var("variance", (c,), False, init="adapt_variance"),
                Var("count", (), False, dtype="int64", init="count")], []
    if k == "ScaleLayer":  # the registered custom layer of the `custom` model
        return [Var("scale", (s[-1],), init="gamma")], []
    if k == "LSTM":
        u, d = a["units"], s[-1]
        return [], [Sub("cell", "LSTMCell", "lstm_cell", [
            Var("kernel", (d, 4 * u)), Var("recurrent_kernel", (u, 4 * u)),
            Var("bias", (4 * u,), init="bias")])]
    if k == "MultiHeadAttention":
        d, h, kd = s[-1], a["num_heads"], a["key_dim"]
        vd = a.get("value_dim") or kd

        def dense(attr, name, kshape, bshape):
            return Sub(attr, "EinsumDense", name,
                       [Var("kernel", kshape), Var("bias", bshape, init="bias")])
        return [], [dense("_query_dense", "query", (d, h, kd), (h, kd)),
                    dense("_key_dense", "key", (d, h, kd), (h, kd)),
                    dense("_value_dense", "value", (d, h, vd), (h, vd)),
                    dense("_output_dense", "attention_output", (h, vd, d), (d,))]
    return [], []


def infer(spec):
    """Fills in_shapes, out_shape, vars and subs of every node (nodes are in call order). A
    nested model's variables stay with its own nodes."""
    for n in spec.nodes:
        if n.kind == "Functional":
            infer(n.args["model"])
        n.in_shapes = [] if n.kind == "InputLayer" else [i.out_shape for i in n.inputs]
        if n.kind == "InputLayer":
            n.in_shapes = [None]
        n.out_shape = out_shape(n)
        n.vars, n.subs = variables(n) if n.kind != "InputLayer" else ([], [])
    return spec


def all_vars(node):
    """Every variable of a layer with its path below the layer: [(path, Var)], in the order
    `layer.weights` lists them (own variables, then sub-layers' in tracking order)."""
    out = [((v.name,), v) for v in node.vars]
    for sub in node.subs:
        out += [((sub.name, v.name), v) for v in sub.vars]
    trainable = [x for x in out if x[1].trainable]
    return trainable + [x for x in out if not x[1].trainable]

