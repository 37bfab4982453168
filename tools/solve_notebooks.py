"""Execute lessons with every exercise solved, to prove each checker accepts its solution.

    python -m tools.solve_notebooks notebooks/01_convolution.ipynb [...]

Each learner cell starts with "# EXERCISE <id>"; its body is replaced by that exercise's
solution from course_utils.exercises (never a hand-kept copy), the notebook is executed
in a fresh kernel, and the status line of every check is read back. Exit code 1 when
any exercise is not reported correct.
"""

from __future__ import annotations

import os
import re
import sys
import tempfile
from pathlib import Path

import nbformat

from course_utils import checks
from tools.nbtools import execute

MARKER = re.compile(r"^# EXERCISE (\S+)\s*$")
STATUS = re.compile(r"^\[(v|x| )\] (\S+): (correct|not quite|not attempted yet)$", re.MULTILINE)


def exercise_cells(notebook: nbformat.NotebookNode) -> list[tuple[int, str]]:
    """(cell index, exercise id) of every learner cell."""
    found = []
    for index, cell in enumerate(notebook.cells):
        if cell.cell_type == "code":
            match = MARKER.match(cell.source.splitlines()[0] if cell.source else "")
            if match:
                found.append((index, match.group(1)))
    return found


def solve(notebook: nbformat.NotebookNode) -> list[str]:
    """Put each exercise's solution under its marker line; return the exercise ids."""
    solved = []
    solutions = {item.id: item.solution for item in checks.exercises()}  # even when hidden
    for index, exercise_id in exercise_cells(notebook):
        solution = solutions[exercise_id]
        notebook.cells[index].source = f"# EXERCISE {exercise_id}\n{solution}"
        solved.append(exercise_id)
    return solved


def reported_statuses(notebook: nbformat.NotebookNode) -> dict[str, str]:
    """The last status each check printed, read from the executed notebook's text outputs."""
    statuses: dict[str, str] = {}
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            text = output.get("text") or output.get("data", {}).get("text/plain", "")
            for _, exercise_id, status in STATUS.findall(text):
                statuses[exercise_id] = status
    return statuses


def run(path: Path) -> dict[str, str]:
    """Solve and execute one notebook; return exercise id -> reported status.

    The kernel saves its verdicts in a temporary file, never next to the course's notebooks.
    """
    notebook = nbformat.read(path, as_version=4)
    solved = solve(notebook)
    before = os.environ.get("COURSE_PROGRESS_FILE")
    with tempfile.TemporaryDirectory() as folder:
        os.environ["COURSE_PROGRESS_FILE"] = str(Path(folder) / "course_progress.json")
        try:
            execute(notebook, path)
        finally:
            if before is None:
                del os.environ["COURSE_PROGRESS_FILE"]
            else:
                os.environ["COURSE_PROGRESS_FILE"] = before
    statuses = reported_statuses(notebook)
    return {exercise_id: statuses.get(exercise_id, "no check ran") for exercise_id in solved}


def main(argv: list[str]) -> int:
    failed = False
    for name in argv:
        for exercise_id, status in run(Path(name)).items():
            print(f"{name}: {exercise_id}: {status}")
            failed |= status != checks.CORRECT
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
