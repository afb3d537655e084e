#!/usr/bin/python3
"""What Keras' model.summary() prints for a model's layers, for convscope's summary tests.

Reads a JSON description on stdin and writes the summary to stdout, as the given Keras version
prints it in a script or notebook (no colours):
  {"model_name": "sequential", "keras_version": "3.13.2",   # "2.10.0", "2.15.0", or "" (convscope)
   "model_kind": "Sequential",                              # or "Functional"
   "terminal_columns": 80,                                  # optional; 80 is the fallback size
   "layers": [{"name": "conv2d", "class_name": "Conv2D", "output_shape": "(None, 26, 26, 32)",
               "params": 320, "trainable_params": 320, "weight_bytes": 1280,
               "trainable_weight_bytes": 1280,              # optional; else proportional
               "inbound": [["input_layer", 0, 0]]}],        # optional; else the layer before
   "optimizer": {"params": 7, "bytes": 32}}                 # optional: Keras 3, built optimizer
"layers" are the model's layers in order, its InputLayer included when it has one, each after
the layers it reads (Keras' own order, model.layers, is one such). "inbound" is the keras_history
(layer, node index, tensor index) of each tensor the layer is called on, in order: what the
"Connected to" column shows. The rules, where they are in Keras' source and how this was checked:
tests/fixtures/summaries/README.md.

Keras 3 renders through rich, so this drives rich (Debian's python3-rich) the way Keras 3's
keras/src/utils/summary_utils.py print_summary does; tf.keras 2 (keras/utils/layer_utils.py
print_summary, and tf-keras') pads plain text, done here by the same rules. Both are written
from reading those sources. A Sequential, and a Functional whose graph is a chain, get the
"sequential-like" table; any other Functional the one with a "Connected to" column
(sequential_like). A test-data tool, not a runtime dependency.
"""
import collections
import json
import os
import re
import shutil
import sys

import rich.console
import rich.markup
import rich.table


def parse_version(text):
    """(major, minor, patch) from "3.13.2", "2.15.0rc1"...; None when it names no version."""
    match = re.match(r"\s*(\d+)(?:\.(\d+))?(?:\.(\d+))?", text or "")
    if not match:
        return None
    return tuple(int(part or 0) for part in match.groups())


def parse_shape(text):
    """(None, 26, 26, 32) as a tuple of None and ints; None when it is no such tuple."""
    text = text.strip()
    if not (text.startswith("(") and text.endswith(")")):
        return None
    parts = [part.strip() for part in text[1:-1].split(",")]
    if parts and parts[-1] == "":
        parts.pop()
    dims = []
    for part in parts:
        if part == "None":
            dims.append(None)
        elif re.fullmatch(r"\d+", part):
            dims.append(int(part))
        else:
            return None
    return tuple(dims)


def shown_layers(desc, skip_input):
    """Sequential.layers leaves out the InputLayer in both Keras 2 and 3."""
    layers = desc.get("layers", [])
    if skip_input:
        layers = [layer for layer in layers if layer["class_name"] != "InputLayer"]
    return layers


def inbound_refs(desc):
    """[(layer, [(source, node index, tensor index)])] in the description's order."""
    refs, previous = [], None
    for layer in desc.get("layers", []):
        if "inbound" in layer:
            inbound = [tuple(ref) for ref in layer["inbound"]]
        elif previous is None or layer["class_name"] == "InputLayer":
            inbound = []
        else:
            inbound = [(previous, 0, 0)]
        refs.append((layer, inbound))
        previous = layer["name"]
    return refs


def sequential_like(desc):
    """Whether Keras prints the table without "Connected to" (both families: K3
    summary_utils.py print_summary :163, TF2 layer_utils.py :220): a Sequential always; a
    Functional when each depth of its graph holds one node, with at most one input tensor. A
    node's depth (ops/function.py map_graph) is 0 for the outputs, else one more than its deepest
    consumer's."""
    if desc["model_kind"] == "Sequential":
        return True
    refs = inbound_refs(desc)
    depth = {}
    for layer, inbound in reversed(refs):  # its consumers come later: its depth is final
        own = depth.setdefault(layer["name"], 0)
        for source, _, _ in inbound:
            depth[source] = max(depth.get(source, 0), own + 1)
    per_depth = collections.Counter(depth[layer["name"]] for layer, _ in refs)
    return all(n == 1 for n in per_depth.values()) and all(len(i) <= 1 for _, i in refs)


