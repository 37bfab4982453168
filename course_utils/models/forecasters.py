"""Forecasters of lesson 05: the article's SimpleRNN as written, and the course's fix.

The article's model reads windows of 10 raw values and predicts the next raw value.
On a series with a trend (CO2 rises about 1.5 ppm a year) the held-out years lie above
every level seen in training, and a tanh network trained on raw levels of about 330 ppm
cannot follow. The course's forecaster reads the same windows as step-to-step changes,
scaled with statistics of the training part, and predicts the next change.
"""

from __future__ import annotations

import keras

from course_utils import _arrays

__all__ = ["build_article_rnn", "build_course_forecaster", "RECURRENT_CELLS"]

RECURRENT_CELLS = ("SimpleRNN", "LSTM", "GRU")


def build_article_rnn(window: int = 10, units: int = 100) -> keras.Model:
    """The article's model: SimpleRNN(100) on windows (10, 1), Dense(1), Adam, MSE.

    The article writes ``SimpleRNN(100, input_shape=(10, 1))`` (Keras 2); Keras 3 takes the
    input shape from ``keras.Input``. Input (N, window, 1) raw values, output (N, 1).
    """
    model = keras.Sequential([
        keras.Input(shape=(window, 1)),
        keras.layers.SimpleRNN(units),
        keras.layers.Dense(1),
    ], name="article_rnn")
    model.compile(optimizer="adam", loss="mse")
    return model


def build_course_forecaster(window: int = 10, cell: str = "SimpleRNN", units: int = 32,
                            learning_rate: float = 1e-3) -> keras.Model:
    """A recurrent forecaster of the next change from the changes inside a window.

    Input (N, window - 1, 1): the window's step-to-step changes, scaled (see
    ``forecast.to_changes`` and ``forecast.Scaler``). Output (N, 1): the next change,
    scaled the same way. ``cell`` is "SimpleRNN", "LSTM" or "GRU". Compiled with Adam
    and MSE, like the article's model; train it with early stopping on a validation
    part taken from the end of the training years.
    """
    if cell not in RECURRENT_CELLS:
        raise ValueError(f"cell must be one of {', '.join(RECURRENT_CELLS)}, got {cell!r}")
    window = _arrays.whole_number(window, "window", minimum=2,
                                  hint="a window of one value has no change inside")
    units = _arrays.positive_int(units, "units")
    model = keras.Sequential([
        keras.Input(shape=(window - 1, 1)),
        getattr(keras.layers, cell)(units),
        keras.layers.Dense(1),
    ], name=f"course_{cell.lower()}")
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=learning_rate), loss="mse")
    return model
