"""Each lesson's time estimate is derived from the lesson and stated alike everywhere."""

import nbformat
import pytest

from tests.conftest import ROOT
from tools import lesson_time


def test_every_stated_time_is_the_derived_one():
    estimates = [lesson_time.estimate(path) for path in lesson_time.lessons()]
    assert [item.lesson for item in estimates] == [f"{number:02d}" for number in range(10)]
    problems = lesson_time.disagreements(estimates)
    assert not problems, ("run `python -m tools.lesson_time --write`:\n" + "\n".join(problems))


@pytest.mark.parametrize("kind, source, minutes", [
    ("write", "# EXERCISE a.b\ndef f(x):\n    ...  # your code here", 4),
    ("write", "# EXERCISE a.b\ndef f(x):\n    y = ...\n    z = ...\n    return ...", 8),
    ("predict", "# EXERCISE a.b\nprediction = ...", 3),
    ("find the bug", "# EXERCISE a.b\ndef f(x):\n    return x + 1", 3),
])
def test_an_exercise_counts_two_minutes_plus_two_per_region_or_three(kind, source, minutes):
    assert lesson_time.exercise_minutes(kind, source) == minutes


def test_reading_counts_words_and_code_but_not_the_set_up_cell(tmp_path):
    notebook = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("# 42 · Title\n\n**Time:** about 5 minutes to read and run."),
        nbformat.v4.new_markdown_cell(" ".join(["word"] * 1000)),  # 5 minutes
        nbformat.v4.new_code_cell("# COURSE SETUP\n" + "x = 1\n" * 500),  # not read
        nbformat.v4.new_code_cell("y = 2\n" * 100)])  # 5 minutes
    path = tmp_path / "42_title.ipynb"
    nbformat.write(notebook, path)
    item = lesson_time.estimate(path)
    assert (item.reading, item.exercises, item.total) == (10, 0, 10)
    assert item.sentence() == "**Time:** about 10 minutes to read and run."


def test_the_readme_and_the_guide_list_every_lesson():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    guide = (ROOT / "docs" / "instructor_guide.md").read_text(encoding="utf-8")
    for number in range(10):
        assert lesson_time._readme_row(readme, f"{number:02d}"), number
        assert lesson_time._guide_row(guide, f"{number:02d}"), number
