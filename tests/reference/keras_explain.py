"""The class scores ("head") of a Keras model (a graph of layers, keras_layers.build) and the
explanation methods convscope's tests compare against, in float64 autograd, which also takes the
gradients through every branch of the graph.

Heads (the layer that decides is the output layer, or, when that is an inference-identity layer
such as Dropout, the layer it passes through, and so on; `z` is that layer's value before its
activation):
  softmax         last activation softmax (fused, Activation or Softmax layer): score = z,
                  probability = softmax(z)
  sigmoid-binary  sigmoid with one unit: two classes, scores [-z, z], probabilities
                  [1 - sigmoid(z), sigmoid(z)]
  sigmoid         sigmoid with N > 1 units: score z_c, probability sigmoid(z_c)
  logits          anything else, e.g. a linear Dense trained with from_logits=True: score = the
                  model's output, probability = softmax(score); `head_activation` in meta.json
                  names the last activation when it is not linear
Methods, for one class score S:
  saliency        dS / d input
  guided          the same through guided backpropagation (keras_activations.GUIDED)
  gradcam         ReLU(sum_k alpha_k A_k), alpha_k = spatial mean of dS / dA_k, at A's resolution,
                  A any layer's output (H', W', K) (merge and activation layers too)
  gradcam-plus-plus, hirescam, xgradcam, layercam
                  the same layer's other CAMs as pytorch-grad-cam computes them (cam_family)
  scorecam, ablationcam, eigencam
                  the CAMs of extra passes or none (cam_passes.py)
  ig              (x - b) * mean over k = 1..N of dS/dx at b + k/N (x - b) (right Riemann sum)
  occlusion       probability(x) - probability(x with a PATCH x PATCH square set to FILL in every
                  channel), squares every STRIDE pixels, rows then columns
"""
import numpy as np
import torch
import torch.nn.functional as F

import cam_passes
import keras_layers

CHUNK = 16  # occluded images per forward pass


class Network:
    def __init__(self, model):
        self.model = model
        self.layers = keras_layers.build(model)
        by_name = {b.name: b for b in self.layers}
        name = self.layers[-1].name if self.layers else model.input_name
        while name in by_name and by_name[name].identity:
            name = by_name[name].inbound[0]
        if name not in by_name:
            raise ValueError("the model has no layer that computes anything")
        self.head_name = name
        head = by_name[name]
        if len(head.output_shape) != 1:
            raise ValueError(f"the model's output {head.output_shape} is not a vector of class "
                             "scores")
        units = head.output_shape[0]
        if head.act_name == "softmax":
            self.head, self.classes = "softmax", units
        elif head.act_name == "sigmoid":
            self.head = "sigmoid-binary" if units == 1 else "sigmoid"
            self.classes = 2 if units == 1 else units
        else:
            self.head, self.classes = "logits", units
        self.head_activation = head.act_name

    def layer_shapes(self):
        """[(name, class_name, output_shape)] in execution order, the input first."""
        m = self.model
        return [(m.input_name, "InputLayer", tuple(m.input_shape))] + \
            [(b.name, b.class_name, tuple(b.output_shape)) for b in self.layers]

    def run(self, x, guided=False, keep=(), replace=None):
        """x: (N, H, W, C) float64 -> (scores (N, K), probabilities (N, K), {name: output});
        replace: {name: tensor} to use in place of those layers' outputs."""
        values = {self.model.input_name: x}
        z = None
        for b in self.layers:
            ins = [values[s] for s in b.inbound]
            pre = b.pre(ins if b.merge else ins[0], guided)
            if b.name == self.head_name:
                z = pre
            values[b.name] = b.act(pre, guided)
            if replace and b.name in replace:
                values[b.name] = replace[b.name]
        kept = {}
        for name in keep:
            if name in values:
                if values[name].requires_grad:
                    values[name].retain_grad()
                kept[name] = values[name]
        h = values[self.layers[-1].name]
        if self.head == "softmax":
            return z, torch.softmax(z, dim=-1), kept
        if self.head == "sigmoid-binary":
            p = torch.sigmoid(z)
            return torch.cat([-z, z], dim=-1), torch.cat([1 - p, p], dim=-1), kept
        if self.head == "sigmoid":
            return z, torch.sigmoid(z), kept
        return h, torch.softmax(h, dim=-1), kept


def _input(image):
    """(H, W, C) or (N, H, W, C) numpy -> float64 tensor (N, H, W, C) that records its gradient."""
    x = torch.from_numpy(np.asarray(image, dtype=np.float64))
    return (x if x.dim() == 4 else x.unsqueeze(0)).clone().requires_grad_(True)


def f32(t):
    return t.detach().numpy().astype(np.float32)


def scores(net, image):
    with torch.no_grad():
        s, p, _ = net.run(_input(image).detach())
    return s[0].numpy(), p[0].numpy()


