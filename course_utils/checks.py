"""Exercise feedback: one mechanism for every exercise in the course (introduced in lesson 00).

In a notebook an exercise is two cells. The learner's cell starts with a marker line::

    # EXERCISE conv.output_size
    def output_size(n, k, stride=1, padding=0):
        ...  # your code here

and the cell under it asks for feedback::

    checks.check("conv.output_size", output_size)

The answer is in one of three states: not attempted yet (the cell as shipped: ``...``,
``None`` or ``raise NotImplementedError``), wrong (what is wrong, on which input, and a
hint that does not give the answer away) or correct. Hints in levels and the solution are
revealed only on request: the buttons under the feedback, ``checks.hint(...)`` or
``checks.solution(...)``. ``checks.summary("01")`` lists this session's results.

Exercises are defined in ``course_utils/exercises/``: each is an ``Exercise`` whose
``judge`` receives the learner's answer and calls ``correct(...)`` or ``wrong(...)``.
"""

from __future__ import annotations

import dataclasses
import functools
import html
import importlib
import linecache
import pkgutil
import traceback
from collections.abc import Callable
from typing import Any

__all__ = ["Exercise", "Feedback", "check", "hint", "solution", "summary", "correct", "wrong",
           "attempt", "exercises", "NOT_ATTEMPTED", "WRONG", "CORRECT"]

NOT_ATTEMPTED, WRONG, CORRECT = "not attempted yet", "not quite", "correct"
_SYMBOL = {NOT_ATTEMPTED: "[ ]", WRONG: "[x]", CORRECT: "[v]"}
_COLOR = {NOT_ATTEMPTED: "#6c757d", WRONG: "#b35806", CORRECT: "#1a7f37"}


@dataclasses.dataclass(frozen=True)
class Exercise:
    """An exercise: its id ("concept.name"), lesson, title, judge, hints and solution.

    judge(answer) returns the message of a correct answer, or raises via ``wrong(...)``.
    answer: the name the learner's cell defines and the check cell passes to ``check``.
    solution: code that, put in the learner's cell under the marker line, solves the
        exercise; tests run every notebook with it substituted.
    mistakes: plausible wrong answers, each (code, words the feedback must contain);
        tests check every one is rejected with the right hint. At least three.
    setup: code run before a solution or mistake in tests (the notebook's imports).
    """

    id: str
    lesson: str
    title: str
    judge: Callable[[Any], str]
    hints: tuple[str, ...]
    answer: str
    solution: str
    mistakes: tuple[tuple[str, str], ...] = ()
    setup: str = "import numpy as np"


@dataclasses.dataclass(frozen=True)
class Feedback:
    """What a learner sees under an exercise. ``status`` is one of the three states."""

    exercise: str
    status: str
    message: str
    hint: str = ""

    @property
    def passed(self) -> bool:
        return self.status == CORRECT

    def __str__(self) -> str:
        lines = [f"{_SYMBOL[self.status]} {self.exercise}: {self.status}", self.message]
        if self.hint:
            lines.append(f"Hint: {self.hint}")
        return "\n".join(line for line in lines if line)

    def __repr__(self) -> str:
        return str(self)

    def _repr_html_(self) -> str:
        color = _COLOR[self.status]
        body = html.escape(self.message).replace("\n", "<br>")
        hint = (f"<div style='margin-top:4px'><b>Hint:</b> {html.escape(self.hint)}</div>"
                if self.hint else "")
        return (f"<div style='border-left:4px solid {color};padding:4px 10px;margin:4px 0'>"
                f"<b style='color:{color}'>{_SYMBOL[self.status]} {html.escape(self.exercise)}: "
                f"{self.status}</b><div style='white-space:pre-wrap'>{body}</div>{hint}</div>")

    def _ipython_display_(self) -> None:
        from IPython.display import display

        display({"text/plain": str(self), "text/html": self._repr_html_()}, raw=True)
        exercise = _registry().get(self.exercise)
        if not self.passed and exercise is not None:
            display(_help_buttons(exercise))


class _Wrong(Exception):
    def __init__(self, message: str, hint: str):
        super().__init__(message)
        self.message, self.hint = message, hint


class _NotAttempted(Exception):
    pass


class _LearnerError(Exception):
    pass


def correct(message: str = "") -> str:
    """Used by a judge: the answer is right; ``message`` says what to notice."""
    return message


def wrong(message: str, hint: str = "") -> _Wrong:
    """Used by a judge as ``raise wrong(...)``: what is wrong and on which input, plus a hint."""
    return _Wrong(message, hint)


def _is_placeholder(value: Any) -> bool:
    """None, ``...``, or a dict, list or tuple holding nothing else: not attempted yet."""
    if value is None or value is Ellipsis:
        return True
    if isinstance(value, dict):
        return bool(value) and all(_is_placeholder(item) for item in value.values())
    if isinstance(value, list | tuple):
        return bool(value) and all(_is_placeholder(item) for item in value)
    return False


