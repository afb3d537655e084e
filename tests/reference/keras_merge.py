"""Keras' merge layers at inference, in float64 PyTorch, on channels-last tensors: `pre` takes the
list of the layer's inputs in call order.

Sources: Keras v3.13.2 keras/src/layers/merging/ (tf.keras v2.13.1 keras/layers/merging/: the same
math):
  broadcasting    inputs of different ranks get axes of size 1 inserted after the batch axis
                  until the ranks agree (base_merge.py call :149), then every axis must be equal
                  or 1 in all but one input (_compute_elemwise_op_output_shape :60): (h, w, c) *
                  (1, 1, c) in squeeze-and-excitation, (h, w, c) + (c,) as (h, w, c) + (1, 1, c)
  Add             x0 + x1 + ..., from the left                      add.py:33
  Subtract        x0 - x1, exactly two inputs                       subtract.py:42
  Multiply        x0 * x1 * ..., from the left                      multiply.py:34
  Average         (x0 + x1 + ...) / n                               average.py:33
  Maximum, Minimum pairwise from the left (base_merge.py _apply_merge_op_and_or_mask :23); at a
                  tie the gradient goes to the left operand, as TensorFlow's MaximumGrad
                  (x >= y) and MinimumGrad (x <= y) send it, where torch.maximum would split it
  Concatenate     along `axis` (default -1), any axis but the batch axis; the other axes must
                  agree (concatenate.py:101, compute_output_shape)
"""
import torch

ELEMENTWISE = {"Add", "Subtract", "Multiply", "Average", "Maximum", "Minimum"}
MERGE = ELEMENTWISE | {"Concatenate"}


def _broadcast_shape(shapes, name):
    rank = max(len(s) for s in shapes)
    out = [1] * rank
    for shape in shapes:
        for i, d in enumerate((1,) * (rank - len(shape)) + tuple(shape)):
            if d != out[i] and 1 not in (d, out[i]):
                raise ValueError(f"layer '{name}': inputs of shapes {shapes} do not broadcast")
            out[i] = d if out[i] == 1 else out[i]
    return tuple(out)


def _same_rank(xs, rank):
    """Each (N, ...) tensor with axes of size 1 inserted after the batch axis up to `rank`."""
    return [x.reshape(x.shape[:1] + (1,) * (rank + 1 - x.dim()) + x.shape[1:]) for x in xs]


def _left_fold(op, xs):
    out = xs[0]
    for x in xs[1:]:
        out = op(out, x)
    return out


OPS = {
    "Add": lambda xs: _left_fold(torch.add, xs),
    "Subtract": lambda xs: xs[0] - xs[1],
    "Multiply": lambda xs: _left_fold(torch.mul, xs),
    "Average": lambda xs: _left_fold(torch.add, xs) / len(xs),
    "Maximum": lambda xs: _left_fold(lambda a, b: torch.where(a >= b, a, b), xs),
    "Minimum": lambda xs: _left_fold(lambda a, b: torch.where(a <= b, a, b), xs),
}


def build_merge(layer, shapes):
    """(pre(xs, guided), output shape) of a merge layer on inputs of `shapes` (no batch axis)."""
    c, name = layer.class_name, layer.name
    if c == "Subtract" and len(shapes) != 2:
        raise ValueError(f"layer '{name}': Subtract takes exactly 2 inputs, got {len(shapes)}")
    if c in ELEMENTWISE:
        out = _broadcast_shape(shapes, name)
        op = OPS[c]
        return (lambda xs, g: op(_same_rank(xs, len(out)))), out
    rank = len(shapes[0])
    axis = layer.config.get("axis", -1)
    if any(len(s) != rank for s in shapes) or not -rank <= axis <= rank or axis == 0:
        raise ValueError(f"layer '{name}': Concatenate of {shapes} along axis {axis}")
    k = axis % (rank + 1) - 1  # the axis in shapes without the batch axis
    rest = {tuple(s[:k]) + tuple(s[k + 1:]) for s in shapes}
    if len(rest) != 1:
        raise ValueError(f"layer '{name}': Concatenate of {shapes}: the axes other than "
                         f"{axis} differ")
    out = tuple(shapes[0][:k]) + (sum(s[k] for s in shapes),) + tuple(shapes[0][k + 1:])
    return (lambda xs, g: torch.cat(xs, dim=k + 1)), out
