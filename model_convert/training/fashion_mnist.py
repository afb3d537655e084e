"""Fashion-MNIST from Debian's dataset-fashion-mnist package, as it comes (28x28 grayscale) and as
the default model sees it: each image zero-padded to 32x32 and repeated into 3 channels."""
import gzip
import os

import numpy as np

DATA = "/usr/share/datasets/fashion-mnist"
LABELS = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag",
          "Ankle boot"]


def _read(name, offset):
    with gzip.open(os.path.join(DATA, name)) as f:
        return np.frombuffer(f.read(), dtype=np.uint8, offset=offset)


def load_28x28(split):
    """(images N x 28 x 28 x 1 uint8, labels N) for split 'train' or 't10k', as they come."""
    images = _read(f"{split}-images-idx3-ubyte.gz", 16).reshape(-1, 28, 28, 1)
    return images, _read(f"{split}-labels-idx1-ubyte.gz", 8).astype(np.int64)


def load(split):
    """(images N x 32 x 32 x 3 uint8, labels N) for split 'train' or 't10k'."""
    images, labels = load_28x28(split)
    images = images[..., 0]
    padded = np.zeros((len(images), 32, 32), np.uint8)
    padded[:, 2:30, 2:30] = images
    return np.repeat(padded[..., None], 3, axis=3), labels
