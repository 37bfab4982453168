"""Notebook hygiene: valid, stored clean, named in course order, each opening the same way."""

import re

import nbformat
import pytest

from tests.conftest import ROOT

LESSONS = sorted((ROOT / "notebooks").glob("*.ipynb"))
NOTEBOOKS = LESSONS + sorted((ROOT / "templates").glob("*.ipynb"))
CHECK_MARK = "# NBVAL_CHECK_OUTPUT"
SETUP_MARK = "# COURSE SETUP"


def _ids(paths):
    return [path.name for path in paths]


def test_there_are_notebooks():
    assert LESSONS, "notebooks/ holds no lesson"


def test_names_follow_course_order():
    numbers = []
    for path in LESSONS:
        match = re.fullmatch(r"(\d\d)_[a-z0-9]+(_[a-z0-9]+)*\.ipynb", path.name)
        assert match, f"{path.name}: name lessons NN_name.ipynb (lower case, underscores)"
        numbers.append(int(match.group(1)))
    assert numbers == list(range(len(numbers))), f"lesson numbers must run 00, 01, ...: {numbers}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=_ids(NOTEBOOKS))
def test_notebook_is_valid_and_clean(path):
    notebook = nbformat.read(path, as_version=4)
    nbformat.validate(notebook)
    assert notebook.metadata["kernelspec"]["name"] == "python3"
    assert "widgets" not in notebook.metadata, "saved widget state: run python -m tools.nbtools clean"
    for index, cell in enumerate(notebook.cells):
        if cell.cell_type != "code":
            continue
        if CHECK_MARK in cell.source:
            assert cell.outputs, (f"cell {index} is marked for comparison but stores no expected "
                                  "output: run python -m tools.nbtools record")
            kinds = {output.output_type for output in cell.outputs}
            assert kinds <= {"stream", "execute_result"}, f"cell {index}: only text is compared"
        else:
            assert not cell.outputs, f"cell {index} stores outputs: run python -m tools.nbtools clean"
            assert cell.execution_count is None, f"cell {index} has an execution count"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=_ids(NOTEBOOKS))
def test_notebook_opens_with_title_objectives_and_time(path):
    notebook = nbformat.read(path, as_version=4)
    first = notebook.cells[0]
    assert first.cell_type == "markdown" and first.source.startswith("# "), \
        "the first cell is a markdown title ('# ...')"
    opening = "\n".join(cell.source for cell in notebook.cells[:3] if cell.cell_type == "markdown")
    assert re.search(r"learning objectives", opening, re.IGNORECASE), "state learning objectives"
    assert re.search(r"\b\d+\s*(-\s*\d+\s*)?min", opening), "state a time estimate in minutes"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=_ids(NOTEBOOKS))
def test_first_code_cell_imports_modules_and_seeds(path):
    notebook = nbformat.read(path, as_version=4)
    code = [cell.source for cell in notebook.cells if cell.cell_type == "code"]
    assert code, "a lesson has code"
    assert "import *" not in "\n".join(code), "no star imports"
    # the Colab setup cell comes first (it installs course_utils there); tests/test_colab.py
    # checks it is the same in every lesson
    assert code[0].startswith(SETUP_MARK), \
        "the first code cell is the course setup cell: run python -m tools.release sync"
    assert "set_seed(" in code[1], "the code cell after the setup seeds: course_utils.set_seed(...)"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=_ids(NOTEBOOKS))
def test_no_cell_swallows_errors(path):
    notebook = nbformat.read(path, as_version=4)
    for index, cell in enumerate(notebook.cells):
        if cell.cell_type == "code":
            assert not re.search(r"except\s*(Exception|BaseException)?\s*:\s*\n\s*pass", cell.source), \
                f"cell {index} hides errors"
            assert "NBVAL_SKIP" not in cell.source, f"cell {index} is skipped by nbval"
            assert "NBVAL_RAISES_EXCEPTION" not in cell.source, f"cell {index} expects an error"
