#!/usr/bin/python3
"""A few Fashion-MNIST test images (one per class, the first of each) as 32x32 PNGs for the page's
sample gallery and the CLI, exactly as the default model sees them (padded, 3 channels), and as
they come (28x28 gray) in 28x28/, for models of Fashion-MNIST's own size (web/examples/
own-model.html).
  /usr/bin/python3 model_convert/training/export_samples.py web/samples
"""
import os
import sys

from PIL import Image

sys.path.insert(0, os.path.dirname(__file__))
import fashion_mnist  # noqa: E402

WANTED = [0, 1, 5, 7, 8, 9]  # T-shirt/top, Trouser, Sandal, Sneaker, Bag, Ankle boot

out = sys.argv[1]
os.makedirs(os.path.join(out, "28x28"), exist_ok=True)
images, labels = fashion_mnist.load("t10k")
originals, _ = fashion_mnist.load_28x28("t10k")
for cls in WANTED:
    i = int((labels == cls).nonzero()[0][0])
    name = fashion_mnist.LABELS[cls].lower().replace("/", "-").replace(" ", "-")
    Image.fromarray(images[i]).save(os.path.join(out, f"fashion-{name}.png"), optimize=True)
    Image.fromarray(originals[i, :, :, 0]).save(os.path.join(out, "28x28", f"fashion-{name}.png"),
                                                optimize=True)
