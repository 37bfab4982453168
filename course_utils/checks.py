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
``checks.solution(...)``. ``checks.summary("01")`` lists the lesson's results.

Exercises are defined in ``course_utils/exercises/``: each is an ``Exercise`` whose
``judge`` receives the learner's answer and calls ``correct(...)`` or ``wrong(...)``.
A judge runs the answer through ``attempt(...)`` on many varied inputs; while it does, the
functions named in the exercise's ``forbidden`` (the course's own version, the framework
layer it re-implements) are swapped for stand-ins that refuse the answer kindly.

The last verdict of every exercise is saved in ``course_progress.json`` in the kernel's
working directory (next to the notebook; the environment variable COURSE_PROGRESS_FILE
names another file), so ``summary`` still knows it after a restart. Setting the
environment variable COURSE_HIDE_SOLUTIONS=1 hides every solution (hints stay).
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import html
import importlib
import inspect
import io
import json
import linecache
import os
import pkgutil
import sys
import textwrap
import tokenize
import traceback
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np

__all__ = ["Exercise", "Feedback", "check", "hint", "solution", "summary", "correct", "wrong",
           "attempt", "matches", "exercises", "yours_or_course", "NOT_ATTEMPTED", "WRONG",
           "CORRECT", "COURSE_VERSION", "KINDS"]

NOT_ATTEMPTED, WRONG, CORRECT = "not attempted yet", "not quite", "correct"
COURSE_VERSION = "went on with the course's version"
_SYMBOL = {NOT_ATTEMPTED: "[ ]", WRONG: "[x]", CORRECT: "[v]", COURSE_VERSION: "[r]"}
_COLOR = {NOT_ATTEMPTED: "#6c757d", WRONG: "#b35806", CORRECT: "#1a7f37"}
KINDS = ("write", "predict", "find the bug", "choose")
"""What the learner does: write code, predict a value before running, find the bug, choose."""

PROGRESS_FILE = "course_progress.json"
"""Where the last verdicts are saved, relative to the kernel's working directory."""


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
    kind: one of KINDS, what the learner does.
    forbidden: dotted names ("course_utils.conv.conv2d", "keras.layers.Conv2D") of the
        functions that would do the whole job: the course's own version and the framework's.
        While the judge runs the answer they refuse to work, so the answer cannot be one of
        them or a wrapper around one. Names of modules not imported yet are skipped.
    variants: other correct answers, as code; tests check that every one passes.
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
    kind: str = "write"
    forbidden: tuple[str, ...] = ()
    variants: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"{self.id}: kind must be one of {KINDS}, got {self.kind!r}")


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
    def __init__(self, message: str = ""):
        super().__init__(message)
        self.message = message


class _LearnerError(Exception):
    def __init__(self, message: str, hint: str = ""):
        super().__init__(message)
        self.hint = hint


class _CourseVersion(BaseException):
    """Raised by a stand-in for a forbidden function. A BaseException, so that a learner's
    ``except Exception`` cannot swallow it."""

    def __init__(self, name: str):
        super().__init__(name)
        self.name = name


def _course_version_feedback(name: str) -> _Wrong:
    return _Wrong(f"your answer calls {name}: that is the course's version (or the framework's) "
                  "of what this exercise asks you to build, so it cannot tell whether you "
                  "can. Write your own.",
                  "build it from smaller pieces, as the scaffold and the hints do; if you are "
                  "stuck, the lesson lets you go on with the course's version")


def _stand_in(name: str) -> Callable[..., Any]:
    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise _CourseVersion(name)

    refuse.__name__ = refuse.__qualname__ = f"refused_{name.rsplit('.', 1)[-1]}"
    return refuse


def _resolve(dotted: str) -> tuple[Any, str, Any] | None:
    """(owner, attribute, object) for a dotted name whose module is already imported, else None.

    Only imported modules are looked at: importing TensorFlow to forbid a layer the learner
    has not even imported would cost seconds at every check.
    """
    parts = dotted.split(".")
    for cut in range(len(parts) - 1, 0, -1):
        owner = sys.modules.get(".".join(parts[:cut]))
        if owner is not None:
            break
    else:
        return None
    for part in parts[cut:-1]:
        owner = getattr(owner, part, None)
        if owner is None:
            return None
    if not hasattr(owner, parts[-1]):
        return None
    return owner, parts[-1], getattr(owner, parts[-1])


