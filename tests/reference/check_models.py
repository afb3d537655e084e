"""Whole-model checks of keras_explain.py on small in-memory chains (no file): the heads, saliency
against central finite differences of the class score, Grad-CAM against its formula, integrated
gradients' completeness, occlusion against one occluded forward pass; model configs parsed into
their graphs (keras_graph.py) or refused. Used by check_reference.py."""
import numpy as np
import torch

import keras_explain as ex
import keras_file
import keras_graph
from check_layers import RNG, close

L = keras_file.Layer


def chain(layers, shape=(9, 8, 3), flavor="keras3"):
    """A Sequential of `layers`: each reads the one before."""
    for source, layer in zip(["input_layer"] + [l.name for l in layers], layers):
        layer.inbound = [source]
    return ex.Network(keras_file.Model("memory", "memory", "3.13.2", flavor, "Sequential",
                                       "input_layer", shape, "in memory", layers))


def trunk(act="gelu"):
    """Smooth (no kinks) unless `act` has one: conv 'same' stride 2, BN, separable, pools, dense."""
    r = RNG.standard_normal
    return [
        L("conv", "Conv2D", {"strides": [2, 2], "padding": "same", "activation": act},
          [r((3, 3, 3, 4)) * 0.5, r(4) * 0.1]),
        L("bn", "BatchNormalization", {"axis": -1, "epsilon": 1e-3},
          [r(4) * 0.2 + 1, r(4) * 0.1, r(4) * 0.1, RNG.random(4) + 0.5]),
        L("sep", "SeparableConv2D", {"padding": "same", "activation": "linear"},
          [r((3, 3, 4, 2)) * 0.5, r((1, 1, 8, 5)) * 0.5, r(5) * 0.1]),
        L("prelu", "PReLU", {"shared_axes": [1, 2]}, [RNG.random((1, 1, 5))]),
        L("elu", "ELU", {}),
        L("pool", "AveragePooling2D", {"pool_size": [2, 2], "strides": [2, 2], "padding": "same"}),
        L("drop", "Dropout", {"rate": 0.5}),
        L("flat", "Flatten", {}),
    ]


def check_heads():
    r = RNG.standard_normal
    x = r((9, 8, 3))
    n = 0
    for head, act, units in [("softmax", "softmax", 6), ("logits", "linear", 6),
                             ("sigmoid-binary", "sigmoid", 1), ("sigmoid", "sigmoid", 4)]:
        layers = trunk() + [L("out", "Dense", {"activation": act}, [r((30, units)), r(units)])]
        net = chain(layers)
        assert net.head == head, (net.head, head)
        s, p = ex.scores(net, x)
        out = ex.activations(net, x)["out"]
        kernel, bias = layers[-1].weights
        z = ex.activations(chain(layers[:-1]), x)["flat"] @ kernel + bias
        if head == "softmax":
            close(s, z, "softmax head: score = pre-softmax value")
            close(p, out, "softmax head: probability = model output")
        elif head == "logits":
            close(s, out, "logits head: score = output")
            close(p, np.exp(s) / np.exp(s).sum(), "logits head: probability = softmax(score)")
        elif head == "sigmoid-binary":
            close(s, [-z[0], z[0]], "binary head: scores [-z, z]")
            close(p, [1 - out[0], out[0]], "binary head: probabilities [1 - s, s]")
        else:
            close(s, z, "sigmoid head: score = z")
            close(p, out, "sigmoid head: probability = sigmoid(z)")
        n += 2
    # Softmax as its own layer after a linear Dense, with a Dropout at the very end.
    layers = trunk() + [L("d", "Dense", {"activation": None}, [r((30, 5)), r(5)]),
                        L("sm", "Activation", {"activation": "softmax"}), L("tail", "Dropout", {})]
    net = chain(layers)
    s, p = ex.scores(net, x)
    close(s, ex.activations(net, x)["d"], "Activation('softmax') head: score = the Dense output")
    assert net.head == "softmax" and net.classes == 5
    return n + 1


