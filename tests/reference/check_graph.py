"""Checks of the reference's graph features (keras_graph.py, keras_merge.py, nested models in
keras_file.py) without Keras. Used by check_reference.py:
  check_merges       each merge layer against numpy, with Keras' broadcasting ((h, w, c) *
                     (1, 1, c), (h, w, c) + (c,)), Concatenate on the channel and a spatial axis,
                     Maximum/Minimum's tie gradient to the left input, shapes Keras refuses
  check_depthwise    DepthwiseConv2D (depth_multiplier 1-3, strides 1-2, 'same'/'valid', with and
                     without bias) against check_layers' numpy loop; its variable's name per
                     Keras; Reshape to (1, 1, c)
  check_graph_files  graph_models.py's models in each format: the layers in the stable Kahn order
                     (the nested Sequential flattened, its 'proj' renamed 'inner/proj'), the
                     inputs of each, activations, class scores, saliency and Grad-CAM (at an
                     Add, a ReLU and an Activation layer) equal to the hand-written forward pass
                     and its autograd gradients, guided backpropagation finite and not the
                     saliency; transfer learning (a frozen and a trainable base): layers, input
                     name, scores and saliency; keras_reference.py's files for a name with a "/"
"""
import json
import os
import subprocess
import sys
import tempfile

import numpy as np
import torch

import graph_models
import keras_explain as ex
import keras_file
import keras_layers
from check_layers import RNG, close, loop_conv, run_layer

HERE = os.path.dirname(os.path.abspath(__file__))
FORMATS = ["keras3", "keras3.0", "keras3-h5", "tf2-h5"]


def run_merge(cls, xs, **cfg):
    layer = keras_file.Layer("m", cls, cfg)
    b = keras_layers.build_layer(layer, [x.shape[1:] for x in xs], "keras3", "3.13.2")
    with torch.no_grad():
        y = b.pre([torch.from_numpy(x) for x in xs], False).numpy()
    assert b.merge and y.shape[1:] == tuple(b.output_shape), (y.shape, b.output_shape)
    return y


def refused(fn):
    try:
        fn()
    except ValueError:
        return True
    return False


def check_merges():
    r = RNG.standard_normal
    a, b, c = r((2, 3, 4, 5)), r((2, 3, 4, 5)), r((2, 3, 4, 5))
    close(run_merge("Add", [a, b, c]), a + b + c, "Add")
    close(run_merge("Subtract", [a, b]), a - b, "Subtract")
    close(run_merge("Multiply", [a, b, c]), a * b * c, "Multiply")
    close(run_merge("Average", [a, b, c]), (a + b + c) / 3, "Average")
    close(run_merge("Maximum", [a, b, c]), np.maximum(np.maximum(a, b), c), "Maximum")
    close(run_merge("Minimum", [a, b, c]), np.minimum(np.minimum(a, b), c), "Minimum")
    gate, vector = r((2, 1, 1, 5)), r((2, 5))
    close(run_merge("Multiply", [a, gate]), a * gate, "Multiply (h, w, c) * (1, 1, c)")
    close(run_merge("Add", [vector, a]), a + vector[:, None, None, :], "Add (c,) + (h, w, c)")
    close(run_merge("Maximum", [a[:, :, :1], a[:, :1]]), np.maximum(a[:, :, :1], a[:, :1]),
          "Maximum (h, 1, c) with (1, w, c)")
    d, e = r((2, 3, 4, 2)), r((2, 1, 4, 5))
    close(run_merge("Concatenate", [a, d]), np.concatenate([a, d], axis=-1), "Concatenate -1")
    close(run_merge("Concatenate", [a, e, a], axis=1), np.concatenate([a, e, a], axis=1),
          "Concatenate axis 1")
    for cls, op in [("Maximum", torch.maximum), ("Minimum", torch.minimum)]:
        layer = keras_file.Layer("m", cls, {})
        pre = keras_layers.build_layer(layer, [(3,), (3,)], "keras3", "3.13.2").pre
        x = torch.tensor([[1.0, 2.0, 3.0]], dtype=torch.float64, requires_grad=True)
        y = x.detach().clone().requires_grad_(True)
        pre([x, y], False).sum().backward()
        assert x.grad.tolist() == [[1, 1, 1]] and y.grad.tolist() == [[0, 0, 0]], \
            f"{cls}: a tie's gradient goes to the left input, as TensorFlow's"
        assert torch.equal(pre([x, -y], False), op(x, -y))
    assert refused(lambda: run_merge("Subtract", [a, b, c])), "Subtract takes two inputs"
    assert refused(lambda: run_merge("Add", [a, d])), "(3, 4, 5) + (3, 4, 2)"
    assert refused(lambda: run_merge("Concatenate", [a, e])), "Concatenate on -1 of 3 x 4, 1 x 4"
    return 17


