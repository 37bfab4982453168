"""Forecast explorer (lesson 05): forecasts h steps ahead against the truth and the baselines.

The compute function ``compare`` fits a linear autoregressive model on the training
part for any window and horizon (least squares: a millisecond) and returns every
forecast of the held-out values; forecasts of trained networks are precomputed by the
notebook with ``forecast.by_horizon`` and passed in, so no network runs in a callback.
"""

from __future__ import annotations

import contextlib

import numpy as np
from matplotlib.figure import Figure

from course_utils import _arrays, forecast
from course_utils._arrays import given, run_first
from course_utils.explore._base import Explorer, FigureView

__all__ = ["compare", "ForecastExplorer", "COLORS"]

# Okabe-Ito colours, distinguishable with the common colour-vision deficiencies
COLORS = {"truth": "#000000", "persistence": "#E69F00", "seasonal naive": "#56B4E9",
          "linear": "#009E73", "extra": ("#D55E00", "#0072B2", "#CC79A7", "#F0E442")}


def compare(series: np.ndarray, n_test: int, window: int = 10, horizon: int = 1,
            season: int = 12) -> dict[str, np.ndarray]:
    """Forecasts of the last ``n_test`` values, each made ``horizon`` steps before it.

    series: (T,). Returns a dict of arrays of shape (n_test,): "truth", "persistence"
    (the last value seen), "seasonal naive" (the same season a year earlier, or two)
    and "linear" (least squares on the training windows, one model per horizon: the
    training windows are those whose target lies before the held-out part).
    """
    series = np.asarray(series, dtype=np.float64)
    n_test = _arrays.positive_int(n_test, "n_test")
    return {**_baselines(series, n_test, window, horizon, season),
            "linear": _linear(series, n_test, window, horizon)}


def _windows(series: np.ndarray, n_test: int, window: int, horizon: int
             ) -> tuple[np.ndarray, np.ndarray]:
    """The windows (N, window, 1) and the value each forecasts ``horizon`` steps on, (N,)."""
    x, y = forecast.make_windows(series, window, horizon)
    if len(x) <= n_test + window:
        raise ValueError(f"with window={window} and horizon={horizon} only {len(x)} windows "
                         f"remain, too few to hold out {n_test} and train on the rest: "
                         "shorten the window or the horizon")
    return x, (y if horizon == 1 else y[:, -1])


def _baselines(series: np.ndarray, n_test: int, window: int, horizon: int, season: int
               ) -> dict[str, np.ndarray]:
    """The truth and the naive forecasts, (n_test,) each: the window does not change them."""
    x, target = _windows(series, n_test, window, horizon)
    seasonal = forecast.seasonal_naive(series, window, horizon, season)
    return {"truth": target[-n_test:], "persistence": x[-n_test:, -1, 0],
            "seasonal naive": (seasonal if horizon == 1 else seasonal[:, -1])[-n_test:]}


def _linear(series: np.ndarray, n_test: int, window: int, horizon: int) -> np.ndarray:
    """The linear model's forecasts (n_test,), fitted on the windows before the held-out part."""
    x, target = _windows(series, n_test, window, horizon)
    weights = forecast.fit_linear(x[:-n_test], target[:-n_test])
    return forecast.predict_linear(weights, x[-n_test:])


def _one_blas_thread() -> contextlib.AbstractContextManager:
    """Least squares on a few hundred rows is fastest on one thread: waking a pool of BLAS
    threads costs more than the arithmetic, and far more on a busy machine."""
    try:
        import threadpoolctl  # installed with scikit-learn, which mlxtend needs
    except ImportError:
        return contextlib.nullcontext()
    return threadpoolctl.threadpool_limits(limits=1, user_api="blas")


