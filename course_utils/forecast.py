"""Forecasting a series from windows of its past, and the baselines every forecast must beat.

Lesson 05. A series of T values becomes N windows of ``window`` past values, each paired
with the value (or the next ``horizon`` values) that follows it::

    split_by_time(series, test_fraction=0.2)  train, test: the first 80 %, the last 20 %
    make_windows(series, window=10)           x (N, 10, 1), y (N,)
    persistence(x)                            "next month equals this month"
    seasonal_naive(series, window)            "same month last year"
    fit_linear(x, y) / predict_linear(...)    a linear autoregressive model, least squares
    to_changes(x, y) / from_changes(x, dy)    predict the change instead of the level
    Scaler.fit(train)                         standardise with the training part only
    recursive(step, x, horizon)               feed one-step forecasts back in, horizon times
    by_horizon(step, series, n_test)          the same, arranged by test target and horizon
    mae(forecast, truth)                      mean absolute error, in the series' units
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import numpy as np

from course_utils import _arrays
from course_utils._arrays import callable_model, given, run_first

__all__ = ["split_by_time", "make_windows", "persistence", "seasonal_naive", "fit_linear",
           "predict_linear", "to_changes", "from_changes", "Scaler", "recursive", "by_horizon",
           "mae"]


def _finite_series(series: np.ndarray, name: str = "series") -> np.ndarray:
    series = np.asarray(series)
    if series.ndim == 2 and series.shape[1] == 1:
        series = series[:, 0]
    if series.ndim != 1:
        raise ValueError(f"{name} must have shape (T,) (one value per time step), got "
                         f"{series.shape}: pass a single column, e.g. series[:, 0]")
    if not np.issubdtype(series.dtype, np.number):
        raise ValueError(f"{name} must hold numbers, got dtype {series.dtype}")
    bad = np.flatnonzero(~np.isfinite(series))
    if bad.size:
        raise ValueError(f"{name} has {bad.size} non-finite values (NaN or inf), the first at "
                         f"index {bad[0]}: fill the gaps first, e.g. by interpolation")
    return series


# where each lesson makes the windows these functions receive
_WINDOWS_FROM = (f"in lesson 05, {run_first('Split by time, never shuffled across the split')}"
                 f"; in lesson 09, {run_first('2. A series: a dense network on windows against an RNN')}")


def _windows_array(x: np.ndarray, name: str = "x") -> np.ndarray:
    given(x, name, "windows of shape (N, window, 1) as make_windows returns", _WINDOWS_FROM)
    x = np.asarray(x)
    if x.ndim != 3 or x.shape[2] != 1:
        raise ValueError(f"{name} must have shape (N, window, 1) as make_windows returns, got "
                         f"{x.shape}: {_WINDOWS_FROM}")
    if not np.all(np.isfinite(x)):
        raise ValueError(f"{name} holds non-finite values (NaN or inf)")
    return x


def split_by_time(series: np.ndarray, test_fraction: float = 0.2
                  ) -> tuple[np.ndarray, np.ndarray]:
    """Split a series into its first part and its last ``test_fraction``, never shuffled.

    series: array of shape (T, ...). Returns ``(train, test)``. Lesson 05.
    """
    series = np.asarray(series)
    test_fraction = _arrays.fraction(test_fraction, "test_fraction", low_open=True,
                                     high_open=True)
    cut = int(round(len(series) * (1.0 - test_fraction)))
    if cut < 1 or cut >= len(series):
        raise ValueError(f"a series of length {len(series)} is too short to split "
                         f"with test_fraction={test_fraction}")
    return series[:cut], series[cut:]


def make_windows(series: np.ndarray, window: int = 10, horizon: int = 1
                 ) -> tuple[np.ndarray, np.ndarray]:
    """Cut a series into windows of past values and the values that follow them.

    series: array of shape (T,). Returns ``(x, y)`` with N = T - window - horizon + 1:
    x of shape (N, window, 1), the window starting at step i; y of shape (N,) holding
    series[i + window] when horizon is 1, else shape (N, horizon) holding the next
    ``horizon`` values. Same dtype as the series (float32 stays float32).
    """
    series = _finite_series(series)
    window = _arrays.positive_int(window, "window")
    horizon = _arrays.positive_int(horizon, "horizon")
    count = len(series) - window - horizon + 1
    if count < 1:
        raise ValueError(f"a series of length {len(series)} is too short for window={window} "
                         f"and horizon={horizon}: it needs at least {window + horizon} values; "
                         "use a shorter window")
    starts = np.arange(count)[:, None]
    x = series[starts + np.arange(window)][..., None]
    y = series[starts + window + np.arange(horizon)]
    return x, (y[:, 0] if horizon == 1 else y)


def persistence(x: np.ndarray, horizon: int = 1) -> np.ndarray:
    """The naive forecast "the future equals the last value seen": (N,) or (N, horizon)."""
    x = _windows_array(x)
    horizon = _arrays.positive_int(horizon, "horizon")
    last = x[:, -1, 0]
    return last if horizon == 1 else np.repeat(last[:, None], horizon, axis=1)


def seasonal_naive(series: np.ndarray, window: int = 10, horizon: int = 1,
                   season: int = 12) -> np.ndarray:
    """The naive forecast "same month last year", aligned with ``make_windows``'s targets.

    Returns (N,) or (N, horizon) like ``y`` of ``make_windows(series, window, horizon)``:
    the forecast of series[t], made k steps ahead, is the latest value of the same season
    known at forecast time, series[t - season * ceil(k / season)]. Windows too early in
    the series to have such a value get NaN.
    """
    series = _finite_series(series)
    season = _arrays.positive_int(season, "season")
    _, y = make_windows(series, window, horizon)
    steps_ahead = np.arange(1, horizon + 1)
    lag = season * -(-steps_ahead // season)
    targets = np.arange(len(y))[:, None] + window + steps_ahead - 1
    source = targets - lag
    forecast = np.where(source >= 0, series[np.maximum(source, 0)], np.nan)
    return forecast[:, 0] if horizon == 1 else forecast


def fit_linear(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Least-squares weights of a linear autoregressive model y = x . w + b on windows.

    x: (N, window, 1); y: (N,) or (N, horizon). Returns weights of shape (window + 1,)
    or (window + 1, horizon), the last row being the bias. Fitted in float64.
    """
    x = _windows_array(x)
    y = np.asarray(y)
    if y.shape[0] != x.shape[0] or y.ndim not in (1, 2):
        raise ValueError(f"y must have shape ({x.shape[0]},) or ({x.shape[0]}, horizon) to "
                         f"match x {x.shape}, got {y.shape}")
    if not np.all(np.isfinite(y)):
        raise ValueError("y holds non-finite values (NaN or inf)")
    design = np.concatenate([x[..., 0], np.ones((len(x), 1))], axis=1).astype(np.float64)
    weights, *_ = np.linalg.lstsq(design, y.astype(np.float64), rcond=None)
    return weights


