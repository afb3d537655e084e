"""The self-check's own reading of Keras layers (check_keras_files.py): from a layer's config
and input shape, the variables its build() creates; the keys saving_lib gives layers in
model.weights.h5. Independent of the writer in keras_writer/."""
import re

WEIGHTED = {"Conv2D", "Conv2DTranspose", "SeparableConv2D", "DepthwiseConv2D", "Dense",
            "BatchNormalization", "PReLU", "Normalization", "ScaleLayer", "LSTM",
            "MultiHeadAttention"}


def keys(classes):
    """snake_case class names with a per-class counter (saving_lib._save_container_state)."""
    used, out = {}, []
    for c in classes:
        s = re.sub(r"([a-z])([A-Z])", r"\1_\2", re.sub(r"(.)([A-Z][a-z]+)", r"\1_\2", c)).lower()
        used[s] = used.get(s, -1) + 1
        out.append(s if used[s] == 0 else f"{s}_{used[s]}")
    return out


def expected(cls, c, shape):
    """([own variable shapes], [(sub-layer, [shapes])]) from a layer config and input shape:
    the checker's own reading of the layers' build()."""
    cls = cls.split(">")[-1]  # legacy configs name a registered class "package>Class"
    if cls not in WEIGHTED:
        return [], []
    cin = shape[1] if c.get("data_format") == "channels_first" else shape[-1]
    bias = [(c.get("filters") or c.get("units"),)] if c.get("use_bias") else []
    if cls in ("Conv2D", "Conv2DTranspose"):
        kh, kw = c["kernel_size"]
        f = c["filters"]
        return [(kh, kw, f, cin) if cls == "Conv2DTranspose" else (kh, kw, cin, f)] + bias, []
    if cls == "SeparableConv2D":
        (kh, kw), dm = c["kernel_size"], c["depth_multiplier"]
        return [(kh, kw, cin, dm), (1, 1, cin * dm, c["filters"])] + bias, []
    if cls == "DepthwiseConv2D":
        (kh, kw), dm = c["kernel_size"], c["depth_multiplier"]
        return [(kh, kw, cin, dm)] + ([(cin * dm,)] if c["use_bias"] else []), []
    if cls == "Dense":
        return [(shape[-1], c["units"])] + bias, []
    if cls == "BatchNormalization":
        return [(cin,)] * (int(c["scale"]) + int(c["center"]) + 2), []
    if cls == "PReLU":
        s = list(shape[1:])
        for ax in c["shared_axes"] or []:
            s[ax - 1] = 1
        return [tuple(s)], []
    if cls == "Normalization":
        return [(cin,), (cin,), ()], []
    if cls == "ScaleLayer":
        return [(cin,)], []
    if cls == "LSTM":
        u = c["units"]
        return [], [("cell", [(shape[-1], 4 * u), (u, 4 * u), (4 * u,)])]
    d, h, kd, vd = shape[-1], c["num_heads"], c["key_dim"], c["value_dim"]
    return [], [("query", [(d, h, kd), (h, kd)]), ("key", [(d, h, kd), (h, kd)]),
                ("value", [(d, h, vd), (h, vd)]), ("output", [(h, vd, d), (d,)]),
                ("softmax", []), ("dropout_layer", [])]


def flat(cls, c, shape):
    own, subs = expected(cls, c, shape)
    return [tuple(s) for s in own + [s for _, ss in subs for s in ss]]


def n_trainable(cls, shapes):
    return len(shapes) - {"BatchNormalization": 2, "Normalization": 3}.get(cls, 0)


def in_shape(entry):
    bc = (entry or {}).get("build_config") or {}
    return bc["shapes_dict"]["query_shape"] if "shapes_dict" in bc else bc.get("input_shape")


def model_layers(entries, functional):
    """`model.layers` from a config's layer list: a Sequential hides its InputLayer."""
    return entries if functional else [e for e in entries if e["class_name"] != "InputLayer"]


def variables(entries, functional, shapes_from):
    """[(layer name, class, [shapes], trainable count)] of a model's layers in model.weights
    order, a nested model's layers in its place; `shapes_from(entry)` gives the input shape."""
    out = []
    for e in model_layers(entries, functional):
        if e["class_name"] == "Functional":
            out += variables(e["config"]["layers"], True, shapes_from)
        else:
            shapes = flat(e["class_name"], e["config"], shapes_from(e))
            out.append((e["config"]["name"], e["class_name"], shapes,
                        n_trainable(e["class_name"], shapes)))
    return out
