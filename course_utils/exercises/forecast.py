"""Lesson 05's exercises: cut a series into windows, score a baseline, find a leak.

The two functions are written in scaffolds; their judges run them on many seeded random
series and windows, smallest first, against the course's reference, and name the smallest
case that fails.
"""

import numpy as np

from course_utils.checks import Exercise, attempt, correct, matches, wrong

# The listing of the leakage exercise, shown in the notebook with these line numbers.
LEAKY_LISTING = """\
1  dates, ppm = data.load_co2("monthly")
2  scaler = forecast.Scaler.fit(ppm)
3  x, y = forecast.make_windows(scaler.transform(ppm), window=10)
4  x_train, y_train = x[:-105], y[:-105]
5  x_test, y_test = x[-105:], y[-105:]    # the first test windows start in the training years
6  model.fit(x_train, y_train, epochs=100, validation_data=(x_test, y_test),
7            callbacks=[keras.callbacks.EarlyStopping(restore_best_weights=True)])
8  print("MAE:", forecast.mae(scaler.inverse(model(x_test)[:, 0]), scaler.inverse(y_test)))"""


_WINDOWS_SCAFFOLD = '''def make_windows(series, window):
    """series: (T,) -> x: (T - window, window, 1), the windows starting at every step, and
    y: (T - window,), the value right after each window."""
    count = {count}  # how many windows have a value after them
    x = np.zeros((count, window, 1), dtype=series.dtype)
    y = np.zeros(count, dtype=series.dtype)
    for i in range(count):
        x[i, :, 0] = {window}  # (window,): the values from step i on
        y[i] = {target}  # the value right after that window
    return x, y'''

_WINDOWS = {"count": "len(series) - window", "window": "series[i:i + window]",
            "target": "series[i + window]"}


def _windows(**changes: str) -> str:
    return _WINDOWS_SCAFFOLD.format(**{**_WINDOWS, **changes})


def _window_cases(seed: int = 5, count: int = 60) -> list[tuple[np.ndarray, int]]:
    """(series, window): series of distinct values with at least window + 2 windows, so that
    windows that do not overlap and a missing window never look alike; shortest first."""
    rng = np.random.default_rng(seed)
    cases = [(np.array([3.0, 1.0, 4.0, 1.5, 5.0, 9.0, 2.0, 6.0, 5.5, 3.5]), 4)]
    for _ in range(count):
        window = int(rng.integers(1, 8))
        length = 2 * window + int(rng.integers(2, 10))
        cases.append((np.round(rng.permutation(length) + rng.uniform(0, 0.5, size=length), 2),
                      window))
    return sorted(cases, key=lambda case: (len(case[0]), case[1]))


