"""The shared input checks: the same input gets the same verdict, whichever module asks."""

import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from course_utils import _arrays, conv, data, forecast, gated, recurrence

SETTINGS = settings(max_examples=60, deadline=None)
NUMPY_INTEGERS = [np.int8, np.int16, np.int32, np.int64, np.uint8, np.uint16, np.uint32]


def ints(low: int, high: int) -> st.SearchStrategy:
    """Python ints and numpy integers of every width in [low, high]."""
    python = st.integers(low, high)
    numpy = st.sampled_from(NUMPY_INTEGERS).flatmap(lambda kind: st.integers(
        max(low, int(np.iinfo(kind).min)), min(high, int(np.iinfo(kind).max))).map(kind))
    return python | numpy


ADVICE = {"True and False are not numbers here: write the number itself",
          "write the number without quotes", "give a single whole number",
          "round it to a whole number first, e.g. int(round(x))"}
NOT_INTS = (st.booleans() | st.sampled_from([np.True_, np.False_])
            | st.floats(allow_nan=True, allow_infinity=True)
            | st.floats(-1e6, 1e6).map(np.float32) | st.text(max_size=4)
            | st.just(None) | st.just([1]) | st.just(np.array(3)))


@SETTINGS
@given(ints(-10**6, 10**6), st.integers(-50, 50), st.integers(0, 100))
def test_whole_number_accepts_exactly_the_ints_in_range(value, minimum, width):
    maximum = minimum + width
    if minimum <= value <= maximum:
        result = _arrays.whole_number(value, "x", minimum, maximum)
        assert result == value and type(result) is int
    else:
        with pytest.raises(ValueError, match=f"x must be an int between {minimum} and {maximum}"
                                             f", got"):
            _arrays.whole_number(value, "x", minimum, maximum)


@SETTINGS
@given(NOT_INTS)
def test_whole_number_refuses_what_is_not_an_int_and_says_what_to_write(value):
    with pytest.raises(ValueError) as error:
        _arrays.whole_number(value, "count")
    message = str(error.value)
    assert message.startswith("count must be an int, got ")
    assert f"({type(value).__name__}): " in message
    advice = message.split(f"({type(value).__name__}): ", 1)[1]
    assert advice in ADVICE or re.fullmatch(r"write -?\d+, without the decimal point", advice)


@pytest.mark.parametrize("value, advice", [
    (True, "True and False are not numbers here"), (3.0, "write 3, without the decimal point"),
    (np.float64(2.5), "int\\(round\\(x\\)\\)"), ("4", "without quotes"),
])
def test_the_advice_fits_the_mistake(value, advice):
    with pytest.raises(ValueError, match=advice):
        _arrays.positive_int(value, "units")


@SETTINGS
@given(ints(-100, 100) | NOT_INTS)
def test_every_count_check_gives_the_same_verdict(value):
    """A bool, a float or numpy integer is judged the same by every module's count check."""
    checks = [
        lambda: _arrays.positive_int(value, "x"),
        lambda: conv.conv_output_size(64, 1, value),
        lambda: forecast.make_windows(np.arange(200.0), 2, value),
        lambda: gated.lstm_parameter_count(3, value),
        lambda: gated.gru_parameter_count(3, value),
        lambda: conv.receptive_field([(1, value)]),
        lambda: recurrence.recurrent_matrix(value, 1.0),
    ]
    verdicts = set()
    for check in checks:
        try:
            check()
            verdicts.add("accepted")
        except ValueError as error:
            verdicts.add("refused")
            assert "must be a positive int (1, 2, 3, ...), got" in str(error)
    assert len(verdicts) == 1, f"{value!r} is accepted by some checks and refused by others"
    valid = not isinstance(value, bool | np.bool_) and isinstance(value, int | np.integer)
    assert verdicts == {"accepted" if valid and value >= 1 else "refused"}


@SETTINGS
@given(ints(-5, 10**6))
def test_seeds_are_the_non_negative_ints(value):
    if value >= 0:
        assert _arrays.seed(value) == value
    else:
        with pytest.raises(ValueError, match="seed must be a non-negative int"):
            _arrays.seed(value)


@SETTINGS
@given(st.floats(allow_nan=True, allow_infinity=True) | st.integers(-3, 3)
       | st.floats(-2, 2).map(np.float32), st.booleans(), st.booleans())
