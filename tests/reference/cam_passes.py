"""The class-activation maps that take passes of their own or none, as pytorch-grad-cam computes
them (score_cam.py, ablation_cam.py, eigen_cam.py), channels last; each the same layer's
(H', W') map after ReLU:
  scorecam     each channel upsampled to the input (bilinear, corners aligned), min-max normalized
               (+1e-8), masks the input; weights: softmax over channels of the masked inputs'
               class scores
  ablationcam  weights (y - y_k) / |y|, y_k the class score with channel k zeroed (pytorch-grad-cam
               divides by y: the same where y > 0)
  eigencam     the centred activations projected on their first right singular vector, its sign
               such that the projection agrees with the total activation per position
"""
import torch
import torch.nn.functional as F

METHODS = ["scorecam", "ablationcam", "eigencam"]
CHUNK = 16  # copies per forward pass


def _scores(net, inputs, cls, image=None, replace_name=None):
    """Class scores of each of `inputs`: images, or with image, outputs of layer replace_name."""
    out = []
    for i in range(0, inputs.shape[0], CHUNK):
        chunk = inputs[i:i + CHUNK]
        if replace_name is None:
            s = net.run(chunk)[0]
        else:
            x = image.expand(chunk.shape[0], *image.shape[1:])
            s = net.run(x, replace={replace_name: chunk})[0]
        out.append(s[:, cls])
    return torch.cat(out)


def cams(net, x, cls, name, act):
    """{method: map} at layer `name` whose output for image x (1, H, W, C) is act (1, h, w, k)."""
    a = act[0]
    h, w, k = a.shape
    with torch.no_grad():
        up = F.interpolate(a.permute(2, 0, 1)[None], size=x.shape[1:3], mode="bilinear",
                           align_corners=True)[0]  # (k, H, W)
        flat = up.reshape(k, -1)
        lo, hi = flat.min(dim=1)[0], flat.max(dim=1)[0]
        masks = (up - lo[:, None, None]) / (hi - lo + 1e-8)[:, None, None]
        score = torch.softmax(_scores(net, x * masks[..., None], cls), dim=0)

        y = net.run(x)[0][0, cls]
        ablated = a[None].repeat(k, 1, 1, 1)
        for i in range(k):
            ablated[i, :, :, i] = 0
        ablation = (y - _scores(net, ablated, cls, x, name)) / (y.abs() if y != 0 else 1.0)

        centred = a.reshape(-1, k) - a.reshape(-1, k).mean(dim=0)
        _, _, vh = torch.linalg.svd(centred, full_matrices=False)
        projection = centred @ vh[0]
        if (projection * a.reshape(-1, k).sum(dim=1)).sum() < 0:
            projection = -projection
    maps = {"scorecam": (score * a).sum(dim=2), "ablationcam": (ablation * a).sum(dim=2),
            "eigencam": projection.reshape(h, w)}
    return {m: F.relu(c).numpy() for m, c in maps.items()}