def _judge_windows(make_windows):
    for series, window in _window_cases():
        case = f"for a series of {len(series)} values and window={window}"
        result = attempt(make_windows, series.copy(), window, case=case)
        if not isinstance(result, tuple) or len(result) != 2:
            raise wrong(f"make_windows(series, {window}) returned {type(result).__name__}, not "
                        "a pair (x, y)", "end with `return x, y`")
        x, y = (np.asarray(item, dtype=float) for item in result)
        count = len(series) - window
        expected_x = np.stack([series[i:i + window] for i in range(count)])[..., None]
        if matches(x, expected_x) and matches(y, series[window:]):
            continue
        if x.ndim == 2 and x.shape == (count, window):
            raise wrong(f"{case}, x has shape {x.shape}: recurrent layers read (windows, time "
                        "steps, features)",
                        f"add a features axis of size 1: shape ({count}, {window}, 1)")
        if x.ndim == 3 and x.shape[1:] == (1, window) and window != 1:
            raise wrong(f"{case}, x has shape {x.shape}: time and features are swapped",
                        f"the time steps come second: shape ({count}, {window}, 1)")
        if x.ndim != 3 or x.shape[1:] != (window, 1):
            raise wrong(f"{case}, x has shape {x.shape}", f"expected ({count}, {window}, 1)")
        if y.shape != (len(x),):
            raise wrong(f"{case}, y has shape {y.shape} but x has {len(x)} windows",
                        "one target per window: y has shape (N,)")
        if len(x) > 1 and window > 1 and np.array_equal(x[1, :, 0], series[window:2 * window]):
            raise wrong(f"{case}, the second window is {x[1, :, 0].tolist()}: the windows do "
                        "not overlap", "start a new window at every step, not every `window` "
                        "steps")
        if len(x) > 0 and np.array_equal(y, x[:, -1, 0]):
            raise wrong(f"{case}, the first target is {y[0]}, the last value inside its own "
                        f"window {x[0, :, 0].tolist()}",
                        "the target is the value right AFTER the window")
        if len(x) == count - 1:
            raise wrong(f"{len(x)} windows from {len(series)} values with window={window}: one "
                        "is missing", "the last window ends just before the last value, which "
                        "is its target; count the windows on paper for a short series")
        if len(x) != count:
            raise wrong(f"{len(x)} windows from {len(series)} values with window={window}",
                        f"expected {count}: every window needs a value after it as its target")
        raise wrong(f"for series={series.tolist()}, window={window}: got first window "
                    f"{x[0, :, 0].tolist()} -> {y[0]}",
                    f"expected {expected_x[0, :, 0].tolist()} -> {series[window]}")
    return correct("len(series) - window overlapping windows, each with the value that follows "
                   "it, on 60 random series and windows. Every value of the series except "
                   "the first `window` is a target once.")


windows = Exercise(
    id="forecast.windows",
    lesson="05",
    title="Cut a series into windows and targets",
    judge=_judge_windows,
    hints=("Window i holds series[i], ..., series[i + window - 1]; its target is the next "
           "value. How many i are there?",
           "There are len(series) - window windows; window i is the slice series[i:i + window] "
           "and its target is the value at index i + window."),
    answer="make_windows",
    solution=_windows(),
    mistakes=(
        (_windows(count="len(series) - window - 1"), "one is missing"),
        (_windows(target="series[i + window - 1]"), "right AFTER the window"),
        (_windows(window="series[i + 1:i + 1 + window]"), "right AFTER the window"),
        (_windows(count="len(series) // window - 1", window="series[i * window:(i + 1) * window]",
                  target="series[(i + 1) * window]"), "do not overlap"),
        ("def make_windows(series, window):\n"
         "    x = np.stack([series[i:i + window] for i in range(len(series) - window)])\n"
         "    return x, series[window:]", "add a features axis"),
        ("def make_windows(series, window):\n"
         "    x = np.stack([series[i:i + window] for i in range(len(series) - window)])\n"
         "    return x[..., None], series[window - 1:-1]", "right AFTER the window"),
        ("def make_windows(series, window):\n"
         "    x = np.stack([series[i:i + window] for i in range(len(series) - window - 1)])\n"
         "    return x[..., None], series[window:-1]", "one is missing"),
        ("def make_windows(series, window):\n"
         "    starts = range(0, len(series) - window, window)\n"
         "    x = np.stack([series[i:i + window] for i in starts])\n"
         "    return x[..., None], series[[i + window for i in starts]]", "do not overlap"),
        ("def make_windows(series, window):\n"
         "    x = np.stack([series[i:i + window] for i in range(len(series) - window)])\n"
         "    return x[:, None, :], series[window:]", "swapped"),
        ("def make_windows(series, window):\n"
         "    return np.zeros((6, 4, 1)), np.zeros(6)", "expected"),
        ("def make_windows(series, window):\n"
         "    return forecast.make_windows(series, window)", "course's version"),
    ),
    setup="import numpy as np\nfrom course_utils import forecast",
    forbidden=("course_utils.forecast.make_windows", "numpy.lib.stride_tricks.sliding_window_view",
               "keras.utils.timeseries_dataset_from_array"),
    variants=("def make_windows(series, window):\n"
              "    x = np.stack([series[i:i + window] for i in range(len(series) - window)])\n"
              "    y = series[window:]\n"
              "    return x[..., None], y",
              "def make_windows(series, window):\n"
              "    x, y = [], []\n"
              "    for start in range(len(series) - window):\n"
              "        x.append(series[start:start + window])\n"
              "        y.append(series[start + window])\n"
              "    return np.array(x).reshape(len(x), window, 1), np.array(y)",),
)