def activations(net, image):
    """{name: output (NHWC, batch axis dropped)} for the input and every layer."""
    names = [n for n, _, _ in net.layer_shapes()]
    with torch.no_grad():
        _, _, kept = net.run(_input(image).detach(), keep=set(names))
    return {n: kept[n][0].numpy() for n in names}


def input_gradient(net, image, cls, guided=False):
    """dS / d input, (H, W, C)."""
    x = _input(image)
    s, _, _ = net.run(x, guided=guided)
    s[0, cls].backward()
    return x.grad[0].numpy()


def gradcam(net, image, cls, layers):
    """{layer: (H', W') map} for the layers whose output is spatial; skips the others."""
    return saliency_and_gradcam(net, image, cls, layers)[3]


# The class-activation maps besides Grad-CAM, as pytorch-grad-cam computes them (its
# base_cam.py and the methods' get_cam_weights / get_cam_image), channels last here.
CAM_FAMILY = ["gradcam-plus-plus", "hirescam", "xgradcam", "layercam"] + cam_passes.METHODS


def cam_family(act, grad):
    """{method: (H', W') map} of one layer from its activation and d score / d activation."""
    a, g = act[0].detach(), grad[0]
    totals = a.sum(dim=(0, 1))  # per channel, over the positions
    g2 = g ** 2
    aij = g2 / (2 * g2 + totals * g2 * g + 1e-6)
    aij = torch.where(g != 0, aij, torch.zeros_like(aij))
    plus_plus = (F.relu(g) * aij).sum(dim=(0, 1))
    xgrad = (g * a).sum(dim=(0, 1)) / (totals + 1e-7)
    cams = {"gradcam-plus-plus": (plus_plus * a).sum(dim=2), "hirescam": (g * a).sum(dim=2),
            "xgradcam": (xgrad * a).sum(dim=2), "layercam": (F.relu(g) * a).sum(dim=2)}
    return {m: F.relu(c).numpy() for m, c in cams.items()}


def saliency_and_gradcam(net, image, cls, layers):
    """One forward and backward pass: (scores, probabilities, dS / d input, Grad-CAM maps)."""
    s, p, saliency, cams = saliency_and_cams(net, image, cls, layers)
    return s, p, saliency, cams["gradcam"]


def saliency_and_cams(net, image, cls, layers, passes=False):
    """As saliency_and_gradcam, with {method: {layer: map}} for Grad-CAM and CAM_FAMILY (with
    `passes`, cam_passes.METHODS too: they take a forward pass per channel)."""
    x = _input(image)
    s, p, kept = net.run(x, keep=set(layers))
    missing = [n for n in layers if n not in kept]
    if missing:
        names = [n for n, _, _ in net.layer_shapes()]
        raise ValueError(f"no layer named {missing} (layers: {names})")
    s[0, cls].backward()
    cams = {m: {} for m in ["gradcam"] + CAM_FAMILY if passes or m not in cam_passes.METHODS}
    for name in layers:
        act = kept[name]
        if act.dim() != 4:
            continue
        weights = act.grad.mean(dim=(1, 2), keepdim=True)
        cams["gradcam"][name] = F.relu((weights * act).sum(dim=3))[0].detach().numpy()
        for method, cam in cam_family(act, act.grad).items():
            cams[method][name] = cam
        if passes:
            for method, cam in cam_passes.cams(net, x.detach(), cls, name, act.detach()).items():
                cams[method][name] = cam
    return s[0].detach().numpy(), p[0].detach().numpy(), x.grad[0].numpy(), cams


def integrated_gradients(net, image, baseline, cls, steps):
    image, baseline = np.asarray(image, np.float64), np.asarray(baseline, np.float64)
    total = np.zeros_like(image)
    for k in range(1, steps + 1):
        total += input_gradient(net, baseline + (k / steps) * (image - baseline), cls)
    return (image - baseline) * total / steps


def occlusion(net, image, cls, patch, stride, fill=0.0):
    """Drops of the class probability, rows of squares then columns."""
    x = torch.from_numpy(np.asarray(image, np.float64))
    h, w = x.shape[0], x.shape[1]
    boxes = [(t, l) for t in range(0, h - patch + 1, stride)
             for l in range(0, w - patch + 1, stride)]
    drops = []
    with torch.no_grad():
        base = net.run(x.unsqueeze(0))[1][0, cls]
        for i in range(0, len(boxes), CHUNK):
            batch = x.unsqueeze(0).repeat(len(boxes[i:i + CHUNK]), 1, 1, 1)
            for j, (t, l) in enumerate(boxes[i:i + CHUNK]):
                batch[j, t:t + patch, l:l + patch, :] = fill
            drops += list((base - net.run(batch)[1][:, cls]).numpy())
    return np.array(drops, dtype=np.float64)