def check_depthwise():
    n = 0
    for dm in [1, 2, 3]:
        for s in [1, 2]:
            for padding in ["same", "valid"]:
                x = RNG.standard_normal((1, 7, 8, 3))
                kernel, bias = RNG.standard_normal((3, 3, 3, dm)), RNG.standard_normal(3 * dm)
                cfg = {"strides": [s, s], "padding": padding, "depth_multiplier": dm,
                       "activation": "linear"}
                close(run_layer("DepthwiseConv2D", cfg, x, [kernel, bias]),
                      loop_conv(x, kernel, bias, s, 1, padding, depthwise=True),
                      f"DepthwiseConv2D dm{dm} s{s} {padding}")
                n += 1
    x, kernel = RNG.standard_normal((1, 6, 5, 4)), RNG.standard_normal((2, 2, 4, 2))
    cfg = {"padding": "same", "use_bias": False, "depth_multiplier": 2, "activation": "relu"}
    close(run_layer("DepthwiseConv2D", cfg, x, [kernel]),
          np.maximum(loop_conv(x, kernel, None, 1, 1, "same", depthwise=True), 0),
          "DepthwiseConv2D no bias, relu, even kernel")
    assert keras_file.weight_roles("DepthwiseConv2D", {}, "keras3") == ["kernel", "bias"]
    assert keras_file.weight_roles("DepthwiseConv2D", {}, "tf2") == ["depthwise_kernel", "bias"]
    v = RNG.standard_normal((1, 6))
    close(run_layer("Reshape", {"target_shape": [1, 1, 6]}, v), v.reshape(1, 1, 1, 6),
          "Reshape (c,) to (1, 1, c)")
    return n + 4


GRAPH_ORDER = ["conv", "dw", "bn", "act", "gap", "se_dense", "se_reshape", "se", "proj", "add",
               "inner_bn", "inner/proj", "inner_act", "cat", "gmp", "out"]
TRANSFER_ORDER = ["stem", "stem_bn", "stem_relu", "dw", "pw", "block_add", "pool", "logits"]


def _nhwc(t):
    return t.detach().permute(0, 2, 3, 1).numpy()[0] if t.dim() == 4 else t.detach().numpy()[0]


def _check_graph(path, layers, x, fmt):
    net = ex.Network(keras_file.load(path))
    m = net.model
    got = [(l.name, l.inbound) for l in m.layers]
    assert [n for n, _ in got] == GRAPH_ORDER, f"{fmt}: order {[n for n, _ in got]}"
    inbound = dict(got)
    assert inbound["cat"] == ["add", "inner_act"] and inbound["inner_bn"] == ["act"] and \
        inbound["se"] == ["act", "se_reshape"] and inbound["conv"] == ["in"], f"{fmt}: {got}"
    assert (net.head, net.classes, m.input_name, m.input_shape) == ("softmax", 5, "in", (8, 8, 3))
    params = sum(w.size for l in m.layers for w in l.weights)
    assert params == sum(np.size(w) for l in layers for w in l["weights"] + [
        v for x in l.get("layers", []) for v in x["weights"]]), f"{fmt}: {params} parameters"
    t = torch.from_numpy(x).unsqueeze(0).requires_grad_(True)
    want = graph_models.graph_forward(layers, t)
    score = want["z"][0, 2]
    spatial = ["add", "act", "inner_act"]  # Grad-CAM at an Add, a ReLU and an Activation layer
    grads = torch.autograd.grad(score, [t] + [want[n] for n in spatial])
    acts = ex.activations(net, x)
    for name in ["act", "se", "add", "inner/proj", "cat"]:
        close(acts[name], _nhwc(want[name]), f"{fmt}: activation {name}", 1e-9)
    s, p = ex.scores(net, x)
    close(s, want["z"].detach().numpy()[0], f"{fmt}: class scores", 1e-9)
    _, _, saliency, cams = ex.saliency_and_gradcam(net, x, 2, spatial + ["gmp"])
    close(saliency, grads[0].numpy()[0], f"{fmt}: saliency", 1e-9)
    assert set(cams) == set(spatial), f"{fmt}: Grad-CAM maps {set(cams)}"
    for name, grad in zip(spatial, grads[1:]):
        cam = torch.relu((grad.mean(dim=(2, 3), keepdim=True) * want[name]).sum(dim=1))
        close(cams[name], cam.detach().numpy()[0], f"{fmt}: Grad-CAM at {name}", 1e-9)
    guided = ex.input_gradient(net, x, 2, guided=True)
    assert np.all(np.isfinite(guided)) and not np.allclose(guided, saliency)
    return net