_PERSISTENCE_SCAFFOLD = '''def persistence_mae(x, y):
    """x: (N, window, 1) windows, y: (N,) their targets -> one number: the mean absolute
    error of the persistence forecast, "the next value equals the last one seen"."""
    forecasts = {forecasts}  # (N,): one forecast per window
    errors = {errors}  # (N,): how far each forecast is from its target, whatever the sign
    return {mean}  # one number'''

_PERSISTENCE = {"forecasts": "x[:, -1, 0]", "errors": "np.abs(forecasts - y)",
                "mean": "np.mean(errors)"}


def _persistence(**changes: str) -> str:
    return _PERSISTENCE_SCAFFOLD.format(**{**_PERSISTENCE, **changes})


def _mae_cases(seed: int = 6, count: int = 40) -> list[tuple[np.ndarray, np.ndarray]]:
    """(x, y): 1 to 8 windows of 1 to 6 steps, targets above and below the last value."""
    rng = np.random.default_rng(seed)
    cases = []
    for _ in range(count):
        windows, steps = int(rng.integers(1, 9)), int(rng.integers(1, 7))
        x = np.round(rng.normal(scale=3.0, size=(windows, steps, 1)), 2)
        cases.append((x, np.round(x[:, -1, 0] + rng.normal(scale=2.0, size=windows), 2)))
    return sorted(cases, key=lambda case: case[0].size)


def _judge_persistence_mae(persistence_mae):
    for x, y in _mae_cases():
        case = f"for {x.shape[0]} window(s) of {x.shape[1]} step(s) (x of shape {x.shape})"
        got = attempt(persistence_mae, x.copy(), y.copy(), case=case)
        if np.ndim(got) != 0:
            raise wrong(f"{case} persistence_mae returned an array of shape {np.shape(got)}, "
                        "not one number", "average the absolute errors over all windows")
        expected = float(np.mean(np.abs(x[:, -1, 0] - y)))
        if matches(got, expected):
            continue
        got = float(got)
        where = f"{case} persistence_mae returned {got:.4f}; expected {expected:.4f}"
        last = x[:, -1, 0]
        if matches(got, np.mean(last - y)) or matches(got, np.mean(y - last)):
            raise wrong(where + ": errors of opposite signs cancel",
                        "take the absolute value of each error before averaging")
        if matches(got, np.mean((last - y) ** 2)):
            raise wrong(where + ": that is the mean of the squares",
                        "MAE averages absolute errors, not squared ones (that is MSE)")
        if matches(got, np.mean(np.abs(x[:, 0, 0] - y))):
            raise wrong(where + ": the forecast used the oldest value of each window",
                        "persistence repeats the LAST value seen: x[:, -1, 0]")
        if matches(got, np.mean(np.abs(x[:, :, 0].mean(axis=1) - y))):
            raise wrong(where + ": the forecast was the average of the window",
                        "persistence repeats the last value seen, not the average")
        if matches(got, np.sum(np.abs(last - y))):
            raise wrong(where + ": that is the sum of the errors", "average them: np.mean")
        raise wrong(where, "forecast = last value of each window; MAE = mean of |forecast - y|")
    return correct("On 40 random batches of windows, the mean of |last value - target|: on "
                   "average the persistence forecast is off by that much. Any model that "
                   "cannot beat it has learned nothing useful.")


