#!/usr/bin/python3
"""Builds ONNX versions of a convscope graph model for the onnxruntime-web peers in
bench/graph_bench.mjs, from the model's lowered operations (bench/graph_lowering.mjs: PREFIX.json
and PREFIX.bin, written by the benchmark from the converted convscope file through the Node
module), so the peer runs exactly the weights convscope runs:

  --f32   from the f32 file's operations: NCHW input [1, 3, H, W], f32 throughout.
  --int8  from the int8 file's operations, static int8 in QDQ form (as bench/make_onnx_vgg16.py):
          a convolution whose kernel the int8 file keeps in int8 and that has more than 16 input
          channels (convscope's rule, wasm/engine/engine.h kMaxF32InputChannels) gets its input
          quantized (uint8, range calibrated on the sample photos with convscope's f32 engine:
          --ranges) and its output too, after a ReLU or ReLU6 it fuses (before a sigmoid or swish),
          so onnxruntime fuses it into QLinearConv; its weights are the file's int8 values and
          per-channel scales. Dense layers: int8 weights, MatMul on the quantized input. Everything
          else (depthwise convolutions, which the int8 file keeps in f32, as convscope runs them;
          the first convolution on RGB; merges, pooling) stays f32, reading the quantized tensors
          where they were quantized, as a statically quantized ONNX model does.

Needs Debian's python3-onnx and python3-numpy: run with /usr/bin/python3.
"""
import argparse
import json
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from onnx_qdq import Graph, dq_bias, dq_weights, qdq  # noqa: E402

MAX_F32_INPUT_CHANNELS = 16


def load(prefix):
    """The operations, with every array reference replaced by a numpy array."""
    with open(prefix + ".json") as f:
        nodes = json.load(f)
    with open(prefix + ".bin", "rb") as f:
        blob = f.read()

    def value(v):
        if isinstance(v, dict) and set(v) == {"dtype", "offset", "length"}:
            return np.frombuffer(blob, dtype=v["dtype"], count=v["length"], offset=v["offset"])
        if isinstance(v, dict):
            return {k: value(x) for k, x in v.items()}
        return v
    return [{k: value(v) for k, v in n.items()} for n in nodes]


