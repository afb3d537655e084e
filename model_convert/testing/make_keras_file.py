#!/usr/bin/python3
"""Writes a Keras model file exactly as a given Keras version writes it (key for key), with
deterministic weights, for convscope's reader tests. Keras itself is not needed: the formats
were taken from the Keras source at the release tags (see model_convert/testing/README.md).

Formats (--format):
  keras3        .keras as Keras 3.13 writes it (default)
  keras3.5      .keras as Keras 3.5 writes it
  keras3.0      .keras as Keras 3.0 writes it
  tf2.13-keras  .keras as tf.keras 2.13 writes it
  keras3-h5     legacy .h5 as Keras 3.13 writes it (model.save("m.h5"))
  tf2-h5        legacy .h5 as tf.keras 2.10 writes it

`--all` writes every model but vgg16 and the keras.applications models (resnet50,
mobilenetv2, efficientnetb0, densenet121, mobilenetv2-transfer) in every format into a folder
in one process.

Prints one JSON line: path, format, keras_version, model, api, params, trainable,
non_trainable, input_shape, output_units, layers and classes (both in the order of the config's
layer list), or exits with status 2 and a message when the combination cannot exist (e.g. an
activation the version lacks).

Needs Debian's python3-h5py and python3-numpy: run with /usr/bin/python3.
"""
import argparse
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from keras_writer import applications, faults  # noqa: E402
from keras_writer.build import make, output_units  # noqa: E402
from keras_writer.flavors import FORMATS, Refused  # noqa: E402
from keras_writer.models import MODELS  # noqa: E402

SIZED = ["vgg16"] + applications.MODELS   # --input-size and --width-divisor apply


def run(args):
    flavor = FORMATS[args.format]
    if args.fault and flavor.container == "h5" and args.fault not in faults.H5_FAULTS:
        raise Refused(f"fault '{args.fault}' applies to .keras archives only "
                      f"(for .h5: {', '.join(faults.H5_FAULTS)})")
    if args.fault in faults.GRAPH_FAULTS and args.model not in faults.GRAPH_MODELS:
        raise Refused(f"fault '{args.fault}' edits the layers of "
                      f"{', '.join(faults.GRAPH_MODELS)}")
    opts = {"no_input_layer": args.no_input_layer, "width_divisor": args.width_divisor}
    if args.input_size:
        if args.model not in ["cifar-softmax"] + SIZED:
            raise Refused(f"--input-size applies to {', '.join(['cifar-softmax'] + SIZED)}")
        opts["input_size"] = tuple(args.input_size)
    if args.free_input_size:
        if args.model != "cifar-binary":
            raise Refused("--free-input-size applies to cifar-binary")
        opts["input_size"] = (None, None)
    if args.width_divisor < 1:
        raise Refused("--width-divisor must be at least 1")
    if args.width_divisor != 1 and args.model not in SIZED:
        raise Refused(f"--width-divisor applies to {', '.join(SIZED)}")
    if args.weights_branch == "tempfile" and not flavor.temp_file_branch:
        raise Refused("this version's saving_lib has no temp-file branch (added in Keras 3.5)")
    write_fault = args.fault if args.fault in faults.WRITE_FAULTS else None
    r = make(args.output, flavor, args.model, api=args.api, seed=args.seed, name=args.name,
             reruns=args.rerun_names, opts=opts, fault=write_fault, date=args.date,
             branch=args.weights_branch)
    if args.fault and not write_fault:
        faults.apply(args.output, args.fault)
    spec = r.spec
    ins = [list(i.out_shape) for i in spec.inputs]
    return {"path": args.output, "format": args.format, "keras_version": flavor.keras_version,
            "model": args.model, "api": spec.api, "params": r.params,
            "trainable": r.trainable, "non_trainable": r.params - r.trainable,
            "input_shape": ins[0] if len(ins) == 1 else ins,
            "output_units": output_units(spec), "layers": [n.name for n in r.layers],
            "classes": [e["class_name"] for e in r.config["config"]["layers"]],
            "optimizer": r.optimizer, "fault": args.fault}


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("output", help="the file to write (a folder with --all)")
    p.add_argument("--format", choices=list(FORMATS), default="keras3")
    p.add_argument("--model", choices=MODELS, default="mnist")
    p.add_argument("--api", choices=["sequential", "functional"],
                   help="default: sequential for the chains, functional for the graphs")
    p.add_argument("--no-input-layer", action="store_true",
                   help="Sequential whose first layer gets input_shape= instead of keras.Input")
    p.add_argument("--rerun-names", nargs="?", type=int, const=4, default=0, metavar="RUNS",
                   help="names as after RUNS earlier runs of the notebook cell (default 4)")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--name", help="model name (default: Keras' auto name)")
    p.add_argument("--input-size", type=int, nargs=2, metavar=("H", "W"))
    p.add_argument("--free-input-size", action="store_true",
                   help="cifar-binary built on keras.Input((None, None, 3)): any height and width")
    p.add_argument("--width-divisor", type=int, default=1)
    p.add_argument("--fault", choices=faults.ALL)
    p.add_argument("--date", help="fixed date_saved and zip timestamps, YYYY-mm-dd@HH:MM:SS")
    p.add_argument("--weights-branch", choices=["auto", "memory", "tempfile"], default="auto",
                   help="saving_lib's is_memory_sufficient branch (auto: temp file from "
                        "512 MiB of weights, as without psutil)")
    p.add_argument("--all", action="store_true",
                   help="write every small model (all but vgg16 and the keras.applications "
                        "models) in every format into the "
                        "folder OUTPUT as <model>.<format>.keras|h5, one JSON line each; "
                        "--format/--model are ignored, the other options apply")
    args = p.parse_args(argv)
    if args.all:
        return write_all(args)
    try:
        out = run(args)
    except Refused as e:
        if os.path.exists(args.output):
            os.remove(args.output)
        print(f"make_keras_file: {args.model} in format {args.format}: {e}", file=sys.stderr)
        return 2
    print(json.dumps(out))
    return 0


def write_all(args):
    """One process for the whole set: interpreter start-up dominates single small files."""
    folder = args.output
    os.makedirs(folder, exist_ok=True)
    for fmt, flavor in FORMATS.items():
        for model in MODELS:
            if model in SIZED:
                continue
            ext = "h5" if flavor.container == "h5" else "keras"
            args.format, args.model = fmt, model
            args.output = os.path.join(folder, f"{model}.{fmt}.{ext}")
            try:
                print(json.dumps(run(args)))
            except Refused as e:
                if os.path.exists(args.output):
                    os.remove(args.output)
                print(f"make_keras_file: skipped {model} in format {fmt}: {e}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