persistence_mae = Exercise(
    id="forecast.persistence_mae",
    lesson="05",
    title="Score the persistence baseline with MAE",
    judge=_judge_persistence_mae,
    hints=("The persistence forecast of each window is its last value; compare it with y.",
           "x has shape (N, window, 1): the last value of every window is x[:, -1, 0]. Then "
           "average the absolute differences."),
    answer="persistence_mae",
    solution=_persistence(),
    mistakes=(
        (_persistence(errors="forecasts - y"), "absolute value"),
        (_persistence(errors="(forecasts - y) ** 2"), "mean of the squares"),
        (_persistence(forecasts="x[:, 0, 0]"), "oldest value"),
        (_persistence(forecasts="x[:, :, 0].mean(axis=1)"), "not the average"),
        (_persistence(mean="np.sum(errors)"), "sum of the errors"),
        ("def persistence_mae(x, y):\n    return np.abs(x[:, -1, 0] - y)", "one number"),
        ("def persistence_mae(x, y):\n    return 1.75", "expected"),
        ("def persistence_mae(x, y):\n"
         "    return forecast.mae(forecast.persistence(x), y)", "course's version"),
    ),
    setup="import numpy as np\nfrom course_utils import forecast",
    forbidden=("course_utils.forecast.persistence", "course_utils.forecast.mae",
               "keras.losses.mean_absolute_error", "keras.metrics.mean_absolute_error",
               "sklearn.metrics.mean_absolute_error"),
    variants=("def persistence_mae(x, y):\n"
              "    return np.mean(np.abs(x[:, -1, 0] - y))",
              "def persistence_mae(x, y):\n"
              "    errors = [abs(window[-1, 0] - target) for window, target in zip(x, y)]\n"
              "    return sum(errors) / len(errors)",),
)

# Line 2 leaks the test years' statistics; lines 6-7 are one call that stops training on the
# test windows' score: naming line 6, line 7 or both names that leak.
_SCALER_LINE, _EARLY_STOPPING_LINES = 2, {6, 7}


def _judge_leakage(leaking_lines):
    if isinstance(leaking_lines, (int, np.integer)) and not isinstance(leaking_lines, bool):
        leaking_lines = {leaking_lines}
    try:
        if isinstance(leaking_lines, str):
            raise TypeError("text")
        chosen = {int(line) for line in leaking_lines}
    except (TypeError, ValueError):
        raise wrong(f"expected a set of line numbers such as {{1, 8}}, got {leaking_lines!r}",
                    "write the numbers of the leaking lines, e.g. leaking_lines = {1, 8}") from None
    if not chosen or not chosen <= set(range(1, 9)):
        raise wrong(f"the listing has lines 1 to 8, got {sorted(chosen)}",
                    "name lines of the listing, e.g. leaking_lines = {1, 8}")
    if 5 in chosen:
        raise wrong(f"you named line 5 among {sorted(chosen)}: the inputs of the first test "
                    "windows are training-year values, but they are the past of their targets",
                    "a forecast is allowed to read everything before its target; a leak puts "
                    "held-out values (or their statistics) into training")
    innocent = sorted(chosen - {_SCALER_LINE} - _EARLY_STOPPING_LINES)
    if innocent and set(innocent) <= {3, 4}:
        raise wrong(f"line {innocent[0]} only uses what earlier lines made",
                    "look where the held-out years first reach the training: which statistics "
                    "or choices were computed from them?")
    if innocent:
        raise wrong(f"{sorted(chosen)} names line {innocent[0]}, which does not leak",
                    "a leak lets the held-out years influence training or the choice of model")
    if _SCALER_LINE not in chosen:
        raise wrong(f"{sorted(chosen)} is not all: line 2 computes the scaler statistics from "
                    "every year, test years included",
                    "fit the scaler on the training part only")
    if not chosen & _EARLY_STOPPING_LINES:
        raise wrong(f"{sorted(chosen)} is not all: the test windows are used during training",
                    "early stopping keeps the epoch with the best validation score: whose "
                    "data is that score computed on here?")
    return correct("Line 2 fits the scaler on all 44 years, so the training data carry the "
                   "mean and spread of the held-out years. Lines 6-7, one call, stop training "
                   "at the epoch that scores best on the test windows (validation_data on line "
                   "6, EarlyStopping on line 7), so the test score is no longer a fair "
                   "estimate: naming line 6, 7 or both is right. Line 5 is fine: a forecast "
                   "may read the past.")