def test_fraction_accepts_exactly_the_interval(value, low_open, high_open):
    number = float(value)
    inside = (0 < number if low_open else 0 <= number) and (
        number < 1 if high_open else number <= 1)
    if inside:
        assert _arrays.fraction(value, "rate", low_open, high_open) == number
    else:
        interval = f"{'(' if low_open else '['}0, 1{')' if high_open else ']'}"
        with pytest.raises(ValueError, match=f"rate must be a number in \\{interval[0]}0, 1"):
            _arrays.fraction(value, "rate", low_open, high_open)


@SETTINGS
@given(st.floats(allow_nan=True, allow_infinity=True) | st.integers(-3, 10**6)
       | st.floats(-2, 2).map(np.float32), st.booleans())
def test_non_negative_number_accepts_exactly_the_finite_numbers_from_0(value, zero_allowed):
    number = float(value)
    if np.isfinite(number) and (number > 0 or (number == 0 and zero_allowed)):
        assert _arrays.non_negative_number(value, "radius", zero_allowed) == number
    else:
        with pytest.raises(ValueError, match="radius must be a finite number >"):
            _arrays.non_negative_number(value, "radius", zero_allowed)


@pytest.mark.parametrize("value", [True, "1", None])
def test_non_negative_number_refuses_what_is_not_a_number(value):
    with pytest.raises(ValueError, match=r"noise must be a finite number >= 0, got .*\("):
        _arrays.non_negative_number(value, "noise")


def test_a_0d_array_is_a_number():
    assert _arrays.fraction(np.array(0.25), "mix") == 0.25
    assert _arrays.non_negative_number(np.float32(2.0)[()], "radius") == 2.0


@pytest.mark.parametrize("value", [True, np.False_, "0.5", None, [0.5], np.array([0.5])])
def test_fraction_refuses_what_is_not_a_number(value):
    with pytest.raises(ValueError, match="rate must be a number in \\[0, 1\\], got"):
        _arrays.fraction(value, "rate")


IMAGE_SHAPES = [(28, 28), (28, 28, 1), (784,)]


@SETTINGS
@given(st.integers(1, 3), st.sampled_from(IMAGE_SHAPES), st.sampled_from(IMAGE_SHAPES),
       st.sampled_from([np.float32, np.float64, np.uint8]))
def test_digit_images_accept_every_layout_and_return_the_one_asked_for(count, given_shape,
                                                                       shape, dtype):
    pixels = np.random.default_rng(count).random((count, 784))
    pixels = (pixels > 0.5) if dtype is np.uint8 else pixels
    images = pixels.astype(dtype).reshape((count, *given_shape))
    result = _arrays.digit_images(images, shape=shape)
    assert result.dtype == np.float32 and result.shape == (count, *shape)
    np.testing.assert_allclose(result.reshape(count, 784), pixels.astype(np.float32))


@SETTINGS
@given(hnp.arrays(np.float32, st.sampled_from([(2, 28, 28), (1, 784)]),
                  elements=st.floats(-300, 300, width=32) | st.just(np.float32(np.nan))))
def test_digit_images_accept_exactly_finite_values_in_0_1(images):
    finite = bool(np.all(np.isfinite(images)))
    if finite and images.min() >= -1e-3 and images.max() <= 1 + 1e-3:
        result = _arrays.digit_images(images)
        assert 0 <= result.min() and result.max() <= 1
    else:
        with pytest.raises(ValueError, match="NaN" if not finite else "values in \\[0, 1\\]"):
            _arrays.digit_images(images)


@pytest.mark.parametrize("images, words", [
    (np.zeros((28, 28)), "images\\[None\\]"),
    (np.zeros((2, 32, 32)), "must have shape \\(N, 28, 28\\), \\(N, 28, 28, 1\\) or \\(N, 784\\)"),
    (np.zeros((2, 28, 28, 3)), "load_digits"),
    (np.zeros((0, 28, 28)), "empty batch"),
    (np.full((2, 28, 28), np.inf), "NaN or infinite"),
    (np.full((2, 28, 28), -1.0), "\\(x \\+ 1\\) / 2"),
    (np.full((2, 784), 255.0), "divide 0..255 pixels by 255"),
    (None, "run the cell that makes them first"),
    (..., "run the cell that makes them first"),
])
def test_bad_digit_images_are_explained(images, words):
    with pytest.raises((ValueError, TypeError), match=words):
        _arrays.digit_images(images)


def test_the_loaders_images_pass_the_check_unchanged():
    (x_train, _), _ = data.load_digits()
    np.testing.assert_array_equal(_arrays.digit_images(x_train[:50], shape=(28, 28)),
                                  x_train[:50])