def _check_transfer(path, layers, x, fmt):
    m = keras_file.load(path)
    net = ex.Network(m)
    assert [l.name for l in m.layers] == TRANSFER_ORDER, f"{fmt}: {[l.name for l in m.layers]}"
    assert [l.inbound for l in m.layers][-3] == ["stem_relu", "pw"], f"{fmt}: the Add's inputs"
    name = "base_input" if fmt.startswith("tf2") else "input_layer"  # tf.keras 2: <first>_input
    assert (m.model_class, m.input_name, m.input_shape) == ("Sequential", name, (6, 6, 2)), \
        (fmt, m.model_class, m.input_name, m.input_shape)
    assert (net.head, net.classes) == ("logits", 3)
    t = torch.from_numpy(x).unsqueeze(0).requires_grad_(True)
    want = graph_models.transfer_forward(layers, t)
    close(ex.scores(net, x)[0], want.detach().numpy()[0], f"{fmt}: transfer class scores", 1e-9)
    (grad,) = torch.autograd.grad(want[0, 1], t)
    close(ex.input_gradient(net, x, 1), grad.numpy()[0], f"{fmt}: transfer saliency", 1e-9)


def check_graph_files():
    n = 0
    with tempfile.TemporaryDirectory() as tmp:
        layers, input_name, output_name = graph_models.graph_model()
        x = RNG.standard_normal((8, 8, 3))
        for fmt in FORMATS:
            path = os.path.join(tmp, f"graph-{fmt}" + (".h5" if fmt.endswith("h5") else ".keras"))
            graph_models.write(path, fmt, layers, input_name, output_name, "Functional")
            _check_graph(path, layers, x, fmt)
            n += 1
        for frozen in [False, True]:
            layers, input_name, output_name = graph_models.transfer_model(frozen)
            x = RNG.standard_normal((6, 6, 2))
            for fmt in FORMATS:
                path = os.path.join(tmp, f"transfer-{frozen}-{fmt}" +
                                    (".h5" if fmt.endswith("h5") else ".keras"))
                graph_models.write(path, fmt, layers, input_name, output_name, "Sequential")
                _check_transfer(path, layers, x, f"{fmt} {'frozen' if frozen else 'trainable'}")
                n += 1
        image = os.path.join(tmp, "in.bin")
        RNG.random((8, 8, 3)).astype(np.float32).tofile(image)
        out = os.path.join(tmp, "out")
        r = subprocess.run([sys.executable, os.path.join(HERE, "keras_reference.py"),
                            os.path.join(tmp, "graph-keras3.keras"), image, out, "--class", "1",
                            "--activations", "--layers", "inner/proj", "add"],
                           capture_output=True, text=True)
        assert r.returncode == 0, r.stderr[-2000:]
        with open(os.path.join(out, "meta.json")) as f:
            meta = json.load(f)
        cat = next(l for l in meta["layers"] if l["name"] == "cat")
        assert cat["inbound"] == ["add", "inner_act"] and meta["layers"][0]["inbound"] == []
        for name in ["activation-inner/proj.bin", "gradcam-inner/proj.bin", "gradcam-add.bin"]:
            assert os.path.exists(os.path.join(out, name)), f"keras_reference.py wrote no {name}"
    return n + 1


CHECKS = [check_merges, check_depthwise, check_graph_files]
