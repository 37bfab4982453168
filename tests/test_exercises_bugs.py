"""The find-the-bug exercises of lessons 02, 04 and 06 and lesson 06's count prediction.

Each lesson ships exactly the buggy code its exercise module defines; the bug hides on the
easy case a quick test would try, so only the judge's varied cases show it; and a count the
learner predicts is not printed above the exercise, while Keras agrees with the judge's answer.
"""

import nbformat
import numpy as np
import pytest

from course_utils import checks, conv, exercises, recurrence
from tests.conftest import ROOT

BUGS = [("02_pooling.ipynb", "pooling.find_the_bug", exercises.pooling.BUGGY_MAX_POOL),
        ("04_hidden_state.ipynb", "recurrence.find_the_bug", exercises.recurrence.BUGGY_RNN_STATES),
        ("06_lstm_gru.ipynb", "gated.find_the_bug", exercises.gated.BUGGY_LSTM_CELL)]


@pytest.fixture(autouse=True)
def progress_in_tmp(tmp_path, monkeypatch):
    monkeypatch.setenv("COURSE_PROGRESS_FILE", str(tmp_path / "course_progress.json"))


def _cells(name):
    return nbformat.read(ROOT / "notebooks" / name, as_version=4).cells


def _defined(exercise_id, code):
    exercise = {item.id: item for item in checks.exercises()}[exercise_id]
    namespace: dict = {}
    exec(exercise.setup, namespace)  # noqa: S102 - the course's own exercise code
    exec(code, namespace)  # noqa: S102
    return namespace[exercise.answer]


@pytest.mark.parametrize("name, exercise_id, code", BUGS, ids=[bug[1] for bug in BUGS])
def test_the_lesson_ships_the_buggy_code_and_the_judge_names_its_bug(name, exercise_id, code):
    sources = [cell.source for cell in _cells(name) if cell.cell_type == "code"]
    assert f"# EXERCISE {exercise_id}\n{code}" in sources
    exercise = {item.id: item for item in checks.exercises()}[exercise_id]
    assert exercise.kind == "find the bug"
    assert exercise.mistakes[0][0] == code, "the first mistake is the shipped bug"


def test_the_pooling_bug_hides_with_stride_1():
    max_pool = _defined("pooling.find_the_bug", exercises.pooling.BUGGY_MAX_POOL)
    image = np.arange(30.0).reshape(5, 6) % 7
    for stride, equal in ((1, True), (2, False)):
        expected = conv.pool2d(image[None, :, :, None], 2, stride)[0, :, :, 0]
        assert np.array_equal(max_pool(image, 2, stride), expected) == equal


def test_the_recurrence_bug_hides_on_one_step_sequences():
    rnn_states = _defined("recurrence.find_the_bug", exercises.recurrence.BUGGY_RNN_STATES)
    rng = np.random.default_rng(0)
    W, U, b = rng.normal(size=(3, 4)), rng.normal(size=(4, 4)), rng.normal(size=4)
    for steps, equal in ((1, True), (3, False)):
        x = rng.normal(size=(2, steps, 3))
        expected = recurrence.simple_rnn(x, W, U, b, return_sequences=True)
        assert np.allclose(rnn_states(x, W, U, b), expected) == equal


@pytest.mark.parametrize("exercise_id", ["gated.lstm_parameters", "gated.gru_parameters"])
def test_no_parameter_count_is_printed_above_the_exercise(exercise_id):
    cells = _cells("06_lstm_gru.ipynb")
    marker = next(index for index, cell in enumerate(cells)
                  if cell.source.startswith(f"# EXERCISE {exercise_id}"))
    above = "\n".join(cell.source for cell in cells[:marker])
    for telltale in ("count_params", "parameter_count(", "3456", "3,456", "4480", "4,480"):
        assert telltale not in above, f"{telltale!r} above {exercise_id}"
    counting = next(index for index, cell in enumerate(cells) if "count_params" in cell.source)
    assert counting > marker + 1, "Keras counts after the exercise and its check"


def test_keras_counts_what_the_gru_prediction_judge_expects():
    import keras

    model = keras.Sequential([keras.Input((None, 2)), keras.layers.GRU(32)])
    feedback = checks.check("gated.gru_parameters", model.count_params())
    assert feedback.status == checks.CORRECT, str(feedback)