def check_gradients():
    r = RNG.standard_normal
    n = 0
    for act in ["gelu", "tanh", "selu", "swish", "relu"]:
        layers = trunk(act) + [L("out", "Dense", {"activation": "softmax"}, [r((30, 6)), r(6)])]
        net = chain(layers)
        x = r((9, 8, 3))
        for cls in [0, 4]:
            g = ex.input_gradient(net, x, cls)
            for (i, j, c) in [(0, 0, 0), (4, 3, 1), (8, 7, 2), (5, 6, 0)]:
                h = 1e-6
                xp, xm = x.copy(), x.copy()
                xp[i, j, c] += h
                xm[i, j, c] -= h
                numeric = (ex.scores(net, xp)[0][cls] - ex.scores(net, xm)[0][cls]) / (2 * h)
                close(g[i, j, c], numeric,
                      f"saliency ({act}) at {(i, j, c)} vs finite differences", 1e-5)
                n += 1
    return n


def check_methods():
    r = RNG.standard_normal
    layers = trunk("relu") + [L("out", "Dense", {"activation": "softmax"}, [r((30, 6)), r(6)])]
    net = chain(layers)
    x, b = r((9, 8, 3)), r((9, 8, 3)) * 0.1
    # Grad-CAM from its formula with an independent autograd call.
    cams = ex.gradcam(net, x, 2, ["conv", "sep", "flat"])
    assert set(cams) == {"conv", "sep"}, "Grad-CAM skips non-spatial layers"
    t = torch.from_numpy(x).unsqueeze(0).requires_grad_(True)
    s, _, kept = net.run(t, keep={"sep"})
    (grad,) = torch.autograd.grad(s[0, 2], kept["sep"])
    a = kept["sep"].detach().numpy()[0]
    want = np.maximum((grad.numpy()[0].mean(axis=(0, 1)) * a).sum(axis=2), 0)
    close(cams["sep"], want, "Grad-CAM = ReLU(sum_k mean(dS/dA_k) A_k)")
    # Integrated gradients: completeness on a smooth model, converging as steps grow.
    out = L("out", "Dense", {"activation": "softmax"}, [r((30, 6)), r(6)])
    smooth = chain(trunk("tanh") + [out])
    gap = ex.scores(smooth, x)[0][3] - ex.scores(smooth, b)[0][3]
    errs = [abs(ex.integrated_gradients(smooth, x, b, 3, k).sum() - gap) for k in (8, 64, 512)]
    assert errs[2] < 0.02 * abs(gap) + 1e-6 and errs[2] < errs[0], \
        f"IG completeness {errs} vs {gap}"
    one = ex.integrated_gradients(smooth, x, b, 3, 1)
    close(one, (x - b) * ex.input_gradient(smooth, x, 3), "IG with one step = (x - b) dS/dx at x")
    # Occlusion: one square by hand.
    drops = ex.occlusion(net, x, 1, 4, 3, fill=0.5)
    boxes = [(t, l) for t in range(0, 6, 3) for l in range(0, 5, 3)]
    assert len(drops) == len(boxes) == 4
    y = x.copy()
    y[3:7, 3:7, :] = 0.5
    close(drops[3], ex.scores(net, x)[1][1] - ex.scores(net, y)[1][1],
          "occlusion drop of square (3, 3)")
    # Guided backpropagation changes the gradient (the rule itself: check_layers.check_guided).
    assert not np.allclose(ex.input_gradient(net, x, 1, True), ex.input_gradient(net, x, 1))
    return 5


def _node(src, keras3):
    if keras3:
        t = {"class_name": "__keras_tensor__", "config": {"keras_history": [src, 0, 0]}}
        return {"args": [t], "kwargs": {}}
    return [[src, 0, 0, {}]]


