"""Builds a model for one format and writes it: names, shapes, configs, weights, faults."""
import math
import random

from . import calibrate, keras_zip, legacy_h5, serialize, training, weights
from .flavors import Refused
from .graph import infer
from .models import build
from .naming import CountingAllocator, NameAllocator, to_snake_case


def _allocate(spec, flavor, alloc):
    k3 = flavor.k3
    for n in spec.nodes:
        if n.kind == "InputLayer":
            if n.args.get("_from_first_layer"):
                continue  # named after the first layer below
            n.name = n.name or (alloc.zero_based("input_layer") if k3 else alloc.one_based("input"))
            continue
        if n.kind == "Functional":  # built (and so named) before the model that holds it
            _allocate(n.args["model"], flavor, alloc)
            n.name = n.args["model"].name
            continue
        n.name = n.name or alloc.zero_based(to_snake_case(n.kind))
        if n.kind == "LSTM":  # explicit name="lstm_cell" except in tf.keras 2.10's LSTM
            cell = "lstm_cell" if (k3 or flavor.at_least(2, 13)) else alloc.zero_based("lstm_cell")
            n.sub_names = {"cell": cell}
        if n.kind == "MultiHeadAttention":  # Softmax and Dropout made in _build_attention
            n.sub_names = {"softmax": alloc.zero_based("softmax"),
                           "dropout": alloc.zero_based("dropout")}
    for n in spec.nodes:
        if n.kind == "InputLayer" and n.args.get("_from_first_layer"):
            first = next(m for m in spec.nodes if n in m.inputs)
            # k3: Sequential.add makes InputLayer(shape=...) -> auto name; tf.keras:
            # Input(batch_shape, name=layer.name + "_input") (engine/sequential.py add)
            n.name = alloc.zero_based("input_layer") if k3 else first.name + "_input"
    if spec.name is None:
        base = "sequential" if spec.api == "sequential" else ("functional" if k3 else "model")
        spec.name = alloc.zero_based(base)


def assign_names(spec, flavor, reruns):
    specs = [spec] + [n.args["model"] for n in spec.walk() if n.kind == "Functional"]
    saved = [(n, n.name) for n in spec.walk()] + [(s, s.name) for s in specs]
    counter = CountingAllocator()
    _allocate(spec, flavor, counter)
    for x, nm in saved:
        x.name = nm
    _allocate(spec, flavor, NameAllocator(reruns, counter.result()))


def _lstm_cell_path(spec):
    for n in spec.walk():
        if n.kind == "LSTM":
            n.subs[0].name = n.sub_names["cell"]


class Result:
    pass


def make(path, flavor, model, api=None, seed=1, name=None, reruns=0, opts=None, fault=None,
         date=None, branch="auto", values=None):
    """Writes `model` to `path` in `flavor`'s format; returns the spec, config and counts.
    `values`: {layer name: {variable name: array}}, trained weights to write instead of the
    generated ones."""
    opts = dict(opts or {})
    if opts.get("no_input_layer") and api == "functional":
        raise Refused("--no-input-layer describes a Sequential model; a functional model "
                      "always starts from keras.Input")
    spec = build(model, api, {**opts, "keras3": flavor.k3})
    infer(spec)
    if name:
        spec.name = name
    assign_names(spec, flavor, reruns)
    _lstm_cell_path(spec)

    fills = weights.layer_fills(spec, flavor.family)
    for n, items in fills.items() if values else ():
        for _, v, fill in items:
            fill.value = values[n.name][v.name]
    if spec.preprocess:
        calibrate.calibrate(spec, fills, seed)
    if fault in ("wrong-shape", "nan-weight"):  # the first layer's first variable
        fill = fills[_first_weighted_node(spec, fills)][0][2]
        if fault == "wrong-shape":
            fill.shape = fill.shape[:-1] + (fill.shape[-1] + 1,)
        else:
            fill.nan_at = 1

    shared_id = 0x7F00_0000_0000 + random.Random(seed).randrange(1 << 24) * 16
    dropped = ()
    if fault == "config-names-missing-layer":
        dropped = (_first_weighted_node(spec, fills).name,)
    written = [(v, f) for n in serialize.model_layers(spec) if n.name not in dropped
               for _, v, f in fills[n]]
    if flavor.container == "keras":
        config = serialize.model_config_k3(spec, flavor, shared_id) if flavor.k3 else \
            serialize.model_config_k2(spec, flavor, new_format=True)
        trainable_shapes = legacy_h5.trainable_paths(spec, flavor, fills)
        plan = (keras_zip.plan_k3 if flavor.k3 else keras_zip.plan_k2)(
            spec, flavor, fills, trainable_shapes, dropped)
        total_bytes = sum(f.size * 4 for n in serialize.model_layers(spec)
                          for _, _, f in fills[n])
        keras_zip.write_keras(path, spec, flavor, plan, seed, config, date, branch,
                              total_bytes)
    else:
        config = serialize.model_config_k3(spec, flavor, shared_id, legacy=True) if flavor.k3 \
            else serialize.model_config_k2(spec, flavor, new_format=False)
        legacy_h5.write_h5(path, spec, flavor, seed, fills, config, dropped)

    r = Result()
    r.spec, r.config = spec, config
    r.params = sum(f.size for _, f in written)   # counted from the arrays written
    r.trainable = sum(f.size for v, f in written if v.trainable)
    r.layers = serialize.config_layers(spec)
    r.optimizer = _summary_optimizer(spec, flavor, fills)
    return r


def _summary_optimizer(spec, flavor, fills):
    """{params, bytes} of the optimizer's variables as Keras 3's model.summary() counts them
    after loading the file (Trainer.compile_from_config builds the optimizer), or None: not
    compiled, or tf.keras 2, whose summary has no such line."""
    if not flavor.k3 or spec.compile is None:
        return None
    slots = training.optimizer_slots(spec, flavor, legacy_h5.trainable_paths(spec, flavor, fills))
    sizes = [(math.prod(shape), 8 if dtype == "int64" else 4) for _, shape, dtype, _ in slots]
    return {"params": sum(n for n, _ in sizes), "bytes": sum(n * b for n, b in sizes)}


def _first_weighted_node(spec, fills):
    for n in serialize.model_layers(spec):
        if fills[n]:
            return n
    raise Refused("the model has no weights")


def output_units(spec):
    outs = [math.prod(o.out_shape[1:]) for o in spec.outputs]
    return outs[0] if len(outs) == 1 else outs
