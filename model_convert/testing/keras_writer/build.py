"""Builds a model for one format and writes it: names, shapes, configs, weights, faults."""
import math
import random

from . import keras_zip, legacy_h5, serialize, training, weights
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
    saved = [(n, n.name) for n in spec.nodes]
    name = spec.name
    counter = CountingAllocator()
    _allocate(spec, flavor, counter)
    for n, nm in saved:
        n.name = nm
    spec.name = name
    _allocate(spec, flavor, NameAllocator(reruns, counter.result()))


def _lstm_cell_path(spec):
    for n in spec.nodes:
        if n.kind == "LSTM":
            n.subs[0].name = n.sub_names["cell"]


class Result:
    pass


def make(path, flavor, model, api=None, seed=1, name=None, reruns=0, opts=None, fault=None,
         date=None, branch="auto"):
    """Writes `model` to `path` in `flavor`'s format; returns the spec, config and counts."""
    opts = dict(opts or {})
    if opts.get("no_input_layer") and api == "functional":
        raise Refused("--no-input-layer describes a Sequential model; a functional model "
                      "always starts from keras.Input")
    spec = build(model, api, opts)
    infer(spec)
    if name:
        spec.name = name
    assign_names(spec, flavor, reruns)
    _lstm_cell_path(spec)
    family = flavor.family

    override = {}
    if fault == "wrong-shape":
        li, vi = _first_weight(spec)
        shape = list(spec.nodes[li].vars[vi].shape)
        shape[-1] += 1
        override[(li, vi)] = tuple(shape)
    fills = weights.layer_fills(spec, family, override)
    if fault == "nan-weight":
        li, vi = _first_weight(spec)
        fills[spec.nodes[li]][vi][2].nan_at = 1

    shared_id = 0x7F00_0000_0000 + random.Random(seed).randrange(1 << 24) * 16
    dropped = ()
    if fault == "config-names-missing-layer":
        dropped = (_first_weighted_node(spec).name,)
    if flavor.container == "keras":
        config = serialize.model_config_k3(spec, flavor, shared_id) if flavor.k3 else \
            serialize.model_config_k2(spec, flavor, new_format=True)
        trainable_shapes = legacy_h5.trainable_paths(spec, flavor, fills)
        plan = (keras_zip.plan_k3 if flavor.k3 else keras_zip.plan_k2)(
            spec, flavor, fills, trainable_shapes)
        if dropped:
            plan = [op for op in plan if op[1] != dropped[0] or op[0] == "vars"]
        total_bytes = sum(f.size * 4 for n in fills for _, _, f in fills[n])
        keras_zip.write_keras(path, spec, flavor, plan, seed, config, date, branch,
                              total_bytes)
    else:
        config = serialize.model_config_k3(spec, flavor, shared_id, legacy=True) if flavor.k3 \
            else serialize.model_config_k2(spec, flavor, new_format=False)
        legacy_h5.write_h5(path, spec, flavor, seed, fills, config, dropped)

    written = [(v, f) for n in fills if n.name not in dropped for _, v, f in fills[n]]
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


def _first_weighted_node(spec):
    for n in serialize.model_layers(spec):
        if n.vars:
            return n
    raise Refused("the model has no weights")


def _first_weight(spec):
    n = _first_weighted_node(spec)
    return spec.nodes.index(n), 0


def output_units(spec):
    outs = [math.prod(o.out_shape[1:]) for o in spec.outputs]
    return outs[0] if len(outs) == 1 else outs
