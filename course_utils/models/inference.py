"""Running a Keras model on many inputs: direct calls, a batch at a time (lessons 03, 08, 09).

    call_in_batches(model, inputs)   model(inputs, training=False) as one numpy array

Every batched model call of the course goes through it: class probabilities, features,
generated digits.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from course_utils import _arrays

__all__ = ["call_in_batches"]


def call_in_batches(model: Any, inputs: Any, batch_size: int = 500) -> np.ndarray:
    """``model(inputs, training=False)``, ``batch_size`` rows per call, as one numpy array.

    inputs: an array (N, ...), or a list of arrays that share N for a model with several
    inputs, e.g. [noise (N, latent_dim), labels (N,)]. Calling the model directly is much
    faster than ``model.predict`` on a few thousand inputs. Returns an array (N, ...).
    """
    batch_size = _arrays.positive_int(batch_size, "batch_size")
    several = isinstance(inputs, (list, tuple))
    arrays = list(inputs) if several else [inputs]
    count = len(arrays[0])
    if any(len(array) != count for array in arrays):
        raise ValueError(f"the model's inputs must share their first axis, got lengths "
                         f"{[len(array) for array in arrays]}: one row per example in each")
    parts = []
    for start in range(0, count, batch_size):
        batch = [array[start:start + batch_size] for array in arrays]
        parts.append(np.asarray(model(batch if several else batch[0], training=False)))
    return np.concatenate(parts)
