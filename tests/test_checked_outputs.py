"""Checked notebook outputs hold on every machine: exact by design, or rounded past their spread.

A `# NBVAL_CHECK_OUTPUT` cell is compared with its recorded output on whatever machine runs
the tests. Another CPU or thread count rounds floating point differently, and training
amplifies that, so such a cell may print shapes, counts, integers and verdicts freely, but a
number with decimals only when its second line declares how far it can move between
machines, `# spread: VALUE reason`, and the printed rounding is at least three of those
spreads wide on each side. A trained figure (its spread is measured by `python course.py
spread`) has no place there: print a verdict on it instead.
"""

import re

import nbformat
import pytest

from tests.conftest import ROOT

CHECK_MARK = "# NBVAL_CHECK_OUTPUT"
SPREAD = re.compile(r"^# spread: (?P<value>[0-9.eE+-]+) \S.*$", re.MULTILINE)
DECIMAL = re.compile(r"(?<![\w.])-?\d+\.(?P<decimals>\d+)(?![\w.])")
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb")) + sorted(
    (ROOT / "templates").glob("*.ipynb"))


def checked_cells(path):
    for index, cell in enumerate(nbformat.read(path, as_version=4).cells):
        if cell.cell_type == "code" and cell.source.startswith(CHECK_MARK):
            text = "".join(output.get("text", "") if output.output_type == "stream"
                           else output.get("data", {}).get("text/plain", "")
                           for output in cell.outputs)
            yield index, cell.source, text


def problems(source: str, output: str) -> list[str]:
    """Why a checked cell's recorded output could differ on another machine ([] if it can't)."""
    decimals = [(match.group(0), len(match.group("decimals"))) for match in DECIMAL.finditer(output)]
    if not decimals:
        return []
    declared = SPREAD.search(source)
    if declared is None:
        return [f"prints {decimals[0][0]} but declares no '# spread: VALUE reason' line"]
    spread = float(declared.group("value"))
    found = []
    for text, places in decimals:
        half_step = 0.5 * 10.0 ** -places
        if half_step < 3 * spread:
            found.append(f"prints {text}: rounding to {places} decimals moves at "
                         f"{half_step:g}, less than 3 x the declared spread {spread:g}")
    return found


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[path.name for path in NOTEBOOKS])
def test_checked_outputs_round_past_their_spread(path):
    found = [f"cell {index}: {problem}" for index, source, output in checked_cells(path)
             for problem in problems(source, output)]
    assert not found, "\n".join(found)


@pytest.mark.parametrize("source, output, words", [
    (f"{CHECK_MARK}\nprint(accuracy)", "0.9170\n", "declares no"),
    (f"{CHECK_MARK}\n# spread: 0.01 accuracy between seeds\nprint(accuracy)", "0.917\n",
     "less than 3 x"),
    (f"{CHECK_MARK}\n# spread: 1e-6 float32 against float64\nprint(difference)", "0.0000001\n",
     "less than 3 x"),
])
def test_a_figure_printed_finer_than_its_spread_fails(source, output, words):
    assert any(words in problem for problem in problems(source, output))


@pytest.mark.parametrize("output", ["shape (2, 7, 7, 4), 1000 digits\n", "equal: True\n",
                                    "first labels [4, 3, 9]\n", "(below 1e-5)\n"])
def test_shapes_counts_and_verdicts_need_no_spread(output):
    assert problems(f"{CHECK_MARK}\nprint(x)", output) == []


def test_a_rounding_wide_enough_passes():
    source = f"{CHECK_MARK}\n# spread: 1e-6 float32 against float64\nprint(difference)"
    assert problems(source, "max abs difference 0.0000\n") == []