def _functional(edges, keras3=True, flat_refs=False, extra=()):
    """A Functional config whose layer i reads from edges[i] (None: an InputLayer)."""
    layers = []
    for name, src in edges:
        cls = "InputLayer" if src is None else "Dense"
        nodes = [] if src is None else [_node(src, keras3)]
        if isinstance(src, list):
            nodes = [{"args": [[_node(s, True)["args"][0] for s in src]], "kwargs": {}}]
            cls = "Add"
        layers.append({"class_name": cls, "name": name, "inbound_nodes": nodes,
                       "config": {"name": name, "batch_shape": [None, 4, 4, 1]}})
    layers += list(extra)
    ref = lambda n: [n, 0, 0] if flat_refs else [[n, 0, 0]]  # noqa: E731
    return {"class_name": "Functional",
            "config": {"layers": layers, "input_layers": ref(edges[0][0]),
                       "output_layers": ref(edges[-1][0])}}


def check_parsing():
    """Every serialization is read into the graph it describes, in an order to run it; what the
    reference cannot run is refused."""
    def parse(cfg, flavor="keras3"):
        tree, shape, _, order = keras_graph.parse(cfg, flavor)
        return tree.model_class, tree.input_name, shape, [(e.flat, e.sources) for e in order]
    # Keras 3 writes layers in map_graph order, not necessarily execution order.
    cfg = _functional([("in", None), ("b", "a"), ("a", "in"), ("c", "b")])
    assert [n for n, _ in parse(cfg)[3]] == ["a", "b", "c"]
    for keras3, flat in [(True, True), (False, False)]:
        cfg = _functional([("in", None), ("a", "in"), ("b", "a")], keras3, flat)
        got = parse(cfg)
        assert got == ("Functional", "in", (4, 4, 1), [("a", ["in"]), ("b", ["a"])]), got
    branch = _functional([("in", None), ("a", "in"), ("b", "in"), ("c", ["a", "b"])])
    assert parse(branch)[3] == [("a", ["in"]), ("b", ["in"]), ("c", ["a", "b"])]
    seq = {"class_name": "Sequential", "config": {"name": "s", "layers": [
        {"class_name": "Conv2D",
         "config": {"name": "conv2d", "batch_input_shape": [None, 5, 6, 1]}}]}}
    assert parse(seq, "tf2")[1:3] == ("conv2d_input", (5, 6, 1)), "tf.keras 2 implicit input name"
    seq["config"]["layers"][0]["config"].pop("batch_input_shape")
    seq["config"]["build_input_shape"] = [None, 5, 6, 1]
    assert parse(seq)[1:3] == ("input_layer", (5, 6, 1)), "Keras 3 implicit input name"
    two_calls = _functional([("in", None), ("a", "in"), ("b", "a")])
    two_calls["config"]["layers"][1]["inbound_nodes"].append(_node("in", True))
    cycle = _functional([("in", None), ("a", "in"), ("b", ["a", "c"]), ("c", "b")])
    second_output = _functional([("in", None), ("a", "in"), ("b", "a")])
    second_output["config"]["layers"][2]["inbound_nodes"] = [[["a", 0, 1, {}]]]
    refused = [
        _functional([("in", None), ("a", "in")], extra=[{"class_name": "Dense", "name": "x",
                                                       "inbound_nodes": [], "config": {}}]),
        _functional([("in", None), ("a", "in"), ("dead", "in"), ("b", "a")]),
        two_calls, cycle, second_output,
        {"class_name": "Sequential", "config": {"layers": [
            {"class_name": "InputLayer", "config": {"name": "i", "batch_shape": [None, 4, 4, 1]}},
            {"class_name": "Sequential", "config": {"name": "inner", "layers": []}}]}},
        {"class_name": "MyModel", "config": {}},
    ]
    for cfg in refused:
        try:
            parse(cfg)
        except keras_graph.GraphError:
            continue
        raise AssertionError(f"not refused: {cfg}")
    return 7 + len(refused)


CHECKS = [check_heads, check_gradients, check_methods, check_parsing]