def _unwrap(function: Any) -> Any:
    """The function under a functools.partial or a bound method, for identity checks."""
    for _ in range(10):
        inner = getattr(function, "func", None) or getattr(function, "__func__", None)
        if inner is None:
            return function
        function = inner
    return function


_forbidden: dict[str, Any] = {}  # dotted name -> original, for the exercise being judged


@contextlib.contextmanager
def _refusing(function: Any) -> Iterator[None]:
    """Swap the forbidden functions for stand-ins while the learner's ``function`` runs.

    Both the attribute of the module (``conv.conv2d(...)``) and any name in the learner's
    own namespace or closure bound to the same object (``from course_utils.conv import conv2d``)
    are swapped; everything is put back in the ``finally``, whatever happens.
    """
    swapped: list[tuple[Any, str, Any]] = []
    try:
        for name, original in _forbidden.items():
            found = _resolve(name)
            if found is not None and found[2] is original:
                setattr(found[0], found[1], _stand_in(name))
                swapped.append((found[0], found[1], original))
        originals = {id(original): name for name, original in _forbidden.items()}
        learner = _unwrap(function)
        namespace = getattr(learner, "__globals__", None)
        if isinstance(namespace, dict):
            for key, value in list(namespace.items()):
                if id(value) in originals:
                    namespace[key] = _stand_in(originals[id(value)])
                    swapped.append((namespace, key, value))
        for cell in getattr(learner, "__closure__", None) or ():  # a wrapper made in a function
            try:
                value = cell.cell_contents
            except ValueError:  # an empty cell
                continue
            if id(value) in originals:
                cell.cell_contents = _stand_in(originals[id(value)])
                swapped.append((cell, "cell_contents", value))
        yield
    finally:
        for owner, attribute, original in reversed(swapped):
            if isinstance(owner, dict):
                owner[attribute] = original
            else:
                setattr(owner, attribute, original)


def matches(got: Any, expected: Any, rtol: float = 1e-6, atol: float = 1e-9) -> bool:
    """Same shape and the same values up to rounding, for numbers and arrays.

    Judges compare floats with a tolerance, never exactly, so that a verdict does not
    change with the number of threads BLAS uses.
    """
    try:
        got_array, expected_array = np.asarray(got, dtype=float), np.asarray(expected, dtype=float)
    except (TypeError, ValueError):
        return False
    return (got_array.shape == expected_array.shape
            and bool(np.allclose(got_array, expected_array, rtol=rtol, atol=atol)))


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
    if isinstance(value, np.ndarray) and value.dtype == object:  # np.array([..., ...])
        return value.size > 0 and all(_is_placeholder(item) for item in value.ravel())
    return False


def attempt(function: Callable[..., Any], *args: Any, case: str = "", error_hint: str = "",
            **kwargs: Any) -> Any:
    """Call the learner's function for a judge, turning what goes wrong into feedback.

    A placeholder result (None or ...) or NotImplementedError means "not attempted";
    any other exception becomes feedback that points at the learner's own line, on the
    input ``case`` describes ("for a 3x4 image and a 2x2 kernel"), if given, with
    ``error_hint`` as the hint (the likely cause for this exercise), if given.
    A call to one of the exercise's ``forbidden`` functions is refused with a kind note.
    """
    if not callable(function):
        raise wrong(f"expected a function, got {type(function).__name__}",
                    "pass the function itself, without calling it: check(..., my_function)")
    try:
        with _refusing(function):
            result = function(*args, **kwargs)
    except _CourseVersion as refused:
        raise _course_version_feedback(refused.name) from None
    except NotImplementedError as error:
        raise _NotAttempted() from error
    except Exception as error:
        if "ellipsis" in str(error).lower():  # a scaffold with a `...` region still to fill
            raise _NotAttempted(_unfinished_line(error)) from None
        raise _LearnerError((f"{case[:1].upper()}{case[1:]}: " if case else "")
                            + _describe_learner_error(error), error_hint) from None
    if _is_placeholder(result):
        raise _NotAttempted()
    return result


