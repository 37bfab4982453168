"""Input checks shared by the numpy references (recurrent, gated)."""

from __future__ import annotations

import numpy as np


def finite_array(value: object, name: str, ndim: int, shape_text: str) -> np.ndarray:
    """``value`` as float64 with ``ndim`` axes and only finite values, or a ValueError saying
    which shape was expected (``shape_text``, e.g. "(N, T, D)") and what came instead."""
    array = np.asarray(value, dtype=np.float64)
    if array.ndim != ndim:
        raise ValueError(f"{name} must have shape {shape_text}, got shape {array.shape} "
                         f"({array.ndim} axes instead of {ndim})")
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{name} contains NaN or infinite values: check the data or the "
                         "weights that produced it (did an earlier step explode?)")
    return array
