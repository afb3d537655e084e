"""What compile() and fit() leave in a saved model: compile_config / training_config, the
optimizer's variables (Adam with default arguments) and, in tf.keras 2.13 .keras files, the
compiled metrics' variables.

Sources: Keras 3 trainers/trainer.py compile() (SerializableDict of the compile arguments;
v3.0.0 stores the optimizer argument as given, "adam", and v3.4.0+ the optimizer object),
optimizers/base_optimizer.py (variables: iteration, learning_rate, then per trainable
variable momentum and velocity interleaved, optimizers/adam.py build), legacy/saving/
saving_utils.py model_metadata (training_config); tf.keras v2.10.0 engine/training.py
_get_compile_args, optimizers/optimizer_v2/adam.py (slots: all m, then all v; `iter`);
v2.13.1 engine/training.py compile (serialization_lib.Config of the arguments as passed),
optimizers/adam.py (iteration, then m and v interleaved; no learning-rate variable).
"""
from .config_k2 import f32

ADAM_K3 = {"beta_1": 0.9, "beta_2": 0.999, "epsilon": 1e-07, "amsgrad": False}


def adam_config_k3(flavor):
    c = {"name": "adam", "learning_rate": f32(0.001), "weight_decay": None, "clipnorm": None,
         "global_clipnorm": None, "clipvalue": None, "use_ema": False, "ema_momentum": 0.99,
         "ema_overwrite_frequency": None, "loss_scale_factor": None}
    if flavor.at_least(3, 1):
        c["gradient_accumulation_steps"] = None
    c.update(ADAM_K3)
    return c


def adam_config_k2_legacy():
    """OptimizerV2 Adam.get_config (v2.10.0): hyperparameters read back from float32
    variables."""
    return {"name": "Adam", "learning_rate": f32(0.001), "decay": 0.0, "beta_1": f32(0.9),
            "beta_2": f32(0.999), "epsilon": 1e-07, "amsgrad": False}


def _loss_object_config(loss, family):
    if family == "k3":
        return {"name": "sparse_categorical_crossentropy", "reduction": "sum_over_batch_size",
                "from_logits": loss["from_logits"], "ignore_class": None}
    return {"reduction": "auto", "name": "sparse_categorical_crossentropy",
            "from_logits": loss["from_logits"], "ignore_class": None}


def _k3_loss(loss, ctx):
    if isinstance(loss, dict) and "class" in loss:
        return ctx.obj("keras.losses", loss["class"], "losses.losses",
                       _loss_object_config(loss, "k3"))
    return loss


def compile_config_k3(spec, ctx):
    """Trainer.get_compile_config(): the SerializableDict of compile()'s arguments."""
    comp = spec.compile
    if comp is None:
        return {} if ctx.flavor.empty_compile_config else None
    if ctx.flavor.at_least(3, 4):
        opt = ctx.obj("keras.optimizers", "Adam", "optimizers.adam", adam_config_k3(ctx.flavor))
    else:
        opt = "adam"
    return {"optimizer": opt, "loss": _k3_loss(comp["loss"], ctx), "loss_weights": None,
            "metrics": comp.get("metrics"), "weighted_metrics": None, "run_eagerly": False,
            "steps_per_execution": 1, "jit_compile": False}


def compile_config_k2(spec, ctx):
    """tf.keras 2.13 Model.get_compile_config(): the arguments of compile() as passed."""
    comp = spec.compile
    if comp is None:
        return None
    loss = comp["loss"]
    if isinstance(loss, dict) and "class" in loss:
        cfg = _loss_object_config(loss, "k2")
        cfg["fn"] = "sparse_categorical_crossentropy"
        loss = ctx.obj("keras.losses", loss["class"], cfg)
    return {"optimizer": "adam", "loss": loss, "metrics": comp.get("metrics"),
            "loss_weights": None, "weighted_metrics": None, "run_eagerly": None,
            "steps_per_execution": None, "jit_compile": None}


