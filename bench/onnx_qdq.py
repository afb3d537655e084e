"""ONNX graph pieces shared by the onnxruntime-web peers' writers (bench/make_onnx_vgg16.py,
bench/make_onnx_graph.py): a node list with named constants, and static int8 in QDQ form, which
onnxruntime fuses into its int8 kernels (QLinearConv and friends).
"""
import numpy as np
from onnx import helper, numpy_helper


def quantize(kernel_by_out):
    """Symmetric per-output-channel int8, exactly as wasm/engine/quantize.cc: rows are output channels."""
    rows = kernel_by_out.reshape(kernel_by_out.shape[0], -1)
    max_abs = np.abs(rows).max(axis=1)
    scales = np.where(max_abs > 0, max_abs / 127.0, 1.0).astype(np.float32)
    q = np.clip(np.rint(rows / scales[:, None]), -127, 127).astype(np.int8)
    return q.reshape(kernel_by_out.shape), scales


class Graph:
    def __init__(self):
        self.nodes, self.inits, self.count = [], [], 0

    def name(self, base):
        self.count += 1
        return f"{base}_{self.count}"

    def const(self, base, array):
        n = self.name(base)
        self.inits.append(numpy_helper.from_array(array, n))
        return n

    def op(self, op_type, inputs, outputs=1, **attrs):
        outs = [self.name(op_type.lower()) for _ in range(outputs)]
        self.nodes.append(helper.make_node(op_type, inputs, outs, **attrs))
        return outs[0] if outputs == 1 else outs


def act_qparams(lo, hi):
    """uint8 scale and zero point covering [lo, hi] (and 0)."""
    lo, hi = min(lo, 0.0), max(hi, 0.0)
    scale = (hi - lo) / 255.0 if hi > lo else 1.0
    return np.float32(scale), np.uint8(np.clip(np.rint(-lo / scale), 0, 255))


def qdq(g, x, lo, hi):
    """Quantize-dequantize an activation: onnxruntime fuses these around its int8 kernels."""
    scale, zp = act_qparams(lo, hi)
    s, z = g.const("a_scale", np.array(scale)), g.const("a_zp", np.array(zp))
    return g.op("DequantizeLinear", [g.op("QuantizeLinear", [x, s, z]), s, z]), scale


def dq_weights(g, q, scales, axis):
    return g.op("DequantizeLinear", [g.const("w_q", q), g.const("w_scale", scales),
                                     g.const("w_zp", np.zeros(scales.shape, np.int8))], axis=axis)


def dq_bias(g, bias, in_scale, w_scales):
    scales = (np.float32(in_scale) * w_scales).astype(np.float32)
    q = np.rint(bias / scales).astype(np.int32)
    return g.op("DequantizeLinear", [g.const("b_q", q), g.const("b_scale", scales),
                                     g.const("b_zp", np.zeros(scales.shape, np.int32))], axis=0)