leakage = Exercise(
    id="forecast.leakage",
    lesson="05",
    title="Spot the leaks in a forecasting split",
    judge=_judge_leakage,
    hints=("Ask of every line: does anything computed from the held-out years reach the "
           "model or the choice of the model?",
           "There are two leaks: one in preparing the data, one in training. A test window "
           "whose inputs come from the training years is not a leak."),
    answer="leaking_lines",
    kind="find the bug",
    solution="leaking_lines = {2, 6, 7}",
    variants=("leaking_lines = {2, 6}", "leaking_lines = {2, 7}", "leaking_lines = [7, 2]"),
    mistakes=(
        ("leaking_lines = {6}", "scaler statistics"),
        ("leaking_lines = {6, 7}", "scaler statistics"),
        ("leaking_lines = {2, 6, 7, 8}", "line 8, which does not leak"),
        ("leaking_lines = {2}", "early stopping"),
        ("leaking_lines = {2, 5, 6}", "the past of their targets"),
        ("leaking_lines = {5}", "the past of their targets"),
        ("leaking_lines = {2, 3, 6}", "only uses what earlier lines made"),
        ("leaking_lines = 'two and six'", "set of line numbers"),
    ),
)


# ---------------------------------------------------------------- predict: the baselines' order

_BASELINES = {"persistence": "persistence", "seasonal naive": "seasonal naive",
              "seasonal": "seasonal naive", "seasonal_naive": "seasonal naive",
              "linear": "linear"}
_ORDER = ["linear", "persistence", "seasonal naive"]  # MAE 0.32, 1.13, 1.64 ppm, no training


def _judge_baselines(ranking):
    if not isinstance(ranking, list | tuple) or len(ranking) != 3:
        raise wrong(f"got {ranking!r}", "give a list of the three names, best first: "
                    "'persistence', 'seasonal naive' and 'linear'")
    names = [_BASELINES.get(str(name).strip().lower()) for name in ranking]
    if None in names or len(set(names)) != 3:
        raise wrong(f"got {list(ranking)!r}", "use each of 'persistence', 'seasonal naive' and "
                    "'linear' once")
    if names[0] != "linear":
        raise wrong(f"{names[0]} first", "the linear model weighs all ten months of the window; "
                    "it can follow the trend and the season at once. The other two each copy "
                    "a single month")
    if names != _ORDER:
        raise wrong("seasonal naive before persistence",
                    "seasonal naive copies the same month a year ago: the season's shape is "
                    "right, but a whole year of growth is missing, more than one month's "
                    "change, which is all persistence misses")
    return correct("Run the next cell: the linear model first, then persistence, then seasonal "
                   "naive. A year of growth is a bigger miss than a month of season.")


baseline_order = Exercise(
    id="forecast.baseline_order",
    lesson="05",
    title="Predict which baseline forecasts best",
    judge=_judge_baselines,
    hints=("How much does CO2 change in one month, and how much in a year?",
           "Seasonal naive is right about the season and wrong by a year's growth; persistence "
           "is wrong by one month's change."),
    answer="ranking",
    kind="predict",
    solution='ranking = ["linear", "persistence", "seasonal naive"]',
    mistakes=(
        ('ranking = ["linear", "seasonal naive", "persistence"]', "year of growth is missing"),
        ('ranking = ["persistence", "linear", "seasonal naive"]', "all ten months"),
        ('ranking = ["seasonal naive", "linear", "persistence"]', "all ten months"),
        ('ranking = ["linear", "linear", "persistence"]', "once"),
    ),
    variants=('ranking = ("Linear", "persistence", "seasonal")',),
)