def same_pads(size, kernel, strides, dilations):
    """Keras/TensorFlow 'same': the extra pixel at the bottom/right. ONNX order [t, l, b, r]."""
    before, after = [], []
    for n, k, s, d in zip(size, kernel, strides, dilations):
        total = max((-(-n // s) - 1) * s + (k - 1) * d + 1 - n, 0)
        before.append(total // 2)
        after.append(total - total // 2)
    return before + after


def pads_of(node, size, kernel, strides, dilations=(1, 1)):
    return same_pads(size, kernel, strides, dilations) if node["padding"] == "same" else [0, 0, 0, 0]


def channel_const(g, base, values, rank):
    return g.const(base, np.asarray(values, np.float32).reshape([1, -1] + [1] * (rank - 2)))


def activation(g, x, act):
    if act == "linear":
        return x
    if act == "relu":
        return g.op("Relu", [x])
    if act == "relu6":
        return g.op("Clip", [x, g.const("lo", np.array(0, np.float32)), g.const("hi", np.array(6, np.float32))])
    if act == "sigmoid":
        return g.op("Sigmoid", [x])
    if act == "swish":
        return g.op("Mul", [x, g.op("Sigmoid", [x])])
    if act == "softmax":
        return g.op("Softmax", [x], axis=1)
    raise ValueError(f"activation {act}")


def build(nodes, int8, ranges):
    g = Graph()
    t, shapes, quantized = {}, {}, {}   # layer -> ONNX tensor, its Keras shape, (dq tensor, scale)

    def quant(name):
        """The layer's output quantized (once: later readers read the quantized tensor too)."""
        if name not in quantized:
            quantized[name] = qdq(g, t[name], *ranges[name])
            t[name] = quantized[name][0]
        return quantized[name]

    for n in nodes:
        op, name, ins = n["op"], n["name"], n["inputs"]
        x = t[ins[0]] if ins else None
        in_shape = shapes[ins[0]] if ins else None
        if op == "input":
            y = "input"
        elif op == "pad":
            (top, bottom), (left, right) = n["pads"]
            pads = np.array([0, 0, top, left, 0, 0, bottom, right], np.int64)
            y = g.op("Pad", [x, g.const("pads", pads)])
        elif op == "conv":
            k = n["kernel"]
            o, kh, kw, i = k["shape"]
            w = k["data"].reshape(o, kh, kw, i)
            groups = in_shape[-1] if n["depthwise"] else 1
            attrs = dict(kernel_shape=[kh, kw], strides=n["strides"], dilations=n["dilations"],
                         pads=pads_of(n, in_shape[:2], (kh, kw), n["strides"], n["dilations"]),
                         group=groups)
            if int8 and k.get("scales") is not None and groups == 1 and i > MAX_F32_INPUT_CHANNELS:
                xd, x_scale = quant(ins[0])
                wq = np.ascontiguousarray(w.transpose(0, 3, 1, 2))
                inputs = [xd, dq_weights(g, wq, k["scales"], 0)]
                if n["bias"] is not None:
                    inputs.append(dq_bias(g, n["bias"], x_scale, k["scales"]))
                y = g.op("Conv", inputs, **attrs)
                pre = n["preActivation"]
                if n["activation"] in ("linear", "relu", "relu6"):
                    t[name] = activation(g, y, n["activation"])
                    quant(name)
                    y = t[name]
                elif pre in ranges:
                    t[pre] = y
                    y = activation(g, quant(pre)[0], n["activation"])
                else:
                    y = activation(g, y, n["activation"])
            else:
                if k.get("scales") is not None:   # int8 values convscope dequantizes for f32
                    w = w * k["scales"].reshape(-1, 1, 1, 1)
                wf = np.ascontiguousarray(w.transpose(0, 3, 1, 2).astype(np.float32))
                inputs = [x, g.const("w", wf)] + ([g.const("b", n["bias"])] if n["bias"] is not None else [])
                y = activation(g, g.op("Conv", inputs, **attrs), n["activation"])
        elif op == "affine":
            rank = len(in_shape) + 1
            y = g.op("Mul", [x, channel_const(g, "scale", n["scale"], rank)])
            y = g.op("Add", [y, channel_const(g, "shift", n["shift"], rank)])
        elif op == "act":
            y = activation(g, x, n["activation"])
        elif op == "pool":
            attrs = dict(kernel_shape=n["size"], strides=n["strides"],
                         pads=pads_of(n, in_shape[:2], n["size"], n["strides"]))
            y = g.op("MaxPool" if n["kind"] == "max" else "AveragePool", [x], **attrs)
        elif op == "gap":
            y = g.op("Flatten", [g.op("GlobalAveragePool", [x])])
        elif op == "reshape":
            if len(in_shape) != 1 or len(n["target"]) != 3:
                raise ValueError(f"{name}: only a vector to (h, w, c) is written")
            nhwc = g.op("Reshape", [x, g.const("shape", np.array([1] + n["target"], np.int64))])
            y = g.op("Transpose", [nhwc], perm=[0, 3, 1, 2])
        elif op == "flatten":   # Keras flattens channels-last
            y = g.op("Flatten", [g.op("Transpose", [x], perm=[0, 2, 3, 1])])
        elif op == "dense":
            k = n["kernel"]
            o, i = k["shape"]
            w = k["data"].reshape(o, i)
            if int8 and k.get("scales") is not None:
                xd, x_scale = quant(ins[0])
                y = g.op("MatMul", [xd, dq_weights(g, np.ascontiguousarray(w.T), k["scales"], 1)])
                y = g.op("Add", [y, dq_bias(g, n["bias"], x_scale, k["scales"])])
            else:
                if k.get("scales") is not None:
                    w = w * k["scales"].reshape(-1, 1)
                y = g.op("Gemm", [x, g.const("w", np.ascontiguousarray(w.T.astype(np.float32))),
                                  g.const("b", n["bias"])])
            y = activation(g, y, n["activation"])
        elif op in ("add", "mul"):
            y = g.op("Add" if op == "add" else "Mul", [t[i] for i in ins])
        elif op == "concat":
            y = g.op("Concat", [t[i] for i in ins], axis=1)
        else:
            raise ValueError(f"{name}: operation {op}")
        t[name], shapes[name] = y, n["shape"]

    first, last = nodes[0], nodes[-1]
    h, w, c = first["shape"]
    graph = helper.make_graph(
        g.nodes, "graph", [helper.make_tensor_value_info("input", TensorProto.FLOAT, [1, c, h, w])],
        [helper.make_tensor_value_info(t[last["name"]], TensorProto.FLOAT, [1] + last["shape"])], g.inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    model.ir_version = 7
    onnx.checker.check_model(model)
    return model


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--graph-f32", required=True, help="PREFIX of the f32 file's operations")
    p.add_argument("--graph-int8", required=True, help="PREFIX of the int8 file's operations")
    p.add_argument("--ranges", required=True, help="JSON {layer: [min, max]} of f32 activations")
    p.add_argument("--f32", required=True)
    p.add_argument("--int8", required=True)
    a = p.parse_args()
    with open(a.ranges) as f:
        ranges = json.load(f)
    onnx.save(build(load(a.graph_f32), False, {}), a.f32)
    onnx.save(build(load(a.graph_int8), True, ranges), a.int8)


if __name__ == "__main__":
    main()
