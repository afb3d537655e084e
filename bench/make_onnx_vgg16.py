#!/usr/bin/python3
"""Builds ONNX versions of a Keras VGG16 .h5 (as written by make_keras_model.py) for the
onnxruntime-web peers in bench/vgg16_bench.mjs, with exactly the weights convscope runs:

  vgg16-f32.onnx   Conv/Relu/MaxPool/Gemm in f32, NCHW input [1, 3, H, W]
  vgg16-int8.onnx  static int8 in QDQ form, which onnxruntime fuses into QLinearConv (its fast int8
                   path; its dynamic ConvInteger path measured ~20x slower here): weights symmetric
                   per output channel (the same int8 values and scales model_convert writes),
                   activations uint8 with ranges calibrated on the sample photos (--ranges, a JSON
                   {layer: [min, max]} of f32 activations, written by vgg16_bench.mjs with
                   convscope's f32 engine). The first convolution (3 input channels) stays f32,
                   as in convscope.

Needs Debian's python3-onnx, python3-h5py, python3-numpy: run with /usr/bin/python3.
"""
import argparse
import json

import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "model_convert", "testing"))
from keras_h5 import VGG16_BLOCKS as CONVS, read_weights  # noqa: E402
from onnx_qdq import Graph, dq_bias, dq_weights, qdq, quantize  # noqa: E402


def build(weights, int8, side, ranges):
    g = Graph()
    x = "input"
    x_range = ranges.get("input_1") if int8 else None
    for block, n in CONVS:
        for i in range(1, n + 1):
            name = f"{block}_conv{i}"
            kernel, bias = weights[name]
            w = np.ascontiguousarray(kernel.transpose(3, 2, 0, 1))  # HWIO -> OIHW
            if int8 and w.shape[1] >= 16:
                xd, x_scale = qdq(g, x, *x_range)
                q, scales = quantize(w)
                y = g.op("Conv", [xd, dq_weights(g, q, scales, 0), dq_bias(g, bias, x_scale, scales)],
                         pads=[1, 1, 1, 1])
            else:
                y = g.op("Conv", [x, g.const("w", w), g.const("b", bias)], pads=[1, 1, 1, 1])
            x = g.op("Relu", [y])
            x_range = ranges.get(name)
        x = g.op("MaxPool", [x], kernel_shape=[2, 2], strides=[2, 2])
    out_shape = [1, weights["block5_conv3"][1].size, side // 32, side // 32]
    if "fc1" in weights:
        out_shape = [1, weights["predictions"][1].size]
        # Keras flattens channels-last: transpose back to NHWC before flattening.
        x = g.op("Flatten", [g.op("Transpose", [x], perm=[0, 2, 3, 1])])
        for name, act in [("fc1", "Relu"), ("fc2", "Relu"), ("predictions", "Softmax")]:
            kernel, bias = weights[name]  # (in, out)
            if int8:
                xd, x_scale = qdq(g, x, *x_range)
                q, scales = quantize(np.ascontiguousarray(kernel.T))  # rows = outputs
                y = g.op("MatMul", [xd, dq_weights(g, np.ascontiguousarray(q.T), scales, 1)])
                y = g.op("Add", [y, dq_bias(g, bias, x_scale, scales)])
            else:
                y = g.op("Gemm", [x, g.const("w", kernel), g.const("b", bias)])
            x = g.op(act, [y], **({"axis": 1} if act == "Softmax" else {}))
            x_range = ranges.get(name)
    graph = helper.make_graph(
        g.nodes, "vgg16", [helper.make_tensor_value_info("input", TensorProto.FLOAT, [1, 3, side, side])],
        [helper.make_tensor_value_info(x, TensorProto.FLOAT, out_shape)], g.inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    model.ir_version = 7
    onnx.checker.check_model(model)
    return model


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("h5")
    p.add_argument("--f32", required=True)
    p.add_argument("--int8", required=True)
    p.add_argument("--ranges", required=True, help="JSON {layer: [min, max]} of f32 activations")
    p.add_argument("--side", type=int, default=224)
    a = p.parse_args()
    weights = read_weights(a.h5)
    with open(a.ranges) as f:
        ranges = json.load(f)
    onnx.save(build(weights, False, a.side, {}), a.f32)
    onnx.save(build(weights, True, a.side, ranges), a.int8)


if __name__ == "__main__":
    main()
