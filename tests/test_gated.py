"""The numpy LSTM and GRU equal Keras' layers with the same weights; bad input is explained."""

import keras
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from course_utils import gated


def _random_weights(layer, rng):
    """Replace a built layer's weights (bias included) with random ones and return them."""
    weights = [rng.normal(scale=0.5, size=w.shape).astype("float32") for w in layer.get_weights()]
    layer.set_weights(weights)
    return weights


@settings(max_examples=12, deadline=None)
@given(batch=st.integers(1, 3), steps=st.integers(1, 6), features=st.integers(1, 4),
       units=st.integers(1, 5), return_sequences=st.booleans(), seed=st.integers(0, 99))
def test_lstm_equals_keras(batch, steps, features, units, return_sequences, seed):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(batch, steps, features)).astype("float32")
    layer = keras.layers.LSTM(units, return_sequences=return_sequences)
    layer(x)
    weights = _random_weights(layer, rng)
    expected = np.asarray(layer(x))
    got = gated.lstm(x, *weights, return_sequences=return_sequences)
    assert got.shape == expected.shape
    np.testing.assert_allclose(got, expected, atol=1e-5)


@settings(max_examples=12, deadline=None)
@given(batch=st.integers(1, 3), steps=st.integers(1, 6), features=st.integers(1, 4),
       units=st.integers(1, 5), return_sequences=st.booleans(), reset_after=st.booleans(),
       seed=st.integers(0, 99))
def test_gru_equals_keras(batch, steps, features, units, return_sequences, reset_after, seed):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(batch, steps, features)).astype("float32")
    layer = keras.layers.GRU(units, return_sequences=return_sequences, reset_after=reset_after)
    layer(x)
    weights = _random_weights(layer, rng)
    expected = np.asarray(layer(x))
    got = gated.gru(x, *weights, reset_after=reset_after, return_sequences=return_sequences)
    assert got.shape == expected.shape
    np.testing.assert_allclose(got, expected, atol=1e-5)


def test_steps_return_gates_between_their_bounds():
    rng = np.random.default_rng(0)
    x_t, h, c = rng.normal(size=(2, 3)), rng.normal(size=(2, 4)), rng.normal(size=(2, 4))
    h_new, c_new, gates = gated.lstm_step(x_t, h, c, rng.normal(size=(3, 16)),
                                          rng.normal(size=(4, 16)), rng.normal(size=16))
    assert h_new.shape == c_new.shape == (2, 4)
    assert set(gates) == {"input", "forget", "candidate", "output"}
    for name in ("input", "forget", "output"):
        assert np.all((gates[name] > 0) & (gates[name] < 1))
    np.testing.assert_allclose(c_new, gates["forget"] * c + gates["input"] * gates["candidate"])
    h_gru, gates = gated.gru_step(x_t, h, rng.normal(size=(3, 12)), rng.normal(size=(4, 12)),
                                  rng.normal(size=(2, 12)))
    np.testing.assert_allclose(
        h_gru, gates["update"] * h + (1 - gates["update"]) * gates["candidate"])


def test_a_closed_forget_gate_keeps_the_cell_state():
    units = 2
    kernel, recurrent_kernel = np.zeros((1, 4 * units)), np.zeros((units, 4 * units))
    bias = np.zeros(4 * units)
    bias[units:2 * units] = 50.0  # forget gate fully open: keep everything
    bias[:units] = -50.0  # input gate shut: write nothing
    c = np.array([[0.3, -0.7]])
    _, c_new, _ = gated.lstm_step(np.ones((1, 1)), np.zeros((1, units)), c, kernel,
                                  recurrent_kernel, bias)
    np.testing.assert_allclose(c_new, c, atol=1e-12)


def test_sigmoid_is_stable_for_large_inputs():
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        values = gated.sigmoid(np.array([-1000.0, 0.0, 1000.0]))
    np.testing.assert_allclose(values, [0.0, 0.5, 1.0])


@pytest.mark.parametrize("input_dim, units", [(1, 1), (2, 32), (28, 64)])
def test_parameter_counts_equal_keras(input_dim, units):
    def count(layer):
        return keras.Sequential([keras.Input((5, input_dim)), layer]).count_params()

    assert gated.lstm_parameter_count(input_dim, units) == count(keras.layers.LSTM(units))
    assert gated.gru_parameter_count(input_dim, units) == count(keras.layers.GRU(units))
    assert gated.gru_parameter_count(input_dim, units, reset_after=False) == count(
        keras.layers.GRU(units, reset_after=False))


def _lstm_weights(features=2, units=3):
    rng = np.random.default_rng(1)
    return (rng.normal(size=(features, 4 * units)), rng.normal(size=(units, 4 * units)),
            rng.normal(size=4 * units))


def test_wrong_rank_is_explained():
    with pytest.raises(ValueError, match=r"\(N, T, D\)"):
        gated.lstm(np.zeros((4, 2)), *_lstm_weights())


def test_mismatched_features_are_explained():
    with pytest.raises(ValueError, match="5 features per step but the kernel has 2 rows"):
        gated.lstm(np.zeros((1, 4, 5)), *_lstm_weights())


def test_weights_of_the_other_layer_are_explained():
    kernel, recurrent_kernel, bias = _lstm_weights()
    with pytest.raises(ValueError, match="3 \\* units"):
        gated.gru(np.zeros((1, 4, 2)), kernel, recurrent_kernel, bias)


def test_gru_bias_shape_names_reset_after():
    rng = np.random.default_rng(0)
    kernel, recurrent_kernel = rng.normal(size=(2, 9)), rng.normal(size=(3, 9))
    with pytest.raises(ValueError, match="reset_after=False"):
        gated.gru(np.zeros((1, 4, 2)), kernel, recurrent_kernel, np.zeros(9))


def test_non_finite_values_are_refused():
    x = np.zeros((1, 4, 2))
    x[0, 1, 0] = np.nan
    with pytest.raises(ValueError, match="NaN or infinite"):
        gated.lstm(x, *_lstm_weights())


@pytest.mark.parametrize("units", [0, -3, 2.5, True])
def test_parameter_count_refuses_bad_sizes(units):
    with pytest.raises(ValueError, match="units must be a positive int"):
        gated.lstm_parameter_count(4, units)
