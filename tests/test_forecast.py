"""Windows, baselines, the linear model and the change transform of lesson 05."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from course_utils import forecast


def _series(length=30, seed=0):
    return np.random.default_rng(seed).normal(size=length).cumsum().astype(np.float32)


def test_split_by_time_keeps_order():
    train, test = forecast.split_by_time(np.arange(10), test_fraction=0.2)
    assert train.tolist() == list(range(8)) and test.tolist() == [8, 9]
    with pytest.raises(ValueError, match="too short"):
        forecast.split_by_time(np.arange(2), test_fraction=0.1)


def test_windows_pair_each_past_with_its_next_value():
    series = np.arange(8.0)
    x, y = forecast.make_windows(series, window=3)
    assert x.shape == (5, 3, 1) and y.shape == (5,)
    np.testing.assert_array_equal(x[0, :, 0], [0, 1, 2])
    np.testing.assert_array_equal(x[-1, :, 0], [4, 5, 6])
    np.testing.assert_array_equal(y, [3, 4, 5, 6, 7])


def test_windows_with_a_horizon_hold_the_next_values():
    x, y = forecast.make_windows(np.arange(8.0), window=3, horizon=2)
    assert x.shape == (4, 3, 1) and y.shape == (4, 2)
    np.testing.assert_array_equal(y[0], [3, 4])
    np.testing.assert_array_equal(y[-1], [6, 7])


@settings(max_examples=20, deadline=None)
@given(length=st.integers(2, 40), window=st.integers(1, 12), horizon=st.integers(1, 5))
def test_every_window_is_a_slice_of_the_series(length, window, horizon):
    series = _series(length)
    if length < window + horizon:
        with pytest.raises(ValueError, match="too short"):
            forecast.make_windows(series, window, horizon)
        return
    x, y = forecast.make_windows(series, window, horizon)
    y = y.reshape(len(x), horizon)
    assert len(x) == length - window - horizon + 1
    assert x.dtype == series.dtype
    for start in (0, len(x) - 1):
        np.testing.assert_array_equal(x[start, :, 0], series[start:start + window])
        np.testing.assert_array_equal(y[start], series[start + window:start + window + horizon])


@pytest.mark.parametrize("series, words", [
    (np.zeros((4, 5)), "shape (T,)"),
    (np.zeros((2, 3, 1)), "shape (T,)"),
    (np.array([1.0, np.nan, 3.0, 4.0]), "non-finite values"),
    (np.array([1.0, 2.0, np.inf, 4.0]), "index 2"),
    (np.arange(5.0), "too short"),
])
def test_bad_series_are_explained(series, words):
    with pytest.raises(ValueError, match=words.replace("(", r"\(").replace(")", r"\)")):
        forecast.make_windows(series, window=10)


def test_a_column_series_is_accepted():
    x, _ = forecast.make_windows(np.arange(12.0)[:, None], window=3)
    assert x.shape == (9, 3, 1)


@pytest.mark.parametrize("window, horizon", [(0, 1), (3, 0), (2.5, 1), (True, 1)])
def test_window_and_horizon_must_be_positive_ints(window, horizon):
    with pytest.raises(ValueError, match="positive int"):
        forecast.make_windows(np.arange(20.0), window, horizon)


def test_persistence_repeats_the_last_value():
    x, _ = forecast.make_windows(np.arange(6.0), window=2)
    np.testing.assert_array_equal(forecast.persistence(x), [1, 2, 3, 4])
    np.testing.assert_array_equal(forecast.persistence(x, horizon=3)[1], [2, 2, 2])
    with pytest.raises(ValueError, match=r"\(N, window, 1\)"):
        forecast.persistence(x[..., 0])


def test_seasonal_naive_takes_the_same_season_a_year_back():
    series = np.arange(30.0)
    _, y = forecast.make_windows(series, window=3)
    seasonal = forecast.seasonal_naive(series, window=3, season=12)
    assert seasonal.shape == y.shape
    assert np.isnan(seasonal[:9]).all()          # targets 3..11 have no year before them
    np.testing.assert_array_equal(seasonal[9:], y[9:] - 12)


def test_seasonal_naive_beyond_a_season_goes_two_seasons_back():
    series = np.arange(40.0)
    _, y = forecast.make_windows(series, window=3, horizon=14)
    seasonal = forecast.seasonal_naive(series, window=3, horizon=14, season=12)
    assert seasonal.shape == y.shape
    np.testing.assert_array_equal(seasonal[-1, :12], y[-1, :12] - 12)
    np.testing.assert_array_equal(seasonal[-1, 12:], y[-1, 12:] - 24)


def test_linear_model_recovers_an_autoregression():
    rng = np.random.default_rng(1)
    series = np.zeros(300)
    for t in range(2, 300):
        series[t] = 0.6 * series[t - 1] - 0.3 * series[t - 2] + 0.5 + 0.01 * rng.normal()
    x, y = forecast.make_windows(series, window=2)
    weights = forecast.fit_linear(x, y)
    np.testing.assert_allclose(weights, [-0.3, 0.6, 0.5], atol=0.02)
    assert forecast.mae(forecast.predict_linear(weights, x), y) < 0.02


def test_linear_model_fits_several_horizons_at_once():
    x, y = forecast.make_windows(np.arange(50.0), window=4, horizon=3)
    weights = forecast.fit_linear(x, y)
    assert weights.shape == (5, 3)
    np.testing.assert_allclose(forecast.predict_linear(weights, x), y, atol=1e-8)


def test_linear_model_rejects_mismatched_shapes():
    x, y = forecast.make_windows(np.arange(20.0), window=4)
    with pytest.raises(ValueError, match="to match x"):
        forecast.fit_linear(x, y[:-1])
    weights = forecast.fit_linear(x, y)
    x_other, _ = forecast.make_windows(np.arange(20.0), window=5)
    with pytest.raises(ValueError, match="windows of 4"):
        forecast.predict_linear(weights, x_other)


@pytest.mark.parametrize("horizon", [1, 3])
def test_changes_round_trip(horizon):
    x, y = forecast.make_windows(_series(25), window=5, horizon=horizon)
    changes, target = forecast.to_changes(x, y)
    assert changes.shape == (len(x), 4, 1)
    assert target.shape == y.shape
    np.testing.assert_allclose(changes[0, :, 0], np.diff(x[0, :, 0]))
    np.testing.assert_allclose(forecast.from_changes(x, target), y, atol=1e-5)


def test_changes_need_two_values_in_a_window():
    x, _ = forecast.make_windows(np.arange(5.0), window=1)
    with pytest.raises(ValueError, match="window >= 2"):
        forecast.to_changes(x)


def test_scaler_uses_only_what_it_is_fitted_on():
    scaler = forecast.Scaler.fit(np.array([1.0, 3.0]))
    assert (scaler.mean, scaler.std) == (2.0, 1.0)
    np.testing.assert_allclose(scaler.transform(np.array([5.0])), [3.0])
    values = _series(10)
    np.testing.assert_allclose(scaler.inverse(scaler.transform(values)), values, atol=1e-5)
    assert scaler.transform(values).dtype == np.float32
    with pytest.raises(ValueError, match="standard deviation is 0"):
        forecast.Scaler.fit(np.ones(5))
    with pytest.raises(ValueError, match="NaN"):
        forecast.Scaler.fit(np.array([1.0, np.nan, 2.0]))


def test_recursive_feeds_forecasts_back():
    x, _ = forecast.make_windows(np.arange(10.0), window=3)

    def next_is_last_plus_one(windows):
        return windows[:, -1, 0] + 1

    paths = forecast.recursive(next_is_last_plus_one, x[:2], horizon=4)
    np.testing.assert_array_equal(paths, [[3, 4, 5, 6], [4, 5, 6, 7]])

    def average(windows):                        # uses the fed-back values, not the truth
        return windows[:, :, 0].mean(axis=1)

    paths = forecast.recursive(average, x[:1], horizon=2)
    np.testing.assert_allclose(paths, [[1.0, (1 + 2 + 1) / 3]])
    with pytest.raises(ValueError, match="one forecast per window"):
        forecast.recursive(lambda windows: windows[:1, -1, 0], x[:2], horizon=2)


def test_by_horizon_arranges_forecasts_by_target():
    series = np.arange(40.0) ** 1.5

    def persistence_step(windows):
        return windows[:, -1, 0]

    found = forecast.by_horizon(persistence_step, series, n_test=5, window=3, max_horizon=4)
    assert found.shape == (5, 4)
    for row, target in enumerate(range(35, 40)):
        for horizon in range(1, 5):              # persistence h ahead is the value h back
            assert found[row, horizon - 1] == series[target - horizon]
    with pytest.raises(ValueError, match="shorten"):
        forecast.by_horizon(persistence_step, series, n_test=36, window=3, max_horizon=4)


def test_mae_is_the_mean_absolute_difference():
    assert forecast.mae(np.array([1.0, 2.0, 4.0]), np.array([2.0, 2.0, 2.0])) == 1.0
    with pytest.raises(ValueError, match="squeeze"):
        forecast.mae(np.zeros((3, 1)), np.zeros(3))
    with pytest.raises(ValueError, match="NaN"):
        forecast.mae(np.array([np.nan]), np.array([1.0]))
