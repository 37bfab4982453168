"""Figures that lessons 03, 05 and 09 write in their prose agree with what their code computes.

Each claim is found by its words (tests/lesson_text.py), then held against a constant in the
code beside it, a figure recomputed here from the data without training, or the figure the
lesson publishes.
"""

from __future__ import annotations

import math
import re

import numpy as np

from course_utils import data, forecast
from course_utils.exercises import quiz
from tests.lesson_text import code_cell, published, says


def _number(pattern: str, text: str) -> int:
    match = re.search(pattern, text)
    assert match, f"no {pattern!r} in the code"
    return int(match.group(1))


def _definitions(lesson: str, marker: str, stop: str) -> dict:
    """Run the lesson's code cell holding ``marker`` up to the line ``stop``: its functions."""
    import keras

    source = code_cell(lesson, marker)
    namespace = {"keras": keras, "np": np, "data": data, "forecast": forecast}
    exec(source[:source.index(stop)], namespace)  # noqa: S102 - the lesson's own definitions
    return namespace


# Lesson 03 ---------------------------------------------------------------------------------

def test_03_dense_layer_holds_the_share_of_parameters_the_prose_gives():
    from course_utils.models import digits

    says("03", "99.8% of the parameters sit in one layer")
    counts = [layer.count_params() for layer in digits.build_article_cnn().layers]
    assert f"{max(counts) / sum(counts):.1%}" == "99.8%"
    says("03", "320 for the convolution, none for pooling and Flatten, 692,352 for Dense(128), "
                "1,290 for the output layer")
    assert counts == [320, 0, 0, 692_352, 1_290]


def test_03_short_runs_have_the_steps_the_prose_counts():
    says("03", "Our short runs have 96 steps")
    code = code_cell("03", "def measure(")
    digits_per_run = _number(r"x_short, y_short = x_fit\[:(\d+)", code)
    epochs = _number(r"def measure\(model, epochs=(\d+)\)", code)
    batch = _number(r"batch_size=(\d+)", code)
    assert epochs * math.ceil(digits_per_run / batch) == 96


def test_03_ink_that_leaves_the_frame_is_what_the_caption_says():
    says("03", "Up to 4 pixels almost no ink leaves the frame; at 6 pixels some digits lose a "
                "fifth of theirs")
    code = code_cell("03", "shifts = np.arange(")
    assert "x_some, y_some = x_test[:500], y_test[:500]" in code
    assert "data.shift_images(" in code and "np.roll" not in code
    _, (x_test, _) = data.load_digits()
    images = x_test[:500]
    ink = images.sum(axis=(1, 2), dtype=np.float64)

    def lost(shift: int) -> np.ndarray:
        return 1 - data.shift_images(images, right=shift).sum(axis=(1, 2), dtype=np.float64) / ink

    assert all(lost(shift).mean() < 0.01 for shift in (-4, 4))
    assert 0.15 <= max(lost(-6).max(), lost(6).max()) <= 0.25


def test_03_takeaways_match_the_published_test_accuracies():
    says("03", "(95 to 97% of the test digits)")
    assert 0.95 <= published("cnn.article_accuracy") <= 0.97
    says("03", "The course CNN reaches at least 98.5% on digits it never saw")
    assert published("cnn.course_accuracy") >= 0.985


def test_03_reads_no_curve_on_the_test_digits():
    code = code_cell("03", "history = article_cnn.fit(")
    assert "validation_data=(x_validate" in code and "x_test" not in code


# Lesson 05 ---------------------------------------------------------------------------------

def test_05_early_stopping_in_the_caption_is_the_one_in_the_code():
    says("05", "stops twenty epochs after its best validation loss (`patience=20`), or at 80 "
                "epochs")
    code = code_cell("05", "def train_course_forecaster(")
    assert _number(r"early_stopping\(patience=(\d+)\)", code) == 20
    assert _number(r"num_epochs=(\d+)", code) == 80
    says("05", "has not improved for 10 epochs")
    assert _number(r"def early_stopping\(patience=(\d+)\)", code_cell("05", "def early_stopping(")) \
        == 10


def test_05_cells_are_compared_with_the_same_early_stopping():
    says("05", "the same seed and the same early stopping")
    code = code_cell("05", 'for cell in ("LSTM", "GRU"):')
    call = re.search(r"train_course_forecaster\(([^)]*)\)", code).group(1)
    assert "num_epochs" not in call and "patience" not in call, \
        f"LSTM and GRU are trained with {call}: not the SimpleRNN's settings"


