"""Layer and model names as Keras generates them.

Keras 3 (keras/src/utils/naming.py: auto_name, uniquify, to_snake_case) and tf.keras 2.x
(keras/engine/base_layer.py _init_set_name -> backend.unique_object_name) both name an object
after its class in snake_case, with a per-prefix counter kept for the whole Python session:
the first `conv2d`, then `conv2d_1`, ...  tf.keras numbers Input layers from 1 (`input_1`,
keras/engine/input_layer.py, zero_based=False) and calls a functional model `model`
(keras/engine/functional.py _init_set_name); Keras 3 calls them `input_layer` and `functional`.

A notebook cell that builds a model and is run again keeps counting, so the second run gives
`sequential_1`, `conv2d_2`, ... `NameAllocator(reruns=R)` reproduces the names of the (R+1)-th
run of the same model-building code.
"""
import re
from collections import defaultdict


def to_snake_case(name):
    """CamelCase class name -> the snake_case prefix Keras derives from it ("ReLU" -> "re_lu")."""
    name = re.sub(r"\W+", "", name)
    # An upper-case letter that starts a capitalised word gets an underscore before it ...
    name = re.sub(r"(.)([A-Z][a-z]+)", r"\1_\2", name)
    # ... and so does an upper-case letter that follows a lower-case one.
    return re.sub(r"([a-z])([A-Z])", r"\1_\2", name).lower()


class NameAllocator:
    """Hands out auto-generated names for one model-building run.

    `counts` is how many objects of each prefix one run creates (from a dry run); with
    `reruns` earlier runs in the same session, every counter starts at reruns * count.
    """

    def __init__(self, reruns=0, counts=None):
        self.reruns = reruns
        self.counts = counts or {}
        self.used = defaultdict(int)

    def _index(self, prefix):
        i = self.reruns * self.counts.get(prefix, 0) + self.used[prefix]
        self.used[prefix] += 1
        return i

    def zero_based(self, prefix):
        """`conv2d`, `conv2d_1`, ... (Keras 3 uniquify, tf.keras zero_based=True)."""
        i = self._index(prefix)
        return prefix if i == 0 else f"{prefix}_{i}"

    def one_based(self, prefix):
        """`input_1`, `input_2`, ... (tf.keras Input layers)."""
        return f"{prefix}_{self._index(prefix) + 1}"


class CountingAllocator(NameAllocator):
    """Dry run: records how many names of each prefix a model-building run asks for."""

    def __init__(self):
        super().__init__(0, {})

    def result(self):
        return dict(self.used)