def predict_linear(weights: np.ndarray, x: np.ndarray) -> np.ndarray:
    """Forecasts of a linear model from ``fit_linear``: (N,) or (N, horizon)."""
    x = _windows_array(x)
    weights = np.asarray(weights, dtype=np.float64)
    if weights.shape[0] != x.shape[1] + 1:
        raise ValueError(f"weights of shape {weights.shape} were fitted on windows of "
                         f"{weights.shape[0] - 1}, but x has windows of {x.shape[1]}")
    return x[..., 0].astype(np.float64) @ weights[:-1] + weights[-1]


def to_changes(x: np.ndarray, y: np.ndarray | None = None
               ) -> np.ndarray | tuple[np.ndarray, np.ndarray]:
    """Differences inside each window and, if y is given, the change to predict.

    x: (N, window, 1) levels -> (N, window - 1, 1) step-to-step changes. y: (N,) or
    (N, horizon) levels -> changes from the window's last value, step by step:
    y[:, 0] - x[:, -1], y[:, 1] - y[:, 0], ... Undo with ``from_changes``.
    """
    x = _windows_array(x)
    if x.shape[1] < 2:
        raise ValueError(f"a window of {x.shape[1]} value has no change inside: use window >= 2")
    changes = np.diff(x, axis=1)
    if y is None:
        return changes
    y = np.asarray(y)
    if y.shape[0] != x.shape[0] or y.ndim not in (1, 2):
        raise ValueError(f"y must have shape ({x.shape[0]},) or ({x.shape[0]}, horizon), got "
                         f"{y.shape}")
    if y.ndim == 1:
        return changes, y - x[:, -1, 0]
    return changes, np.diff(np.concatenate([x[:, -1, :], y], axis=1), axis=1)


def from_changes(x: np.ndarray, change: np.ndarray) -> np.ndarray:
    """Levels from predicted changes: the window's last value plus the running sum.

    x: (N, window, 1) levels; change: (N,) or (N, horizon). Returns the same shape as
    change. ``from_changes(x, to_changes(x, y)[1])`` gives y back.
    """
    x = _windows_array(x)
    change = np.asarray(change)
    if change.shape[0] != x.shape[0] or change.ndim not in (1, 2):
        raise ValueError(f"change must have shape ({x.shape[0]},) or ({x.shape[0]}, horizon) "
                         f"to match x {x.shape}, got {change.shape}")
    last = x[:, -1, 0]
    if change.ndim == 1:
        return last + change
    return last[:, None] + np.cumsum(change, axis=1)


