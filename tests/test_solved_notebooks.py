"""Every lesson, run with all its exercises solved by their own solutions, reports success.

The shipped, unsolved notebooks are run by nbval; this runs each one a second time with
the solutions substituted by tools/solve_notebooks.py.
"""

import re

import nbformat
import pytest

from course_utils import checks
from tests.conftest import ROOT
from tools import solve_notebooks

NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


def _lesson(path):
    return path.name[:2]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[path.name for path in NOTEBOOKS])
def test_every_exercise_of_the_lesson_is_in_its_notebook(path):
    notebook = nbformat.read(path, as_version=4)
    in_notebook = [exercise_id for _, exercise_id in solve_notebooks.exercise_cells(notebook)]
    registered = [item.id for item in checks.exercises(_lesson(path))]
    assert sorted(in_notebook) == sorted(registered), \
        f"learner cells {in_notebook} vs exercises of lesson {_lesson(path)}: {registered}"
    sources = "\n".join(cell.source for cell in notebook.cells if cell.cell_type == "code")
    for exercise_id in in_notebook:
        assert re.search(rf"checks\.check\(\s*\"{re.escape(exercise_id)}\"", sources), \
            f"{exercise_id} has a learner cell but no checks.check(...) under it"
    if registered:
        assert f'checks.summary("{_lesson(path)}")' in sources, "end the lesson with a summary"


def test_solve_substitutes_the_registered_solution():
    notebook = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell("# EXERCISE start.relu\ndef relu(x):\n    ...")])
    assert solve_notebooks.solve(notebook) == ["start.relu"]
    assert notebook.cells[0].source == "# EXERCISE start.relu\n" + checks.solution("start.relu")


def test_statuses_are_read_from_outputs():
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("")])
    notebook.cells[0].outputs = [nbformat.v4.new_output(
        "display_data", data={"text/plain": "[x] start.relu: not quite\nrelu(...) gave ..."})]
    assert solve_notebooks.reported_statuses(notebook) == {"start.relu": "not quite"}


WITH_EXERCISES = [path for path in NOTEBOOKS
                  if solve_notebooks.exercise_cells(nbformat.read(path, as_version=4))]


@pytest.mark.slow
@pytest.mark.parametrize("path", WITH_EXERCISES, ids=[path.name for path in WITH_EXERCISES])
def test_solved_notebook_reports_every_exercise_correct(path):
    statuses = solve_notebooks.run(path)
    wrong = {exercise_id: status for exercise_id, status in statuses.items()
             if status != checks.CORRECT}
    assert not wrong, f"{path.name}: with the solutions substituted, the checks said {wrong}"


SHIPPED_CELLS = [(path, index, exercise_id) for path in NOTEBOOKS
                 for index, exercise_id in solve_notebooks.exercise_cells(
                     nbformat.read(path, as_version=4))]


@pytest.mark.parametrize("path, index, exercise_id", SHIPPED_CELLS,
                         ids=[exercise_id for _, _, exercise_id in SHIPPED_CELLS])
def test_the_shipped_learner_cell_is_not_attempted_yet(path, index, exercise_id, tmp_path,
                                                       monkeypatch):
    """A scaffold as shipped reads as "not attempted", never as an error; the code of a
    find-the-bug exercise is shipped with its bug, which the judge reports."""
    monkeypatch.setenv("COURSE_PROGRESS_FILE", str(tmp_path / "course_progress.json"))
    exercise = {item.id: item for item in checks.exercises()}[exercise_id]
    namespace: dict = {}
    exec(exercise.setup, namespace)  # noqa: S102 - the course's own exercise code
    exec(nbformat.read(path, as_version=4).cells[index].source, namespace)  # noqa: S102
    feedback = checks.check(exercise_id, namespace[exercise.answer])
    expected = checks.WRONG if exercise.kind == "find the bug" and callable(
        namespace[exercise.answer]) else checks.NOT_ATTEMPTED
    assert feedback.status == expected, str(feedback)