def _learner_frames(error: BaseException) -> list[Any]:
    """The traceback entries that run the learner's code, outermost first."""
    frames = []
    entry = error.__traceback__
    while entry is not None:
        name = entry.tb_frame.f_code.co_filename
        if "course_utils" not in name and "site-packages" not in name and "/lib/python" not in name:
            frames.append(entry)
        entry = entry.tb_next
    return frames


def _placeholders(code: Any) -> list[tuple[int, str]]:
    """(line number, line) of every `...` in the source of a code object, in order; empty
    when the source cannot be read. Comments and strings do not count."""
    try:
        lines, start = inspect.getsourcelines(code)
    except (OSError, TypeError):
        return []
    found: dict[int, str] = {}
    try:
        for token in tokenize.generate_tokens(io.StringIO(textwrap.dedent("".join(lines))).readline):
            if token.type == tokenize.OP and token.string == "...":
                row = token.start[0]
                found.setdefault(start + row - 1, lines[row - 1].strip())
    except (tokenize.TokenError, IndentationError, SyntaxError):
        return []
    return list(found.items())


def _unfinished_line(error: BaseException) -> str:
    """Which line of the learner's scaffold still holds a `...`: the first `...` left in the
    function where the error came from (the error itself is often raised a line or two
    later, where the placeholder is used)."""
    frames = _learner_frames(error)
    if not frames:
        return ""
    frame = frames[-1].tb_frame
    name = frame.f_code.co_name
    left = _placeholders(frame.f_code)
    if left:
        (line, code), more = left[0], len(left) - 1
        others = f" (and {more} more line{'s' if more > 1 else ''} below)" if more else ""
    else:
        line = frames[-1].tb_lineno
        code = linecache.getline(frame.f_code.co_filename, line).strip()
        others = ""
    return (f"Line {line} of `{name}` still holds a `...`{others}: {code}\n"
            "Replace each `...` with your code, run the cell, then run this one.")


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


_session: dict[str, str] = {}  # exercise id -> latest status in this kernel


def _progress_path() -> Path:
    return Path(os.environ.get("COURSE_PROGRESS_FILE") or PROGRESS_FILE)


def _saved_progress() -> dict[str, dict[str, str]]:
    """The verdicts saved by earlier checks, {} when there is no readable file."""
    try:
        data = json.loads(_progress_path().read_text(encoding="utf-8"))
        exercises_seen = data["exercises"]
    except (OSError, ValueError, KeyError, TypeError):
        return {}
    if not isinstance(exercises_seen, dict):
        return {}
    return {_current_id(exercise_id): verdict for exercise_id, verdict in exercises_seen.items()}


# ids the course used before each exercise id began with its module's name
_RENAMED_PREFIXES = {"cnn.": "digits.", "gan_digits.": "gan."}


def _current_id(exercise_id: str) -> str:
    """The id an exercise has now, for a verdict saved under an earlier name."""
    for old, new in _RENAMED_PREFIXES.items():
        if exercise_id.startswith(old):
            return new + exercise_id[len(old):]
    return exercise_id


def _remember(exercise: Exercise, status: str) -> None:
    """Keep the verdict for this kernel and in the progress file (best effort: a read-only
    folder only loses the file, never the feedback)."""
    _session[exercise.id] = status
    saved = _saved_progress()
    saved[exercise.id] = {"lesson": exercise.lesson, "status": status}
    data = {"about": "The last verdict of each exercise of the course, read by "
                     "checks.summary. Delete this file to start afresh.",
            "exercises": dict(sorted(saved.items()))}
    path = _progress_path()
    try:
        partial = path.with_name(path.name + ".partial")
        partial.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
        os.replace(partial, path)  # a kernel killed mid-write leaves the old file whole
    except OSError:
        pass


def _is_forbidden(answer: Any) -> str | None:
    """The name of the forbidden function the answer is, if it is one of them itself."""
    target = _unwrap(answer)
    for name, original in _forbidden.items():
        if target is original or target is _unwrap(original):
            return name
    return None


