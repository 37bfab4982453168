"""The notebook run keeps the lessons it executed, and the site renders them only while fresh."""

from __future__ import annotations

import subprocess
import sys

import nbformat
import pytest

from tests.conftest import ROOT
from tools import build_site, nbtools


def _run_nbval(notebooks, folder, tmp_path):
    return subprocess.run(
        [sys.executable, "-m", "pytest", *map(str, notebooks), "--nbval-lax",
         "--nbval-current-env", "-p", "tests.executed_notebooks", f"--save-executed={folder}",
         "-q", "-p", "no:cacheprovider", f"--rootdir={tmp_path}"],
        cwd=ROOT, capture_output=True, text=True, timeout=300)


def _notebook(path, *sources):
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(source)
                                               for source in sources])
    nbformat.write(notebook, path)
    return path


@pytest.mark.slow
def test_a_notebook_whose_cells_all_pass_is_kept_with_its_outputs(tmp_path):
    passing = _notebook(tmp_path / "passing.ipynb", "x = 6 * 7\nprint('x is', x)", "x + 1",
                        "from IPython.display import display, HTML\ndisplay(HTML('<b>bold</b>'))")
    failing = _notebook(tmp_path / "failing.ipynb", "print('fine')", "1 / 0")
    folder = tmp_path / "executed"
    result = _run_nbval([passing, failing], folder, tmp_path)
    assert result.returncode == 1, result.stdout  # the failing notebook fails its test
    assert sorted(path.name for path in folder.iterdir()) == ["passing.ipynb"]
    kept = nbformat.read(folder / "passing.ipynb", as_version=4)
    nbformat.validate(kept)
    first, second, third = kept.cells
    assert [cell.execution_count for cell in kept.cells] == [1, 2, 3]
    assert first.outputs[0].output_type == "stream" and first.outputs[0].text == "x is 42\n"
    assert second.outputs[0].output_type == "execute_result"
    assert second.outputs[0].data["text/plain"] == "43"
    assert third.outputs[0].data["text/html"] == "<b>bold</b>"
    assert kept.metadata[nbtools.RUN_DIGEST_KEY] == nbtools.run_digest(passing)
    assert kept.metadata.language_info.pygments_lexer == "ipython3"  # highlighted as a kernel's


def test_the_fingerprint_changes_with_the_notebook(tmp_path):
    path = _notebook(tmp_path / "one.ipynb", "print(1)")
    before = nbtools.run_digest(path)
    assert nbtools.run_digest(path) == before
    _notebook(path, "print(2)")
    assert nbtools.run_digest(path) != before


def _saved_copy(folder, lesson, digest, marker):
    notebook = nbformat.read(lesson, as_version=4)
    for cell in notebook.cells:
        if cell.cell_type == "code":
            cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text=marker)]
    notebook.metadata[nbtools.RUN_DIGEST_KEY] = digest
    folder.mkdir(exist_ok=True)
    nbformat.write(notebook, folder / lesson.name)


def test_the_site_renders_a_saved_run_made_with_the_current_code(tmp_path, capsys):
    lesson = next((ROOT / "notebooks").glob("00_*.ipynb"))
    _saved_copy(tmp_path / "executed", lesson, nbtools.run_digest(lesson), "saved run marker\n")
    build_site.build(tmp_path / "site", only=["00"], reuse=tmp_path / "executed")
    page = (tmp_path / "site" / lesson.name.replace(".ipynb", ".html")).read_text()
    assert "saved run marker" in page
    assert "rendered from the notebook tests' run" in capsys.readouterr().out


@pytest.mark.slow
def test_a_saved_run_of_other_code_is_executed_again(tmp_path, capsys):
    lesson = next((ROOT / "notebooks").glob("00_*.ipynb"))
    _saved_copy(tmp_path / "executed", lesson, "0" * 64, "stale run marker\n")
    build_site.build(tmp_path / "site", only=["00"], reuse=tmp_path / "executed")
    page = (tmp_path / "site" / lesson.name.replace(".ipynb", ".html")).read_text()
    assert "stale run marker" not in page
    assert "executed in" in capsys.readouterr().out