@dataclasses.dataclass(frozen=True)
class Scaler:
    """Standardisation (v - mean) / std with statistics from the training part only."""

    mean: float
    std: float

    @classmethod
    def fit(cls, values: np.ndarray) -> Scaler:
        """Mean and standard deviation of ``values`` (any shape): pass training data only."""
        values = np.asarray(values, dtype=np.float64)
        if values.size < 2 or not np.all(np.isfinite(values)):
            raise ValueError(f"fit the scaler on at least two finite values, got {values.size} "
                             "values" + ("" if np.all(np.isfinite(values)) else " with NaN/inf"))
        std = float(values.std())
        if std == 0.0:
            raise ValueError("all values are equal: the standard deviation is 0, nothing to "
                             "scale")
        return cls(mean=float(values.mean()), std=std)

    def transform(self, values: np.ndarray) -> np.ndarray:
        values = np.asarray(values)
        return ((values - self.mean) / self.std).astype(np.result_type(values, np.float32))

    def inverse(self, values: np.ndarray) -> np.ndarray:
        values = np.asarray(values)
        return (values * self.std + self.mean).astype(np.result_type(values, np.float32))


def recursive(step: Callable[[np.ndarray], np.ndarray], x: np.ndarray, horizon: int
              ) -> np.ndarray:
    """Forecast ``horizon`` steps by feeding each one-step forecast back into the window.

    step: maps windows (N, window, 1) to next values (N,). x: (N, window, 1).
    Returns (N, horizon): column h is the forecast h + 1 steps after each window.
    """
    callable_model(step, "step", "a function from windows (N, window, 1) to next values (N,)",
                   f"in lesson 05, {run_first('Fix 2: predict the change, not the level')}")
    x = _windows_array(x)
    horizon = _arrays.positive_int(horizon, "horizon")
    window = x.astype(np.float64)
    forecasts = []
    for _ in range(horizon):
        next_value = np.asarray(step(window.astype(x.dtype)), dtype=np.float64).reshape(-1)
        if next_value.shape[0] != x.shape[0]:
            raise ValueError(f"step returned {next_value.shape[0]} values for {x.shape[0]} "
                             "windows: it must return one forecast per window, shape (N,)")
        forecasts.append(next_value)
        window = np.concatenate([window[:, 1:], next_value[:, None, None]], axis=1)
    return np.stack(forecasts, axis=1)


def by_horizon(step: Callable[[np.ndarray], np.ndarray], series: np.ndarray, n_test: int,
               window: int = 10, max_horizon: int = 12) -> np.ndarray:
    """Recursive forecasts of each of the last ``n_test`` values, made 1 to max_horizon ahead.

    Returns (n_test, max_horizon): entry [j, h - 1] forecasts series[T - n_test + j] from
    the window that ends h steps before it. ``step`` as in ``recursive``.
    """
    series = _finite_series(series)
    n_test = _arrays.positive_int(n_test, "n_test")
    max_horizon = _arrays.positive_int(max_horizon, "max_horizon")
    first_origin = len(series) - n_test - max_horizon
    if first_origin + 1 < window:
        raise ValueError(f"n_test={n_test} and max_horizon={max_horizon} need {window} values "
                         f"before the first forecast, but the series has {len(series)} values "
                         "in all: shorten the test part or the horizon")
    # window o ends at first_origin + o; its h-step forecast lands on first_origin + o + h
    x, _ = make_windows(series[first_origin - window + 1:], window)
    paths = recursive(step, x, max_horizon)
    horizons = np.arange(1, max_horizon + 1)
    origins = np.arange(n_test)[:, None] + max_horizon - horizons
    return paths[origins, horizons - 1]


def mae(forecast: np.ndarray, truth: np.ndarray) -> float:
    """Mean absolute error, in the units of the series (ppm for CO2). Shapes must match."""
    given(forecast, "forecast", "one forecast per target", "run the cell that makes it first")
    given(truth, "truth", "the targets, such as y_test", _WINDOWS_FROM)
    forecast, truth = np.asarray(forecast, dtype=np.float64), np.asarray(truth, dtype=np.float64)
    if forecast.shape != truth.shape:
        raise ValueError(f"forecast has shape {forecast.shape} but truth has {truth.shape}: "
                         "compare one forecast per target (squeeze a trailing axis of 1?)")
    if forecast.size == 0:
        raise ValueError("nothing to compare: forecast and truth are empty")
    if not (np.all(np.isfinite(forecast)) and np.all(np.isfinite(truth))):
        raise ValueError("forecast or truth holds NaN or inf: drop those targets first")
    return float(np.mean(np.abs(forecast - truth)))
