"""The forecast explorer of lesson 05: what it computes, that it redraws, and how fast."""


import numpy as np
import pytest

from course_utils import explore, forecast
from course_utils.explore import forecast as forecast_explorer


def _seasonal_series(length=120, seed=0):
    rng = np.random.default_rng(seed)
    months = np.arange(length)
    return 300 + 0.1 * months + 3 * np.sin(2 * np.pi * months / 12) + 0.05 * rng.normal(size=length)


def test_compare_lines_up_forecasts_with_the_held_out_truth():
    series = _seasonal_series()
    found = forecast_explorer.compare(series, n_test=20, window=6, horizon=3)
    assert set(found) == {"truth", "persistence", "seasonal naive", "linear"}
    assert all(values.shape == (20,) for values in found.values())
    np.testing.assert_array_equal(found["truth"], series[-20:])
    np.testing.assert_array_equal(found["persistence"], series[-23:-3])   # 3 months back
    np.testing.assert_array_equal(found["seasonal naive"], series[-32:-12])
    # a linear model with windows of a full season nails a clean seasonal series
    found = forecast_explorer.compare(series, n_test=20, window=12, horizon=1)
    assert forecast.mae(found["linear"], found["truth"]) < 0.15
    assert forecast.mae(found["persistence"], found["truth"]) > 0.5


def test_compare_linear_is_fitted_on_the_training_part_only():
    series = _seasonal_series()
    changed = series.copy()
    changed[-5:] += 100.0                        # only the held-out values change
    before = forecast_explorer.compare(series, n_test=20, window=6, horizon=2)["linear"]
    after = forecast_explorer.compare(changed, n_test=20, window=6, horizon=2)["linear"]
    # forecasts made from windows that end before the change are the same
    np.testing.assert_allclose(before[:15 + 1], after[:15 + 1])


def test_compare_refuses_a_window_that_leaves_nothing_to_train_on():
    with pytest.raises(ValueError, match="shorten the window"):
        forecast_explorer.compare(_seasonal_series(40), n_test=20, window=12, horizon=3)


def _explorer(**keywords):
    series = _seasonal_series()
    dates = np.arange("1990-01", "2000-01", dtype="datetime64[M]").astype("datetime64[D]")
    extra = {"network": np.tile(series[-20:, None], (1, 6)) + 0.5}
    return forecast_explorer.ForecastExplorer(dates, series, n_test=20, extra=extra,
                                              max_horizon=6, **keywords)


def test_explorer_redraws_when_a_control_moves():
    explorer = _explorer()
    assert explorer.name == "forecast"
    first = explorer.view.image.value
    title = explorer._title.get_text()
    explorer.controls["horizon"].value = 4
    assert explorer.view.image.value != first
    assert "4 months ahead" in explorer._title.get_text() and explorer._title.get_text() != title
    np.testing.assert_allclose(explorer._lines["persistence"].get_ydata(),
                               explorer.series[-24:-4])
    explorer.controls["window"].value = 12
    assert "windows of 12" in explorer._title.get_text()
    assert "image/png" in explorer._repr_mimebundle_()


def test_explorer_shows_the_precomputed_forecasts_by_horizon():
    explorer = _explorer(horizon=2)
    np.testing.assert_allclose(explorer._lines["network"].get_ydata(),
                               explorer.series[-20:] + 0.5)
    errors = explorer._curves["network"].get_ydata()
    np.testing.assert_allclose(errors, 0.5)


def test_explorer_rejects_misshapen_forecasts():
    series = _seasonal_series()
    dates = np.arange(len(series))
    with pytest.raises(ValueError, match=r"\(20, >= 6\)"):
        forecast_explorer.ForecastExplorer(dates, series, 20, extra={"bad": np.zeros((20, 3))},
                                           max_horizon=6)
    with pytest.raises(ValueError, match="same shape"):
        forecast_explorer.ForecastExplorer(dates[:-1], series, 20)


def test_latency_is_measured():
    # how fast is the benchmark's business (make bench); here only that the sweep runs
    explorer = _explorer()
    assert explore.measure_latency(explorer, repeats=1)["changes"] > 0


def test_moving_the_horizon_reuses_the_window_forecasts():
    explorer = _explorer()
    explorer.controls["horizon"].value = 3
    cached = explorer.by_horizon(10)
    explorer.controls["horizon"].value = 5
    assert explorer.by_horizon(10) is cached, "same window: nothing recomputed"
    fresh = explorer.forecasts(10, 5)
    np.testing.assert_allclose(explorer._lines["linear"].get_ydata(), fresh["linear"])
    np.testing.assert_allclose(explorer._curves["linear"].get_ydata()[4],
                               forecast.mae(fresh["linear"], fresh["truth"]))


def test_a_new_window_refits_only_the_linear_model_and_keeps_the_axes(monkeypatch):
    explorer = _explorer()
    drawn = []
    draw = explorer._bottom.draw
    monkeypatch.setattr(explorer._bottom, "draw",
                        lambda *args, **kw: drawn.append(1) or draw(*args, **kw))
    persistence = explorer._curves["persistence"].get_ydata().copy()
    explorer.controls["window"].value = 4
    fresh = explorer.forecasts(4, 1)  # compare() from scratch, for every method
    for name in ("persistence", "seasonal naive", "linear", "truth"):
        np.testing.assert_allclose(explorer.by_horizon(4)[0][0][name], fresh[name])
    np.testing.assert_allclose(explorer._lines["linear"].get_ydata(), fresh["linear"])
    np.testing.assert_allclose(explorer._curves["persistence"].get_ydata(), persistence)
    # the worst error, a baseline's, sets the y-limits: the same axes, pasted, not redrawn
    assert drawn == []
