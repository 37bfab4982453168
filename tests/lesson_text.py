"""Reading a lesson's words and figures, for the tests that hold its prose to its code.

Each claim is found by its words in the lesson's markdown (if the words change, the test says
so and its check is updated with them), then held against its source: a constant in the code
beside it, a recorded file, or the figure the lesson publishes with `results.publish`, as
recorded in benchmarks/results.json by `make bench`.
"""

from __future__ import annotations

import functools
import json
import re
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results.json"


@functools.cache
def _notebook_cells(lesson: str) -> tuple[tuple[str, str], ...]:
    (path,) = (ROOT / "notebooks").glob(f"{lesson}_*.ipynb")
    return tuple((cell.cell_type, cell.source)
                 for cell in nbformat.read(path, as_version=4).cells)


def cells(lesson: str, kind: str) -> list[str]:
    """The sources of the lesson's cells of one kind ("markdown" or "code"), in order."""
    return [source for cell_type, source in _notebook_cells(lesson) if cell_type == kind]


def prose(lesson: str) -> str:
    """The lesson's markdown, with every run of white space made one space."""
    return re.sub(r"\s+", " ", " ".join(cells(lesson, "markdown")))


def code_cell(lesson: str, marker: str) -> str:
    """The one code cell of the lesson that contains ``marker``."""
    found = [source for source in cells(lesson, "code") if marker in source]
    assert len(found) == 1, f"lesson {lesson}: expected one code cell with {marker!r}, " \
                            f"found {len(found)}"
    return found[0]


def says(lesson: str, words: str) -> None:
    assert words in prose(lesson), (
        f"lesson {lesson} no longer says {words!r}: update this claim's check with the prose")


def published(name: str) -> float:
    """A figure a lesson published, as `make bench` last recorded it (skips if it has not)."""
    figures = json.loads(RESULTS.read_text(encoding="utf-8"))["figures"]
    if name not in figures:
        pytest.skip(f"{name} is not in benchmarks/results.json yet: run `make bench`")
    return figures[name]
