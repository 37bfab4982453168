"""Input checks shared by the course_utils modules: arrays, and inputs that earlier cells make."""

from __future__ import annotations

from typing import Any

import numpy as np


def run_first(section: str) -> str:
    """The hint for an input that an earlier cell makes: ``section`` is the heading of the
    lesson section whose cells make it, as written in the notebook."""
    return f"run the cells of '{section}' first"


def given(value: object, name: str, expected: str, hint: str) -> None:
    """A TypeError if ``value`` is None or ``...``: the cell that makes it was not run, or it
    still holds a placeholder. ``expected`` says what belongs there ("an array (N, 28, 28)"),
    ``hint`` what to do, usually ``run_first(section)``."""
    if value is None or value is Ellipsis:
        raise TypeError(f"{name} is {value!r}, expected {expected}: {hint}")


def callable_model(model: Any, name: str, expected: str, hint: str) -> None:
    """A TypeError unless ``model`` can be called on a batch, as a Keras model can."""
    given(model, name, expected, hint)
    if not callable(model):
        raise TypeError(f"{name} must be {expected}, got {type(model).__name__}: {hint}")


def finite_array(value: object, name: str, ndim: int, shape_text: str) -> np.ndarray:
    """``value`` as float64 with ``ndim`` axes and only finite values, or a ValueError saying
    which shape was expected (``shape_text``, e.g. "(N, T, D)") and what came instead."""
    if value is None or value is Ellipsis:
        # np.asarray turns None into a 0-d NaN, which would read as a shape problem
        raise TypeError(f"{name} is {value!r}, expected an array of shape {shape_text}: run "
                        "the cell that makes it first, or replace the ... placeholder")
    array = np.asarray(value, dtype=np.float64)
    if array.ndim != ndim:
        raise ValueError(f"{name} must have shape {shape_text}, got shape {array.shape} "
                         f"({array.ndim} axes instead of {ndim})")
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{name} contains NaN or infinite values: check the data or the "
                         "weights that produced it (did an earlier step explode?)")
    return array