def training_config_k3(spec, flavor):
    """legacy_h5_format model_metadata: the compile config without the optimizer, legacy-
    serialized, plus optimizer_config."""
    comp = spec.compile
    loss = comp["loss"]
    if isinstance(loss, dict) and "class" in loss:
        loss = {"class_name": loss["class"], "config": _loss_object_config(loss, "k3")}
    return {"loss": loss, "loss_weights": None, "metrics": comp.get("metrics"),
            "weighted_metrics": None, "run_eagerly": False, "steps_per_execution": 1,
            "jit_compile": False,
            "optimizer_config": {"class_name": "Adam",
                                 "config": adam_config_k3(flavor)}}


def _metric_objects_k2(spec):
    """compiled_metrics._metrics after fit (user_metrics=False): one list per output of
    MeanMetricWrapper objects; with several outputs their names get the output prefix."""
    comp = spec.compile
    metrics = comp.get("metrics")
    if metrics is None:
        return None
    outs = spec.outputs
    out = []
    for o in outs:
        fn = comp["metric_fn"][o.name] if isinstance(comp["metric_fn"], dict) \
            else comp["metric_fn"]
        name = "accuracy" if len(outs) == 1 else f"{o.name}_accuracy"
        out.append([{"class_name": "MeanMetricWrapper",
                     "config": {"name": name, "dtype": "float32", "fn": fn}}])
    return out


def training_config_k2(spec):
    comp = spec.compile
    loss = comp["loss"]
    if isinstance(loss, dict) and "class" in loss:
        loss = {"class_name": loss["class"], "config": _loss_object_config(loss, "k2")}
    return {"loss": loss, "metrics": _metric_objects_k2(spec), "weighted_metrics": None,
            "loss_weights": None,
            "optimizer_config": {"class_name": "Adam", "config": adam_config_k2_legacy()}}


def optimizer_slots(spec, flavor, trainable):
    """[(path name, shape, dtype, role)] of the optimizer's variables in file order.
    `trainable` is [(variable path, shape)] of the model's trainable variables in order."""
    if spec.compile is None:
        return []
    if flavor.k3:  # base_optimizer: `adam/<path with _>_momentum`, iteration + learning_rate
        out = [("adam/iteration", (), "int64", "iterations"),
               ("adam/learning_rate", (), "float32", "learning_rate")]
        for path, shape in trainable:
            flat = path.replace("/", "_")
            out.append((f"adam/{flat}_momentum", shape, "float32", "momentum"))
            out.append((f"adam/{flat}_velocity", shape, "float32", "velocity"))
        return out
    if flavor.container == "h5":  # OptimizerV2: Adam/iter:0, all m slots, then all v slots
        out = [("Adam/iter:0", (), "int64", "iterations")]
        out += [(f"Adam/{p}/m:0", s, "float32", "momentum") for p, s in trainable]
        out += [(f"Adam/{p}/v:0", s, "float32", "velocity") for p, s in trainable]
        return out
    out = [("iteration", (), "int64", "iterations")]  # new optimizer (2.11+), interleaved
    for path, shape in trainable:
        out.append((f"m/{path}", shape, "float32", "momentum"))
        out.append((f"v/{path}", shape, "float32", "velocity"))
    return out


def metric_variables_k2(spec):
    """model.metrics of a trained tf.keras 2.13 model, as `metrics/<key>` groups: the loss
    Mean (and one per output when there are several), then one MeanMetricWrapper per
    compiled metric; each holds total and count (float32 scalars). After fit() with
    validation data they hold the last validation pass."""
    comp = spec.compile
    if comp is None:
        return []
    n = comp.get("val_samples", 6000)
    loss_total = n * comp.get("loss_value", 0.05)
    groups = [("Mean", [loss_total, n])]
    if len(spec.outputs) > 1:
        groups += [("Mean", [loss_total / 2, n]) for _ in spec.outputs]
    if comp.get("metrics"):
        for _ in spec.outputs:
            groups.append(("MeanMetricWrapper", [round(n * comp.get("acc_value", 0.98)), n]))
    return groups