def attempt(function: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Call the learner's function for a judge, turning what goes wrong into feedback.

    A placeholder result (None or ...) or NotImplementedError means "not attempted";
    any other exception becomes feedback that points at the learner's own line.
    """
    if not callable(function):
        raise wrong(f"expected a function, got {type(function).__name__}",
                    "pass the function itself, without calling it: check(..., my_function)")
    try:
        result = function(*args, **kwargs)
    except NotImplementedError as error:
        raise _NotAttempted() from error
    except Exception as error:
        raise _LearnerError(_describe_learner_error(error)) from None
    if _is_placeholder(result):
        raise _NotAttempted()
    return result


def _describe_learner_error(error: BaseException) -> str:
    """Name the learner's line where the error happened, without the framework traceback."""
    frames = traceback.extract_tb(error.__traceback__)
    mine = [frame for frame in frames if "course_utils" not in frame.filename
            and "site-packages" not in frame.filename and "/lib/python" not in frame.filename]
    where = ""
    if mine:
        frame = mine[-1]
        code = frame.line or linecache.getline(frame.filename, frame.lineno).strip()
        where = f" in your code, line {frame.lineno} of `{frame.name}`: {code}"
    return f"Your code raised {type(error).__name__}{where}\n  {error}"


@functools.cache
def _registry() -> dict[str, Exercise]:
    """Every Exercise defined in course_utils.exercises, by id; collected once per process."""
    from course_utils import exercises as package

    found: dict[str, Exercise] = {}
    for module_info in pkgutil.iter_modules(package.__path__):
        module = importlib.import_module(f"{package.__name__}.{module_info.name}")
        for item in vars(module).values():
            if isinstance(item, Exercise):
                if item.id in found and found[item.id] is not item:
                    raise RuntimeError(f"two exercises share the id {item.id!r}")
                found[item.id] = item
    return found


def exercises(lesson: str | None = None) -> list[Exercise]:
    """Every exercise of the course, or of one lesson ("01"), in definition order."""
    found = list(_registry().values())
    return [item for item in found if lesson is None or item.lesson == lesson]


def _find(exercise_id: str) -> Exercise:
    registry = _registry()
    if exercise_id not in registry:
        known = ", ".join(sorted(registry)) or "none yet"
        raise ValueError(f"no exercise called {exercise_id!r}; known exercises: {known}")
    return registry[exercise_id]


_session: dict[str, str] = {}  # exercise id -> latest status, for summary() only


def check(exercise_id: str, answer: Any) -> Feedback:
    """Judge the learner's answer and return feedback that displays itself."""
    exercise = _find(exercise_id)
    if _is_placeholder(answer):
        feedback = Feedback(exercise_id, NOT_ATTEMPTED,
                            "Write your answer in the cell above, run it, then run this cell.")
    else:
        try:
            message = exercise.judge(answer)
            feedback = Feedback(exercise_id, CORRECT, message or "Well done.")
        except _NotAttempted:
            feedback = Feedback(exercise_id, NOT_ATTEMPTED,
                                "Replace the `...` in the cell above with your code, run it, "
                                "then run this cell.")
        except _Wrong as verdict:
            feedback = Feedback(exercise_id, WRONG, verdict.message, verdict.hint)
        except _LearnerError as error:
            feedback = Feedback(exercise_id, WRONG, str(error),
                                "fix the line named above, run your cell again, then this one.")
    _session[exercise_id] = feedback.status
    return feedback


def hint(exercise_id: str, level: int = 1) -> str:
    """Hint number ``level`` (1 is the gentlest) for an exercise."""
    exercise = _find(exercise_id)
    if not 1 <= level <= len(exercise.hints):
        raise ValueError(f"{exercise_id} has hints 1 to {len(exercise.hints)}, not {level}")
    return exercise.hints[level - 1]


def solution(exercise_id: str) -> str:
    """The solution code of an exercise. Try the hints first."""
    return _find(exercise_id).solution


@dataclasses.dataclass(frozen=True)
class _Summary:
    rows: tuple[tuple[str, str, str], ...]

    def __str__(self) -> str:
        done = sum(status == CORRECT for _, _, status in self.rows)
        lines = [f"Exercises completed in this session: {done} of {len(self.rows)}"]
        lines += [f"  {_SYMBOL[status]} {title} ({exercise_id})"
                  for exercise_id, title, status in self.rows]
        return "\n".join(lines)

    __repr__ = __str__


def summary(lesson: str) -> _Summary:
    """Which exercises of a lesson ("01") were solved in this session."""
    rows = tuple((item.id, item.title, _session.get(item.id, NOT_ATTEMPTED))
                 for item in exercises(lesson))
    if not rows:
        raise ValueError(f"lesson {lesson!r} has no exercises; lessons are named '00' to '09'")
    return _Summary(rows)


def _help_buttons(exercise: Exercise) -> object:
    """Buttons that reveal the hints one level at a time, then the solution."""
    import ipywidgets

    out = ipywidgets.Output()
    shown = {"level": 0}
    hint_button = ipywidgets.Button(description="Show a hint", icon="lightbulb-o")
    solution_button = ipywidgets.Button(description="Show the solution", icon="eye")

    def on_hint(_: object) -> None:
        if shown["level"] < len(exercise.hints):
            shown["level"] += 1
            with out:
                print(f"Hint {shown['level']}: {exercise.hints[shown['level'] - 1]}")
        if shown["level"] >= len(exercise.hints):
            hint_button.disabled = True

    def on_solution(_: object) -> None:
        solution_button.disabled = True
        with out:
            print("Solution:\n" + exercise.solution)

    hint_button.on_click(on_hint)
    solution_button.on_click(on_solution)
    return ipywidgets.VBox([ipywidgets.HBox([hint_button, solution_button]), out])