def check(exercise_id: str, answer: Any) -> Feedback:
    """Judge the learner's answer and return feedback that displays itself."""
    exercise = _find(exercise_id)
    _forbidden.clear()
    for name in exercise.forbidden:
        found = _resolve(name)
        if found is not None:
            _forbidden[name] = found[2]
    if _is_placeholder(answer):
        feedback = Feedback(exercise_id, NOT_ATTEMPTED,
                            "Write your answer in the cell above, run it, then run this cell.")
    elif (name := _is_forbidden(answer)) is not None:
        refusal = _course_version_feedback(name)
        feedback = Feedback(exercise_id, WRONG, refusal.message, refusal.hint)
    else:
        try:
            message = exercise.judge(answer)
            feedback = Feedback(exercise_id, CORRECT, message or "Well done.")
        except _NotAttempted as unfinished:
            feedback = Feedback(exercise_id, NOT_ATTEMPTED, unfinished.message or (
                "Replace the `...` in the cell above with your code, run it, then run this "
                "cell."))
        except _Wrong as verdict:
            feedback = Feedback(exercise_id, WRONG, verdict.message, verdict.hint)
        except _LearnerError as error:
            feedback = Feedback(exercise_id, WRONG, str(error), error.hint or
                                "fix the line named above, run your cell again, then this one.")
        finally:
            _forbidden.clear()
    _forbidden.clear()
    _remember(exercise, feedback.status)
    return feedback


def yours_or_course(exercise_id: str, yours: Callable[..., Any], course: Callable[..., Any],
                    use_course_version: bool = False) -> Callable[..., Any]:
    """The function the rest of a lesson runs on: the learner's once it passes, else the course's.

    yours: the learner's function for the exercise; course: the course's version of it.
    use_course_version: the learner's visible choice to go on with the course's version
        (a stuck learner sets it to True); ``summary`` records that choice.
    Prints which one is used and why.
    """
    exercise = _find(exercise_id)
    if use_course_version:
        _remember(exercise, COURSE_VERSION)
        print(f"Going on with the course's version of {exercise.answer}; the summary records "
              "it. Come back to the exercise whenever you like.")
        return course
    if _session.get(exercise_id) == CORRECT and callable(yours):
        print(f"From here on the lesson runs on your {exercise.answer}.")
        return yours
    print(f"Your {exercise.answer} has not passed its check yet, so the cells below run on the "
          "course's version. Make it pass, then run this cell again to use yours; or set "
          "use_course_version = True to go on with the course's version.")
    return course


def hint(exercise_id: str, level: int = 1) -> str:
    """Hint number ``level`` (1 is the gentlest) for an exercise."""
    exercise = _find(exercise_id)
    if not 1 <= level <= len(exercise.hints):
        raise ValueError(f"{exercise_id} has hints 1 to {len(exercise.hints)}, not {level}")
    return exercise.hints[level - 1]


def _solutions_hidden() -> bool:
    return os.environ.get("COURSE_HIDE_SOLUTIONS", "").strip().lower() not in ("", "0", "no",
                                                                                "false")


_HIDDEN = ("The solutions are hidden in this room (COURSE_HIDE_SOLUTIONS is set). "
           "The hints are still there: checks.hint(...), or the button.")


def solution(exercise_id: str) -> str:
    """The solution code of an exercise. Try the hints first.

    When the instructor sets COURSE_HIDE_SOLUTIONS=1, a note saying so instead.
    """
    exercise = _find(exercise_id)
    return _HIDDEN if _solutions_hidden() else exercise.solution


@dataclasses.dataclass(frozen=True)
class _Summary:
    rows: tuple[tuple[str, str, str], ...]

    def __str__(self) -> str:
        done = sum(status == CORRECT for _, _, status in self.rows)
        lines = [f"Exercises completed: {done} of {len(self.rows)}"]
        lines += [f"  {_SYMBOL.get(status, '[ ]')} {title} ({exercise_id})"
                  + (f": {status}" if status == COURSE_VERSION else "")
                  for exercise_id, title, status in self.rows]
        return "\n".join(lines)

    __repr__ = __str__


def summary(lesson: str) -> _Summary:
    """Which exercises of a lesson ("01") were solved: in this kernel, or saved by an earlier
    one in the progress file (so a restart forgets nothing)."""
    saved = _saved_progress()
    rows = tuple((item.id, item.title,
                  _session.get(item.id) or saved.get(item.id, {}).get("status", NOT_ATTEMPTED))
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
    buttons = [hint_button] if _solutions_hidden() else [hint_button, solution_button]

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
    return ipywidgets.VBox([ipywidgets.HBox(buttons), out])
