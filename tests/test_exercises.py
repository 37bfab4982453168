"""Every exercise of the course: the solution passes, each plausible mistake gets its hint."""

import pytest

from course_utils import checks

EXERCISES = checks.exercises()


def _answer(exercise: checks.Exercise, code: str):
    namespace: dict = {}
    exec(exercise.setup, namespace)  # noqa: S102 - the course's own exercise code
    exec(code, namespace)  # noqa: S102
    return namespace[exercise.answer]


@pytest.mark.parametrize("exercise", EXERCISES, ids=[item.id for item in EXERCISES])
def test_solution_is_accepted(exercise):
    feedback = checks.check(exercise.id, _answer(exercise, exercise.solution))
    assert feedback.status == checks.CORRECT, str(feedback)


@pytest.mark.parametrize("exercise", EXERCISES, ids=[item.id for item in EXERCISES])
def test_mistakes_are_rejected_with_their_hint(exercise):
    assert len(exercise.mistakes) >= 3, f"{exercise.id}: give at least three plausible mistakes"
    for code, words in exercise.mistakes:
        feedback = checks.check(exercise.id, _answer(exercise, code))
        assert feedback.status == checks.WRONG, f"accepted a mistake:\n{code}\n{feedback}"
        assert words in feedback.message + " " + feedback.hint, \
            f"mistake\n{code}\ngot feedback\n{feedback}\nwhich does not say {words!r}"


@pytest.mark.parametrize("exercise", EXERCISES, ids=[item.id for item in EXERCISES])
def test_exercise_is_complete(exercise):
    assert exercise.hints, f"{exercise.id} has no hints"
    assert exercise.lesson.isdigit() and len(exercise.lesson) == 2
    assert exercise.solution not in " ".join(exercise.hints), "a hint gives the solution away"


@pytest.mark.parametrize("placeholder", [None, ...])
def test_placeholder_means_not_attempted(placeholder):
    assert checks.check("start.relu", placeholder).status == checks.NOT_ATTEMPTED


def test_function_returning_nothing_is_not_attempted():
    def relu(x):
        ...  # your code here

    assert checks.check("start.relu", relu).status == checks.NOT_ATTEMPTED


def test_not_implemented_is_not_attempted():
    def relu(x):
        raise NotImplementedError

    assert checks.check("start.relu", relu).status == checks.NOT_ATTEMPTED


def test_learner_exception_points_at_their_line():
    def relu(x):
        y = x * 2
        return y.no_such_method()

    feedback = checks.check("start.relu", relu)
    assert feedback.status == checks.WRONG
    assert "AttributeError" in feedback.message
    assert "return y.no_such_method()" in feedback.message
    assert "Traceback" not in feedback.message


def test_unknown_exercise_lists_the_known_ones():
    with pytest.raises(ValueError, match="start.relu"):
        checks.check("start.relu_typo", None)


def test_hints_and_solution_on_request():
    assert "positive" in checks.hint("start.relu", 1)
    assert "np.maximum" in checks.solution("start.relu")
    with pytest.raises(ValueError, match="hints 1 to 2"):
        checks.hint("start.relu", 3)


def test_summary_reports_this_session():
    checks.check("start.relu", lambda x: x.clip(min=0))
    text = str(checks.summary("00"))
    assert "[v] Write ReLU in numpy" in text
    with pytest.raises(ValueError, match="no exercises"):
        checks.summary("99")


def test_feedback_text_starts_with_a_machine_readable_status():
    feedback = checks.check("start.relu", lambda x: abs(x))
    assert str(feedback).splitlines()[0] == "[x] start.relu: not quite"
    assert "Hint:" in str(feedback)


def test_a_dict_of_placeholders_is_not_attempted():
    unanswered = {"first task": ..., "second task": ...}
    assert checks.check("quiz.architecture", unanswered).status == checks.NOT_ATTEMPTED
