"""Lesson 05's exercises: cut a series into windows, score a baseline, find a leak."""

import numpy as np

from course_utils.checks import Exercise, attempt, correct, wrong

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


def _judge_windows(make_windows):
    series = np.array([3.0, 1.0, 4.0, 1.0, 5.0, 9.0, 2.0, 6.0, 5.0, 3.0])
    window = 4
    result = attempt(make_windows, series.copy(), window)
    if not isinstance(result, tuple) or len(result) != 2:
        raise wrong(f"make_windows(series, {window}) returned {type(result).__name__}, not a "
                    "pair (x, y)", "end with `return x, y`")
    x, y = (np.asarray(item, dtype=float) for item in result)
    count = len(series) - window
    if x.ndim == 2 and x.shape == (count, window):
        raise wrong(f"x has shape {x.shape}: recurrent layers read (windows, time steps, "
                    "features)", f"add a features axis of size 1: shape ({count}, {window}, 1)")
    if x.ndim == 3 and x.shape[1:] == (1, window):
        raise wrong(f"x has shape {x.shape}: time and features are swapped",
                    f"the time steps come second: shape ({count}, {window}, 1)")
    if x.ndim != 3 or x.shape[1:] != (window, 1):
        raise wrong(f"x has shape {x.shape} for a series of {len(series)} values and "
                    f"window={window}", f"expected ({count}, {window}, 1)")
    if y.shape != (len(x),):
        raise wrong(f"y has shape {y.shape} but x has {len(x)} windows",
                    "one target per window: y has shape (N,)")
    if len(x) > 1 and np.array_equal(x[1, :, 0], series[window:2 * window]):
        raise wrong(f"the second window is {x[1, :, 0].tolist()}: the windows do not overlap",
                    "start a new window at every step, not every `window` steps")
    if len(x) > 0 and np.array_equal(y, x[:, -1, 0]):
        raise wrong(f"the first target is {y[0]}, the last value inside its own window "
                    f"{x[0, :, 0].tolist()}", "the target is the value right AFTER the window")
    if len(x) == count - 1:
        raise wrong(f"{len(x)} windows from {len(series)} values with window={window}: one "
                    "is missing", "the last window ends just before the last value, which "
                    "is its target; count the windows on paper for a short series")
    if len(x) != count:
        raise wrong(f"{len(x)} windows from {len(series)} values with window={window}",
                    f"expected {count}: every window needs a value after it as its target")
    expected_x = np.stack([series[i:i + window] for i in range(count)])[..., None]
    if not np.array_equal(x, expected_x) or not np.array_equal(y, series[window:]):
        raise wrong(f"for series={series.tolist()}, window={window}: got first window "
                    f"{x[0, :, 0].tolist()} -> {y[0]}",
                    f"expected {expected_x[0, :, 0].tolist()} -> {series[window]}")
    return correct(f"{count} overlapping windows, each with the value that follows it. "
                   "Every value of the series except the first `window` is a target once.")


windows = Exercise(
    id="forecast.windows",
    lesson="05",
    title="Cut a series into windows and targets",
    judge=_judge_windows,
    hints=("Window i holds series[i], ..., series[i + window - 1]; its target is the next "
           "value. How many i are there?",
           "Loop i over range(len(series) - window), stack the slices, then add an axis of "
           "size 1 at the end with [..., None]."),
    answer="make_windows",
    solution=("def make_windows(series, window):\n"
              "    x = np.stack([series[i:i + window] for i in range(len(series) - window)])\n"
              "    y = series[window:]\n"
              "    return x[..., None], y"),
    mistakes=(
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
    ),
)


