"""Input checks shared by the course_utils modules: counts, fractions, seeds, arrays, digit
images, and inputs that earlier cells make. One check per kind of input, so that the same
input gets the same verdict, and the same advice, everywhere."""

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


def _requirement(minimum: int | None, maximum: int | None) -> str:
    if minimum is None and maximum is None:
        return "an int"
    if maximum is None:
        return {0: "a non-negative int (0, 1, 2, ...)",
                1: "a positive int (1, 2, 3, ...)"}.get(minimum, f"an int of at least {minimum}")
    if minimum is None:
        return f"an int of at most {maximum}"
    return f"an int between {minimum} and {maximum}"


def _how_to_fix(value: object) -> str:
    """What to write instead of ``value``, which is not an int."""
    if isinstance(value, bool | np.bool_):
        return "True and False are not numbers here: write the number itself"
    if isinstance(value, float | np.floating) and np.isfinite(value) and float(value).is_integer():
        return f"write {int(value)}, without the decimal point"
    if isinstance(value, float | np.floating):
        return "round it to a whole number first, e.g. int(round(x))"
    if isinstance(value, str):
        return "write the number without quotes"
    return "give a single whole number"


def whole_number(value: object, name: str, minimum: int | None = None,
                 maximum: int | None = None, hint: str = "") -> int:
    """``value`` as a Python int, or a ValueError.

    Accepts Python ints and numpy integers within [minimum, maximum] (either bound may be
    None). Refuses bool (True is not a count), floats, even 3.0, strings and arrays; the
    error says what was expected, what came, and what to write instead. ``hint`` is added
    to the error when the value is an int out of range ("the rarest class has 400").
    """
    requirement = _requirement(minimum, maximum)
    if isinstance(value, bool | np.bool_) or not isinstance(value, int | np.integer):
        raise ValueError(f"{name} must be {requirement}, got {value!r} "
                         f"({type(value).__name__}): {_how_to_fix(value)}")
    if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
        raise ValueError(f"{name} must be {requirement}, got {value!r}"
                         + (f": {hint}" if hint else ""))
    return int(value)


def positive_int(value: object, name: str, hint: str = "") -> int:
    """``value`` as an int >= 1 (a count, a size, a number of steps), or a ValueError."""
    return whole_number(value, name, minimum=1, hint=hint)


def non_negative_int(value: object, name: str, hint: str = "") -> int:
    """``value`` as an int >= 0 (a seed, an index, an amount of padding), or a ValueError."""
    return whole_number(value, name, minimum=0, hint=hint)


def seed(value: object, name: str = "seed") -> int:
    """A random seed: an int >= 0, as ``np.random.default_rng`` and Keras accept."""
    return non_negative_int(value, name)


def _real(value: object) -> float | None:
    """``value`` as a float if it is one real number (an int, a float, numpy's, or a 0-d
    array of them; not a bool), else None."""
    if isinstance(value, np.ndarray) and value.ndim == 0:
        value = value[()]
    if isinstance(value, bool | np.bool_) or not isinstance(value, int | float | np.integer
                                                            | np.floating):
        return None
    return float(value)


def fraction(value: object, name: str, low_open: bool = False, high_open: bool = False,
             hint: str = "") -> float:
    """``value`` as a float in [0, 1], or a ValueError; ``low_open``/``high_open`` leave 0 or
    1 out: a dropout rate lies in [0, 1), a test fraction in (0, 1).

    Accepts Python and numpy ints and floats (and 0-d arrays of them); refuses bool, strings,
    NaN and infinities.
    """
    interval = f"{'(' if low_open else '['}0, 1{')' if high_open else ']'}"
    number = _real(value)
    if number is None:
        raise ValueError(f"{name} must be a number in {interval}, got {value!r} "
                         f"({type(value).__name__})" + (f": {hint}" if hint else ""))
    if not (0.0 < number if low_open else 0.0 <= number) or not (
            number < 1.0 if high_open else number <= 1.0):  # NaN fails both
        raise ValueError(f"{name} must be a number in {interval}, got {value!r}"
                         + (f": {hint}" if hint else ""))
    return number


def non_negative_number(value: object, name: str, zero_allowed: bool = True,
                        hint: str = "") -> float:
    """``value`` as a finite float >= 0 (> 0 when ``zero_allowed`` is False), or a ValueError:
    a standard deviation, a radius, a norm. Accepts Python and numpy ints and floats (and 0-d
    arrays of them); refuses bool, strings, NaN and infinities."""
    requirement = "a finite number >= 0" if zero_allowed else "a finite number > 0"
    number = _real(value)
    if number is None:
        raise ValueError(f"{name} must be {requirement}, got {value!r} "
                         f"({type(value).__name__})" + (f": {hint}" if hint else ""))
    if not np.isfinite(number) or number < 0 or (number == 0 and not zero_allowed):
        raise ValueError(f"{name} must be {requirement}, got {value!r}"
                         + (f": {hint}" if hint else ""))
    return number


_DIGIT_SHAPES = {(28, 28, 1), (28, 28), (784,)}
# Pixels a float32 round-off away from [0, 1] are clipped, not refused
_PIXEL_TOLERANCE = 1e-3


def digit_images(value: object, name: str = "images", shape: tuple[int, ...] = (28, 28, 1),
                 hint: str = "run the cell that makes them first") -> np.ndarray:
    """Digit images as float32 of shape (N, *shape) with values in [0, 1], or an error.

    value: (N, 28, 28), (N, 28, 28, 1) or (N, 784), N >= 1, finite, values in [0, 1] (within
    1e-3, then clipped). ``shape`` is the shape one image is returned in: (28, 28, 1),
    (28, 28) or (784,). ``hint`` says where the images come from, for a None, ``...`` or a
    wrong shape.
    The one image check of the course: the data, the classifiers, the quality scores and the
    GANs read images through it.
    """
    if shape not in _DIGIT_SHAPES:
        raise ValueError(f"shape must be one of {sorted(_DIGIT_SHAPES)}, got {shape!r}")
    given(value, name, "digits of shape (N, 28, 28) with values in [0, 1]", hint)
    images = np.asarray(value, dtype=np.float32)
    if images.ndim < 2 or images.shape[1:] not in _DIGIT_SHAPES:
        fix = ("for one digit, add a batch axis: images[None]"
               if images.shape in _DIGIT_SHAPES else
               f"digits are 28 x 28 grey images, like data.load_digits() returns: {hint}")
        raise ValueError(f"{name} must have shape (N, 28, 28), (N, 28, 28, 1) or (N, 784), "
                         f"got {images.shape}: {fix}")
    if len(images) == 0:
        raise ValueError(f"{name} is an empty batch (shape {images.shape}): give at least "
                         "one image")
    if not np.all(np.isfinite(images)):
        raise ValueError(f"{name} contains NaN or infinite values: check the model or the "
                         "step that produced them")
    low, high = float(images.min()), float(images.max())
    if low < -_PIXEL_TOLERANCE or high > 1.0 + _PIXEL_TOLERANCE:
        fix = ("images in [-1, 1] (a tanh output) become [0, 1] with (x + 1) / 2"
               if low >= -1.0 - _PIXEL_TOLERANCE and high <= 1.0 + _PIXEL_TOLERANCE else
               "divide 0..255 pixels by 255 (data.load_digits() already does)")
        raise ValueError(f"{name} must have values in [0, 1], got values in [{low:.3g}, "
                         f"{high:.3g}]: {fix}")
    return np.clip(images, 0.0, 1.0).reshape((len(images), *shape))
