"""The adding problem's two baselines and the gradient measurement of lesson 06."""

import keras
import numpy as np
import pytest

from course_utils import recurrence, sequences


def test_recent_only_mse_is_what_a_large_monte_carlo_measures():
    x, y = sequences.adding_problem(200_000, 10, seed=5)
    recent = sequences.recent_only_prediction(x)
    # standard error of the estimate: about 0.0002 for 1/12 and 0.0005 for 1/6
    assert abs(np.mean((recent - y) ** 2) - sequences.RECENT_ONLY_MSE) < 0.002
    assert abs(np.mean((y - 1.0) ** 2) - sequences.TRIVIAL_MSE) < 0.003
    assert sequences.RECENT_ONLY_MSE == pytest.approx(sequences.TRIVIAL_MSE / 2)


def test_no_guess_from_the_recent_value_alone_beats_recent_only():
    x, y = sequences.adding_problem(200_000, 10, seed=6)
    _, second = sequences.marker_steps(x)
    recent_value = x[np.arange(len(y)), second, 0]
    # the best possible guess from v2 alone: the mean of y within narrow bins of v2
    bins = np.minimum((recent_value * 50).astype(int), 49)
    best = (np.bincount(bins, weights=y) / np.bincount(bins))[bins]
    recent = sequences.recent_only_prediction(x)
    assert abs(np.mean((best - y) ** 2) - np.mean((recent - y) ** 2)) < 0.001


def test_recent_only_prediction_reads_the_second_marked_value():
    x, y = sequences.adding_problem(50, 8, seed=2)
    first, second = sequences.marker_steps(x)
    assert np.all(first < 4) and np.all(second >= 4)
    rows = np.arange(50)
    np.testing.assert_array_equal(x[rows, first, 1], 1)
    np.testing.assert_array_equal(x[rows, second, 1], 1)
    np.testing.assert_allclose(sequences.recent_only_prediction(x),
                               x[rows, second, 0].astype(np.float64) + 0.5)
    np.testing.assert_allclose(x[rows, first, 0] + x[rows, second, 0], y, rtol=1e-6)


def test_marker_steps_refuses_other_sequences():
    x, _ = sequences.adding_problem(4, 6, seed=0)
    with pytest.raises(ValueError, match="adding_problem"):
        sequences.marker_steps(x[..., :1])
    wrong = x.copy()
    wrong[0, :, 1] = 0
    with pytest.raises(ValueError, match="exactly two steps"):
        sequences.marker_steps(wrong)


def _model(layer, length, dtype="float32"):
    keras.utils.set_random_seed(0)
    return keras.Sequential([keras.Input((length, 2), dtype=dtype), layer,
                             keras.layers.Dense(1, dtype=dtype)])


def test_loss_gradient_norms_of_a_simple_rnn_equal_lesson_04s_bptt():
    x, y = sequences.adding_problem(32, 12, seed=1)
    model = _model(keras.layers.SimpleRNN(5), 12)
    norms = sequences.loss_gradient_norms(model, x, y)
    W, U, b = model.layers[0].get_weights()
    dense_kernel, dense_bias = model.layers[1].get_weights()
    prediction = recurrence.simple_rnn(x, W, U, b) @ dense_kernel[:, 0] + dense_bias[0]
    # d(prediction - y)^2 / d h_T, the gradient that enters the recurrence at its end
    upstream = 2 * (prediction - y)[:, None] * dense_kernel[:, 0][None, :]
    expected = np.linalg.norm(recurrence.bptt(x, W, U, b, upstream=upstream).x, axis=2)
    assert norms.shape == (32, 12)
    np.testing.assert_allclose(norms, expected, rtol=1e-4, atol=1e-6)


def test_loss_gradient_norms_of_an_lstm_agree_with_finite_differences():
    x, y = sequences.adding_problem(3, 6, seed=4)
    x, y = x.astype(np.float64), y.astype(np.float64)
    model = _model(keras.layers.LSTM(3, dtype="float64"), 6, dtype="float64")
    norms = sequences.loss_gradient_norms(model, x, y)

    def squared_errors(inputs):
        return (np.asarray(model(inputs, training=False))[:, 0] - y) ** 2

    step = 1e-6
    gradient = np.zeros_like(x)
    for t in range(6):
        for feature in range(2):
            bump = np.zeros_like(x)
            bump[:, t, feature] = step
            # each sequence's error changes only with its own inputs
            gradient[:, t, feature] = (squared_errors(x + bump) - squared_errors(x - bump)) \
                / (2 * step)
    np.testing.assert_allclose(norms, np.linalg.norm(gradient, axis=2), rtol=1e-5, atol=1e-9)


def test_loss_gradient_norms_explain_bad_targets():
    x, y = sequences.adding_problem(4, 6, seed=0)
    model = _model(keras.layers.SimpleRNN(2), 6)
    with pytest.raises(ValueError, match=r"shape \(4,\)"):
        sequences.loss_gradient_norms(model, x, y[:3])
    with pytest.raises(TypeError, match="model"):
        sequences.loss_gradient_norms(None, x, y)


def test_adding_grid_reads_the_record_the_script_writes(tmp_path):
    grid = sequences.adding_grid()
    assert grid["script"] == "python -m tools.tune_adding" and grid["date"]
    assert set(grid["chosen_learning_rate"]) == {"SimpleRNN", "LSTM", "GRU"}
    for cell, rate in grid["chosen_learning_rate"].items():
        assert rate in grid["learning_rates"] and str(rate) in grid["runs"][cell]
    with pytest.raises(FileNotFoundError, match="python -m tools.tune_adding"):
        sequences.adding_grid(tmp_path / "missing.json")
