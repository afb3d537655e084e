"""The config keys of the layers whose config tf.keras 2 and Keras 3 write alike: the poolings,
paddings, croppings, reshapes and Rescaling (keras/src/layers/pooling/, reshaping/,
preprocessing/rescaling.py get_config in Keras 3; the same keys in tf.keras 2.10 to 2.15)."""


def pair(v):
    return [v, v] if isinstance(v, int) else list(v)


def pad2(p):
    return [[p, p], [p, p]] if isinstance(p, int) else [pair(x) for x in p]


def shape_layer_config(k, a):
    """The layer-specific keys of a layer of kind `k` with arguments `a`, or None for the
    layers whose config differs between the versions."""
    if k in ("MaxPooling2D", "AveragePooling2D"):
        pool = pair(a.get("pool_size", 2))
        return {"pool_size": pool, "padding": a.get("padding", "valid"),
                "strides": pair(a["strides"]) if a.get("strides") else pool,
                "data_format": a.get("data_format") or "channels_last"}
    if k in ("GlobalAveragePooling2D", "GlobalMaxPooling2D", "GlobalAveragePooling1D"):
        return {"data_format": "channels_last", "keepdims": a.get("keepdims", False)}
    if k == "ZeroPadding2D":
        return {"padding": pad2(a["padding"]), "data_format": "channels_last"}
    if k == "Cropping2D":
        return {"cropping": pad2(a["cropping"]), "data_format": "channels_last"}
    if k == "UpSampling2D":
        return {"size": pair(a.get("size", 2)), "data_format": "channels_last",
                "interpolation": a.get("interpolation", "nearest")}
    if k == "Flatten":
        return {"data_format": a.get("data_format") or "channels_last"}
    if k == "Reshape":
        return {"target_shape": list(a["target_shape"])}
    if k == "Rescaling":
        return {"scale": a["scale"], "offset": a.get("offset", 0.0)}
    return None
