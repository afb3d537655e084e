#!/usr/bin/python3
"""Statistics of the default model's training pictures, for model_convert --training-pictures:
per input value (32x32x3, after the model's 'tf' preprocessing) the mean and standard deviation of
Fashion-MNIST's 60,000 training pictures, and the score (mean squared z-score, as the core computes
it: wasm/model/training_pictures.h) that 99% of them stay under, and that they are gray. Prints how
often the test pictures score above it.

  /usr/bin/python3 model_convert/training/training_pictures.py build/default-model/pictures.json
  build/native/model_convert/model_convert web/models/default.bin -o web/models/default.bin \
      --training-pictures build/default-model/pictures.json
"""
import json
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(__file__))
import fashion_mnist  # noqa: E402

QUANTILE = 0.99
# Fashion-MNIST's padding is black in every picture (deviation 0): the floor, about 6 gray levels,
# keeps one stray pixel there from counting as much as a whole unlike picture.
STD_FLOOR = 0.05


def preprocess(x_uint8):
    """Keras' 'tf' preprocessing, as the default model's header states: [0, 255] -> [-1, 1]
    (float32: the 60,000 training pictures take 0.7 GB so)."""
    return x_uint8.astype(np.float32) / 127.5 - 1.0


def main():
    out = sys.argv[1]
    train, _ = fashion_mnist.load("train")
    test, _ = fashion_mnist.load("t10k")
    # Gray pictures repeated into the model's three channels: what it makes is gray too.
    gray = bool((train == train[..., :1]).all())
    train, test = preprocess(train), preprocess(test)
    mean = train.mean(0, dtype=np.float64)
    std = np.maximum(train.std(0, dtype=np.float64), STD_FLOOR)

    def scores(x):
        """Each picture's score, 1,000 pictures at a time (in float64)."""
        return np.concatenate([(((x[i:i + 1000] - mean) / std) ** 2).reshape(-1, mean.size).mean(1)
                               for i in range(0, len(x), 1000)])

    threshold = float(np.quantile(scores(train), QUANTILE))
    stats = {
        "about": f"Fashion-MNIST training set, {len(train):,} pictures",
        "shape": list(mean.shape),
        "mean": [round(float(v), 5) for v in mean.ravel()],
        "std": [round(float(v), 5) for v in std.ravel()],
        "threshold": round(threshold, 4),
        "quantile": QUANTILE,
        "gray": gray,
    }
    os.makedirs(os.path.dirname(out) or ".", exist_ok=True)
    with open(out, "w") as f:
        json.dump(stats, f)
    print(json.dumps({"threshold": stats["threshold"],
                      "test_unlike": float((scores(test) > threshold).mean())}))


if __name__ == "__main__":
    main()