def weight_totals(desc):
    """(trainable params, non-trainable params, trainable bytes, non-trainable bytes)."""
    trainable = non_trainable = trainable_bytes = non_trainable_bytes = 0
    for layer in desc.get("layers", []):
        params, train = layer["params"], layer["trainable_params"]
        size = layer.get("weight_bytes", 0)
        train_size = layer.get("trainable_weight_bytes")
        if train_size is None:
            train_size = size * train // params if params else 0
        trainable += train
        non_trainable += params - train
        trainable_bytes += train_size
        non_trainable_bytes += size - train_size
    return trainable, non_trainable, trainable_bytes, non_trainable_bytes


def readable_size(size, units):
    """Keras' readable_memory_size: divide by 1024 until under 1024, two decimals."""
    for unit in units:
        if size / 1024 < 1:
            return "{:.2f} {}".format(size, unit)
        size /= 1024
    return "{:.2f} {}".format(size, units[-1])


def escape(text):
    """rich.markup.escape as rich 13.5 and later do it (Keras 3 came out with rich 13.7): a
    trailing single backslash is doubled, so that it cannot escape the markup that follows."""
    text = rich.markup.escape(text)
    if text.endswith("\\") and not text.endswith("\\\\"):
        text += "\\"
    return text


def keras3_summary(desc, version):
    # 3.0.0 to 3.0.4 had a narrower default and a wider shape column.
    early = version[:2] == (3, 0) and version[2] < 5
    headers = ["Layer (type)", "Output Shape", "Param #"]
    if sequential_like(desc):
        default_line_length = 84 if early else 88
        positions = [0.45, 0.84, 1.0] if early else [0.45, 0.80, 1.0]
    else:
        default_line_length = 108
        positions = [0.3, 0.56, 0.70 if early else 0.74, 1.0]
        headers.append("Connected to")

    # Keras asks shutil for the terminal and rich asks the OS: both honour COLUMNS first.
    os.environ["COLUMNS"] = str(desc.get("terminal_columns", 80))
    line_length = min(default_line_length, shutil.get_terminal_size().columns - 4)
    widths = []
    used = 0
    for position in positions:
        widths.append(int(position * line_length) - used)
        used += widths[-1]
    if min(widths) < 4:
        raise SystemExit("Keras raises: Insufficient console width to print summary.")

    columns = [
        rich.table.Column(header, justify=justify, width=width)
        for header, justify, width in zip(headers, ["left", "left", "right", "left"], widths)
    ]
    table = rich.table.Table(*columns, width=line_length, show_lines=True)

    def number(value):  # Keras' highlight_number: markup the plain text must not show
        return f"[color({45 if value is None else 34})]{value}[/]"

    def connected(inbound):  # get_connections: the inbound layer's name is not escaped
        return ", ".join(f"{src}[{number(node)}][{number(tensor)}]"
                         for src, node, tensor in inbound) or "-"

    inbound = {layer["name"]: refs for layer, refs in inbound_refs(desc)}
    for layer in shown_layers(desc, desc["model_kind"] == "Sequential"):
        name = escape(layer["name"])
        name += f" ([color(33)]{escape(layer['class_name'])}[/])"
        dims = parse_shape(layer["output_shape"])
        shape = escape(layer["output_shape"]) if dims is None else (
            "(" + ", ".join(number(dim) for dim in dims) + ")"
        )
        row = [name, shape, number(f"{layer['params']:,}")]
        if len(headers) == 4:
            row.append(connected(inbound[layer["name"]]))
        table.add_row(*row)

    trainable, non_trainable, trainable_bytes, non_trainable_bytes = weight_totals(desc)
    optimizer = desc.get("optimizer")
    optimizer_params = optimizer["params"] if optimizer else 0
    optimizer_bytes = optimizer["bytes"] if optimizer else 0
    units = ["B", "KB", "MB", "GB", "TB", "PB"]

    # Keras' non-terminal console (print_fn given, or stdout not a terminal): no colours.
    console = rich.console.Console(highlight=False, force_terminal=False, color_system=None)
    console.begin_capture()
    console.print(f'[bold]Model: "{escape(desc["model_name"])}"[/]')
    console.print(table)
    totals = [
        ("Total", trainable + non_trainable + optimizer_params,
         trainable_bytes + non_trainable_bytes + optimizer_bytes),
        ("Trainable", trainable, trainable_bytes),
        ("Non-trainable", non_trainable, non_trainable_bytes),
    ]
    if optimizer:
        totals.append(("Optimizer", optimizer_params, optimizer_bytes))
    for label, count, size in totals:
        # Keras 3 sums the weights' bits and divides by 8: a float number of bytes.
        console.print(
            f"[bold] {label} params: [/]{number(f'{count:,}')} "
            f"({readable_size(8 * size / 8, units)})"
        )
    return console.end_capture()