def test_05_weekly_series_leaves_a_model_only_a_small_margin():
    says("05", 'beats "next week equals this week" by only a small margin')
    gains = {}
    for frequency in ("weekly", "monthly"):
        _, series = data.load_co2(frequency)
        x, y = forecast.make_windows(series, window=10)
        n_test = len(forecast.split_by_time(series, test_fraction=0.2)[1])
        weights = forecast.fit_linear(x[:-n_test], y[:-n_test])
        linear = forecast.mae(forecast.predict_linear(weights, x[-n_test:]), y[-n_test:])
        gains[frequency] = 1 - linear / forecast.mae(forecast.persistence(x[-n_test:]),
                                                     y[-n_test:])
    assert gains["weekly"] < 0.2 < 0.5 < gains["monthly"], gains


def test_05_counts_in_the_prose():
    _, series = data.load_co2("monthly")
    n_test = len(forecast.split_by_time(series, test_fraction=0.2)[1])
    n_train = len(series) - 10 - n_test
    says("05", "a fair budget for 411 windows")
    assert n_train == 411
    says("05", "after 650 steps")
    assert 50 * math.ceil(n_train / 32) == 650
    says("05", "on the 105 held-out months")
    assert n_test == 105


def test_05_takeaways_match_the_published_errors():
    says("05", "beats persistence by three quarters and is at least on par with the linear model")
    course, persistence = published("rnn.course_mae"), published("rnn.persistence_mae")
    assert 0.7 <= 1 - course / persistence <= 0.8
    assert course <= published("rnn.linear_mae")
    says("05", "On windows of 10 months SimpleRNN, LSTM and GRU score alike")
    cells = [course, published("rnn.lstm_mae"), published("rnn.gru_mae")]
    assert max(cells) / min(cells) < 1.25


def test_05_trend_is_the_growth_the_lesson_prints():
    says("05", "(about +1.3 ppm a year on average, faster later)")
    _, ppm = data.load_co2("monthly")
    yearly_growth = ppm[12:] - ppm[:-12]
    assert round(float(yearly_growth.mean()), 1) == 1.3
    assert yearly_growth[:120].mean() < yearly_growth[-120:].mean()


# Lesson 09 ---------------------------------------------------------------------------------

def test_09_image_models_have_the_sizes_the_prose_gives():
    says("09", "The CNN does better with about half the parameters")
    models = _definitions("09", "def small_cnn(", "def fit_and_score(")
    ratio = models["small_cnn"]().count_params() / models["dense_classifier"]().count_params()
    assert 0.4 <= ratio <= 0.6, ratio
    assert published("compare.cnn_shifted_accuracy") > published("compare.dense_shifted_accuracy")


def test_09_series_models_have_the_sizes_the_prose_gives():
    says("09", "the dense network has about a third of the RNN's parameters")
    models = _definitions("09", "def series_model(", "persistence_mae = ")
    ratio = models["series_model"]("dense network").count_params() / \
        models["series_model"]("RNN").count_params()
    assert 0.25 <= ratio <= 0.4, ratio


def test_09_shifts_lose_little_ink():
    says("09", "so most of them keep all or nearly all their ink")
    code = code_cell("09", "def shift_digits(")
    assert "data.shift_images(" in code and "np.roll" not in code
    (x_train, _), (x_test, _) = data.load_digits()
    rng = np.random.default_rng(0)  # the lesson's rng, first used by these shifts
    lost = []
    for images in (x_train, x_test):
        for image in images:
            down, right = rng.integers(-4, 5, size=2)
            moved = data.shift_images(image, int(down), int(right))
            lost.append(1 - moved.sum(dtype=np.float64) / image.sum(dtype=np.float64))
    assert np.mean(lost) < 0.01 and np.mean(np.array(lost) > 0.01) < 0.25


def test_09_augmentation_experiment_has_the_conditions_and_steps_the_prose_gives():
    says("09", "A small CNN is trained three ways")
    code = code_cell("09", "conditions = {")
    conditions = re.findall(r'^    "([^"]+)": \(', code, flags=re.MULTILINE)
    assert len(conditions) == 3, conditions
    says("09", "Every run takes the same number of training steps (200)")
    steps, batch = (int(value) for value in
                    re.search(r"steps, batch_size = (\d+), (\d+)", code).groups())
    assert steps == 200
    for size in (500, 1000):  # the real digits alone, and with as many GAN digits
        epochs = max(1, round(steps * batch / size))
        assert epochs * math.ceil(size / batch) == steps


def test_09_quiz_does_not_reward_what_the_lesson_measured_against():
    gan_tasks = [task for task, family in quiz._TASKS.items() if family == "GAN"]
    assert gan_tasks and not any("training" in task or "extra" in task for task in gan_tasks), \
        "the quiz rewards GAN samples as extra training data, which lesson 09 measured"
    assert published("augment.gan_accuracy") <= published("augment.baseline_accuracy")