def _judge_persistence_mae(persistence_mae):
    x = np.array([[1.0, 2.0, 4.0], [2.0, 4.0, 3.0], [4.0, 3.0, 6.0], [3.0, 6.0, 5.0]])[..., None]
    y = np.array([3.0, 6.0, 5.0, 7.0])
    expected = float(np.mean(np.abs(x[:, -1, 0] - y)))      # |4-3|, |3-6|, |6-5|, |5-7|
    got = attempt(persistence_mae, x.copy(), y.copy())
    if np.ndim(got) != 0:
        raise wrong(f"returned an array of shape {np.shape(got)}, not one number",
                    "average the absolute errors over all windows")
    got = float(got)
    if np.isclose(got, expected):
        return correct(f"MAE {expected:.2f}: on average the persistence forecast is off by "
                       "that much. Any model that cannot beat this has learned nothing useful.")
    if np.isclose(got, np.mean(x[:, -1, 0] - y)) or np.isclose(got, np.mean(y - x[:, -1, 0])):
        raise wrong(f"got {got:.2f}, expected {expected:.2f}: errors of opposite signs cancel",
                    "take the absolute value of each error before averaging")
    if np.isclose(got, np.mean((x[:, -1, 0] - y) ** 2)):
        raise wrong(f"got {got:.2f}, expected {expected:.2f}: that is the mean of the squares",
                    "MAE averages absolute errors, not squared ones (that is MSE)")
    if np.isclose(got, np.mean(np.abs(x[:, 0, 0] - y))):
        raise wrong(f"got {got:.2f}, expected {expected:.2f}: the forecast used the oldest "
                    "value of each window", "persistence repeats the LAST value seen: x[:, -1, 0]")
    if np.isclose(got, np.mean(np.abs(x[:, :, 0].mean(axis=1) - y))):
        raise wrong(f"got {got:.2f}, expected {expected:.2f}: the forecast was the average of "
                    "the window", "persistence repeats the last value seen, not the average")
    raise wrong(f"on 4 windows got {got:.4f}, expected {expected:.4f}",
                "forecast = last value of each window; MAE = mean of |forecast - y|")


persistence_mae = Exercise(
    id="forecast.persistence_mae",
    lesson="05",
    title="Score the persistence baseline with MAE",
    judge=_judge_persistence_mae,
    hints=("The persistence forecast of each window is its last value; compare it with y.",
           "x has shape (N, window, 1): the last value of every window is x[:, -1, 0]. Then "
           "average the absolute differences."),
    answer="persistence_mae",
    solution=("def persistence_mae(x, y):\n"
              "    return np.mean(np.abs(x[:, -1, 0] - y))"),
    mistakes=(
        ("def persistence_mae(x, y):\n    return np.mean(x[:, -1, 0] - y)", "absolute value"),
        ("def persistence_mae(x, y):\n    return np.mean((x[:, -1, 0] - y) ** 2)",
         "mean of the squares"),
        ("def persistence_mae(x, y):\n    return np.mean(np.abs(x[:, 0, 0] - y))",
         "oldest value"),
        ("def persistence_mae(x, y):\n    return np.mean(np.abs(x[:, :, 0].mean(axis=1) - y))",
         "not the average"),
        ("def persistence_mae(x, y):\n    return np.abs(x[:, -1, 0] - y)", "one number"),
    ),
)

_LEAKS = {2, 6}


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
    if chosen == _LEAKS:
        return correct("Line 2 fits the scaler on all 44 years, so the training data carry the "
                       "mean and spread of the held-out years; lines 6-7 stop training at the "
                       "epoch that scores best on the test windows, so the test score is no "
                       "longer a fair estimate. Line 5 is fine: a forecast may read the past.")
    if 5 in chosen:
        raise wrong(f"you named line 5 among {sorted(chosen)}: the inputs of the first test "
                    "windows are training-year values, but they are the past of their targets",
                    "a forecast is allowed to read everything before its target; a leak puts "
                    "held-out values (or their statistics) into training")
    if chosen & {3, 4}:
        raise wrong(f"line {min(chosen & {3, 4})} only uses what earlier lines made",
                    "look where the held-out years first reach the training: which statistics "
                    "or choices were computed from them?")
    missing = _LEAKS - chosen
    if 2 in missing:
        raise wrong(f"{sorted(chosen)} is not all: line 2 computes the scaler statistics from "
                    "every year, test years included",
                    "fit the scaler on the training part only")
    if 6 in missing:
        raise wrong(f"{sorted(chosen)} is not all: the test windows are used during training",
                    "early stopping keeps the epoch with the best validation score: whose "
                    "data is that score computed on here?")
    raise wrong(f"{sorted(chosen)} names lines that do not leak",
                "a leak lets the held-out years influence training or the choice of model")


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
    solution="leaking_lines = {2, 6}",
    mistakes=(
        ("leaking_lines = {6}", "scaler statistics"),
        ("leaking_lines = {2}", "early stopping"),
        ("leaking_lines = {2, 5, 6}", "the past of their targets"),
        ("leaking_lines = {5}", "the past of their targets"),
        ("leaking_lines = {2, 3, 6}", "only uses what earlier lines made"),
        ("leaking_lines = 'two and six'", "set of line numbers"),
    ),
)