def keras2_summary(desc, version):
    # 2.13 moved each column's text one to the left so that it starts at its column, and gave
    # the table with connections other column stops.
    aligned = version[:2] >= (2, 13)
    headers = ["Layer (type)", "Output Shape", "Param #"]
    if sequential_like(desc):
        line_length, stops = 65, (0.45, 0.85, 1.0)
    else:
        line_length = 98
        stops = (0.3, 0.6, 0.70, 1.0) if aligned else (0.33, 0.55, 0.67, 1.0)
        headers.append("Connected to")
    positions = [int(line_length * p) for p in stops]
    lines = []

    def print_row(fields):
        left = [str(field) for field in fields]
        while any(left):
            line = ""
            for col, text in enumerate(left):
                start = positions[col - 1] if col else 0
                last = col == len(positions) - 1
                gap = 0 if last else 2
                cutoff = positions[col] - start - gap - (1 if aligned and not last else 0)
                piece = text[:cutoff]
                breaks = [piece.find(x) + len(x) for x in ("),", "},", "],", "',") if x in piece]
                if breaks:
                    cutoff = min(breaks)
                    piece = piece[:cutoff]
                line += (" " if col == 0 else "") + piece + " " * gap
                left[col] = text[cutoff:]
                line += " " * (positions[col] - len(line))
            lines.append(line)

    lines.append(f'Model: "{desc["model_name"]}"')
    lines.append("_" * line_length)
    print_row(headers)
    lines.append("=" * line_length)
    inbound = {layer["name"]: refs for layer, refs in inbound_refs(desc)}
    for layer in shown_layers(desc, desc["model_kind"] == "Sequential"):
        dims = parse_shape(layer["output_shape"])
        shape = layer["output_shape"] if dims is None else str(dims)
        if dims is not None and layer["class_name"] == "InputLayer":
            shape = str([dims])  # an input node's output_shapes stay a list
        row = [f"{layer['name']} ({layer['class_name']})", shape, layer["params"]]
        if len(headers) == 4:  # the list of "name[node][tensor]" strings, printed as a list
            row.append(str([f"{src}[{node}][{tensor}]" for src, node, tensor in
                            inbound[layer["name"]]]))
        print_row(row)
        lines.append(" " * line_length)  # the separator after every top-level layer
    lines.append("=" * line_length)
    trainable, non_trainable, trainable_bytes, non_trainable_bytes = weight_totals(desc)
    if aligned:
        units = ["Byte", "KB", "MB", "GB", "TB", "PB"]
        for label, count, size in [
            ("Total", trainable + non_trainable, trainable_bytes + non_trainable_bytes),
            ("Trainable", trainable, trainable_bytes),
            ("Non-trainable", non_trainable, non_trainable_bytes),
        ]:
            lines.append(f"{label} params: {count} ({readable_size(size, units)})")
    else:
        lines.append(f"Total params: {trainable + non_trainable:,}")
        lines.append(f"Trainable params: {trainable:,}")
        lines.append(f"Non-trainable params: {non_trainable:,}")
    lines.append("_" * line_length)
    return "".join(line + "\n" for line in lines)


def convscope_summary(desc):
    """convscope's own table before it followed Keras versions (model_summary.cc)."""

    def row(name, shape, params):  # padded by UTF-8 bytes, as std::string::resize does
        line = " " + name
        line += " " * max(1, 29 - len(line.encode()))
        line += shape
        line += " " * max(1, 55 - len(line.encode()))
        return line + params + "\n"

    def grouped(n):
        return f"{n:,}"

    text = f'Model: "{desc["model_name"]}"\n' + "_" * 65 + "\n"
    text += row("Layer (type)", "Output Shape", "Param #") + "=" * 65 + "\n"
    for index, layer in enumerate(desc.get("layers", [])):
        shape = layer["output_shape"]
        if layer["class_name"] == "InputLayer":
            shape = "[" + shape + "]"
        text += ("\n" if index else "") + row(
            f"{layer['name']} ({layer['class_name']})", shape, str(layer["params"])
        )
    trainable, non_trainable, _, _ = weight_totals(desc)
    text += "=" * 65 + "\n"
    text += f"Total params: {grouped(trainable + non_trainable)}\n"
    text += f"Trainable params: {grouped(trainable)}\n"
    text += f"Non-trainable params: {grouped(non_trainable)}\n"
    return text + "_" * 65 + "\n"


def summary(desc):
    version = parse_version(desc.get("keras_version", ""))
    if version is not None and version[0] == 3:
        return keras3_summary(desc, version)
    if version is not None and version[0] == 2:
        return keras2_summary(desc, version)
    return convscope_summary(desc)


if __name__ == "__main__":
    sys.stdout.write(summary(json.load(sys.stdin)))