class ForecastExplorer(Explorer):
    """Sliders for the horizon and the window; the held-out years with every forecast.

    dates, series: (T,). n_test: how many values at the end are held out.
    extra: precomputed forecasts by name, each of shape (n_test, max_horizon) as
    ``forecast.by_horizon`` returns; they were made with the window they were trained
    on, so the window slider changes only the linear model.
    """

    name = "forecast"

    def __init__(self, dates: np.ndarray, series: np.ndarray, n_test: int,
                 extra: dict[str, np.ndarray] | None = None, max_horizon: int = 12,
                 window: int = 10, horizon: int = 1, season: int = 12):
        import ipywidgets

        super().__init__()
        series_first = run_first("The series: monthly CO2, 1958-2001")
        given(dates, "dates", "the months of the series, shape (T,)", series_first)
        given(series, "series", "the CO2 series ppm, shape (T,)", series_first)
        self.dates = np.asarray(dates)
        self.series = np.asarray(series, dtype=np.float64)
        if self.dates.shape != self.series.shape:
            raise ValueError(f"dates {self.dates.shape} and series {self.series.shape} must "
                             f"have the same shape (T,): {series_first}")
        self.n_test, self.season = n_test, season
        self.extra = {name: np.asarray(values, dtype=np.float64)
                      for name, values in (extra or {}).items()}
        for name, values in self.extra.items():
            if values.ndim != 2 or values.shape[0] != n_test or values.shape[1] < max_horizon:
                raise ValueError(f"extra[{name!r}] must have shape ({n_test}, >= {max_horizon}) "
                                 f"as forecast.by_horizon returns, got {values.shape}: "
                                 + run_first("Forecasting further ahead, with an uncertainty band"))
        self.horizons = np.arange(1, max_horizon + 1)
        self.controls = {
            "horizon": ipywidgets.IntSlider(value=horizon, min=1, max=max_horizon,
                                            description="horizon", continuous_update=False),
            "window": ipywidgets.IntSlider(value=window, min=2, max=36,
                                           description="window", continuous_update=False),
        }
        # the truth, the baselines and the precomputed forecasts do not depend on the window:
        # computed once, by horizon; only the linear model is fitted again for a new window
        self._fixed = [{**_baselines(self.series, n_test, window, int(step), season),
                        **{name: values[:, step - 1] for name, values in self.extra.items()}}
                       for step in self.horizons]
        self._cache: dict[int, tuple[list[dict[str, np.ndarray]], dict[str, list]]] = {}
        self._build_figure()
        self.redraw()
        self.watch_controls()
        self.widget = ipywidgets.VBox([ipywidgets.HBox(list(self.controls.values())),
                                       self.view.image])

    def _build_figure(self) -> None:
        figure = Figure(figsize=(8.5, 5.2))
        top, bottom = figure.subplots(2, 1, gridspec_kw={"height_ratios": (3, 2)})
        test_dates = self.dates[-self.n_test:]
        context = max(0, len(self.series) - self.n_test - 24)
        shown = self.series[context:]
        top.plot(self.dates[context:], shown, color=COLORS["truth"], linewidth=2.2,
                 label="truth")
        top.axvline(test_dates[0], color="0.5", linestyle=":", linewidth=1)
        top.text(test_dates[0], 0.02, " held out ->", transform=top.get_xaxis_transform(),
                 va="bottom", fontsize=8, color="0.3")
        margin = 0.15 * (shown.max() - shown.min())
        top.set_ylim(shown.min() - margin, shown.max() + margin)
        top.set_xlim(self.dates[context], self.dates[-1])
        names = ["persistence", "seasonal naive", "linear", *self.extra]
        colors = [COLORS["persistence"], COLORS["seasonal naive"], COLORS["linear"],
                  *COLORS["extra"][:len(self.extra)]]
        self._lines, self._curves = {}, {}
        for name, color in zip(names, colors):
            self._lines[name], = top.plot(test_dates, self.series[-self.n_test:], color=color,
                                          linewidth=1.2, label=name)
            self._curves[name], = bottom.plot(self.horizons, np.zeros(len(self.horizons)),
                                              color=color, marker="o", markersize=3, label=name)
        top.set_ylabel("CO2 (ppm)")
        top.legend(loc="upper left", fontsize=7, ncol=3)
        self._title = top.set_title("12 months ahead, linear on windows of 10 | best", fontsize=10)
        self._marker = bottom.axvline(1, color="0.4", linestyle="--", linewidth=1)
        bottom.set_xlabel("horizon: months ahead")
        bottom.set_ylabel("MAE on held-out (ppm)")
        bottom.set_xlim(0.5, self.horizons[-1] + 0.5)
        self._bottom = bottom
        self._top = top
        figure.tight_layout()
        # the forecasts, the errors, the title and the horizon marker move; axes stay
        moving = [*self._lines.values(), *self._curves.values(), self._title, self._marker]
        self.view = FigureView(figure, dpi=72, animated=moving)

    def forecasts(self, window: int, horizon: int) -> dict[str, np.ndarray]:
        """Every forecast of the held-out values made ``horizon`` steps ahead, by name."""
        found = compare(self.series, self.n_test, window, horizon, self.season)
        for name, values in self.extra.items():
            found[name] = values[:, horizon - 1]
        return found

    def by_horizon(self, window: int) -> tuple[list[dict[str, np.ndarray]], dict[str, list]]:
        """Forecasts for every horizon and each method's error per horizon, for a window.

        Kept per window: moving the horizon slider then only redraws.
        """
        if window not in self._cache:
            found = []
            with _one_blas_thread():
                for step, fixed in zip(self.horizons, self._fixed, strict=True):
                    found.append({**fixed, "linear": _linear(self.series, self.n_test, window,
                                                             int(step))})
            errors = {name: [forecast.mae(shown[name], shown["truth"]) for shown in found]
                      for name in self._lines}
            self._cache[window] = (found, errors)
        return self._cache[window]

    def redraw(self, moved: str | None = None) -> None:
        window = self.controls["window"].value
        horizon = self.controls["horizon"].value
        found, errors = self.by_horizon(window)
        shown = found[horizon - 1]
        for name, line in self._lines.items():
            line.set_ydata(shown[name])
            self._curves[name].set_ydata(errors[name])
        top_errors = [errors[name][horizon - 1] for name in self._lines]
        best = min(self._lines, key=lambda name: errors[name][horizon - 1])
        self._title.set_text(f"{horizon} month{'s' if horizon > 1 else ''} ahead, linear on "
                             f"windows of {window} | best: {best}, MAE {min(top_errors):.2f} ppm")
        self._marker.set_xdata([horizon, horizon])
        # new y-limits need a full drawing (axes, ticks); the worst error, which sets them,
        # is usually a baseline's, the same for every window
        top = 1.1 * max(max(values) for values in errors.values())
        new_limits = self._bottom.get_ylim() != (0, top)
        if new_limits:
            self._bottom.set_ylim(0, top)
        self.view.refresh(full=moved is None or new_limits)
