"""The digit explorer: the transform is right, the controls drive the model, and it is fast."""


import keras
import numpy as np
import pytest
from scipy import ndimage

from course_utils import data, explore
from course_utils.explore import digits as explore_digits


@pytest.fixture(scope="module")
def digits_and_model():
    _, (x_test, y_test) = data.load_digits()
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((28, 28, 1)), keras.layers.Conv2D(4, 3),
                              keras.layers.Flatten(),
                              keras.layers.Dense(10, activation="softmax")])
    return x_test[:20], y_test[:20], model


def test_transform_without_change_is_the_image(digits_and_model):
    images, _, _ = digits_and_model
    np.testing.assert_array_equal(explore_digits.transform_digit(images[0]), images[0])


def test_shift_moves_the_ink(digits_and_model):
    images, _, _ = digits_and_model
    moved = explore_digits.transform_digit(images[0], shift_x=3, shift_y=-2)
    np.testing.assert_allclose(moved[:-2 - 0, 3:][:24], images[0][2:, :-3][:24], atol=1e-6)
    rows, columns = np.nonzero(images[0] > 0.5)
    new_rows, new_columns = np.nonzero(moved > 0.5)
    assert np.mean(new_columns) == pytest.approx(np.mean(columns) + 3, abs=0.01)
    assert np.mean(new_rows) == pytest.approx(np.mean(rows) - 2, abs=0.01)


def test_rotation_matches_scipy_and_noise_repeats(digits_and_model):
    images, _, _ = digits_and_model
    turned = explore_digits.transform_digit(images[1], rotation_degrees=30)
    expected = np.clip(ndimage.rotate(images[1], 30, reshape=False, order=1), 0, 1)
    np.testing.assert_allclose(turned, expected, atol=1e-6)
    noisy = explore_digits.transform_digit(images[1], noise=0.3, seed=4)
    assert noisy.min() >= 0 and noisy.max() <= 1 and not np.allclose(noisy, images[1])
    np.testing.assert_array_equal(noisy, explore_digits.transform_digit(images[1], noise=0.3,
                                                                         seed=4))


def test_transform_rejects_bad_input(digits_and_model):
    images, _, _ = digits_and_model
    with pytest.raises(ValueError, match="pick one image"):
        explore_digits.transform_digit(images[:2])
    with pytest.raises(ValueError, match="noise must be a finite number >= 0.*standard deviation"):
        explore_digits.transform_digit(images[0], noise=-0.1)


def test_controls_update_the_prediction(digits_and_model):
    images, labels, model = digits_and_model
    explorer = explore_digits.DigitExplorer(model, images, labels, index=0)
    before = explorer.view.image.value
    explorer.controls["index"].value = 5
    expected = np.asarray(model(images[5][None, ..., None], training=False))[0]
    heights = np.array([bar.get_height() for bar in explorer._bars])
    np.testing.assert_allclose(heights, expected, rtol=1e-5)
    assert f"true label {labels[5]}" in explorer._left.get_title()
    explorer.controls["rotation"].value = 45
    assert explorer.view.image.value != before
    np.testing.assert_allclose(explorer.current_image(),
                               explore_digits.transform_digit(images[5], rotation_degrees=45,
                                                              seed=5))


def test_explorer_rejects_mismatched_input(digits_and_model):
    images, labels, model = digits_and_model
    with pytest.raises(ValueError, match="labels"):
        explore_digits.DigitExplorer(model, images, labels[:3])
    with pytest.raises(ValueError, match="index"):
        explore_digits.DigitExplorer(model, images, labels, index=len(images))
    with pytest.raises(ValueError, match="shape"):
        explore_digits.DigitExplorer(model, images[..., None], labels)


def test_latency_is_measured_over_every_control(digits_and_model):
    # how fast is the benchmark's business (make bench); here only that every control is swept
    images, labels, model = digits_and_model
    explorer = explore_digits.DigitExplorer(model, images, labels)
    swept = {name for name, _ in explorer.sweep()}
    assert swept == set(explorer.controls)
    assert explore.measure_latency(explorer, repeats=1)["changes"] > 10
