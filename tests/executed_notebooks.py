"""A pytest plugin that keeps what nbval executed, so the site is built without a second run.

    pytest notebooks -p tests.executed_notebooks --save-executed test-artifacts/executed

nbval runs every cell of a lesson in one kernel and keeps each cell's outputs. When every
code cell of a notebook ran and passed, the notebook is written to the folder with those
outputs and the fingerprint of what the run depended on (tools.nbtools.run_digest). The
site build (python -m tools.build_site --reuse) renders such a notebook instead of executing the
lesson again, and only while the fingerprint still matches; a notebook with a failed or
skipped cell is not written, so the site build executes it and shows the failure itself.
"""

from __future__ import annotations

import copy
import os
import platform
from pathlib import Path

import nbformat
import pytest

from tools.nbtools import RUN_DIGEST_KEY, run_digest


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--save-executed", metavar="DIR", type=Path, default=None,
                     help="write each notebook whose every cell passed, with its outputs, "
                          "into DIR")


def pytest_configure(config: pytest.Config) -> None:
    folder = config.getoption("save_executed")
    if folder is not None:
        config.pluginmanager.register(Recorder(folder), "course-executed-notebooks")


class Recorder:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.notebooks: dict[Path, tuple[nbformat.NotebookNode, dict[int, object]]] = {}
        self.spoiled: set[Path] = set()

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_makereport(self, item: pytest.Item, call: pytest.CallInfo):
        report = (yield).get_result()
        if not hasattr(item, "cell_num") or not hasattr(item.parent, "nb"):
            return  # not an nbval cell
        path = Path(str(item.parent.path))
        if report.failed or report.skipped:
            self.spoiled.add(path)
        if report.when == "call" and report.passed:
            notebook, outputs = self.notebooks.setdefault(path, (item.parent.nb, {}))
            outputs[item.cell_num] = item.test_outputs

    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        # a figure drawn by a headless backend never reaches the outputs: keep nothing then
        backend = os.environ.get("MPLBACKEND", "")
        if backend and "inline" not in backend:
            return
        for path, (notebook, outputs) in self.notebooks.items():
            code = [cell for cell in notebook.cells if cell.cell_type == "code"]
            if path in self.spoiled or sorted(outputs) != list(range(len(code))):
                continue
            executed = copy.deepcopy(notebook)
            cells = [cell for cell in executed.cells if cell.cell_type == "code"]
            for number, cell in enumerate(cells):
                cell.execution_count = number + 1
                cell.outputs = [nbformat.from_dict(dict(output)) for output in outputs[number]]
                for output in cell.outputs:
                    if output.output_type == "execute_result":
                        output.execution_count = number + 1
            # what the kernel reports, as a notebook executed in JupyterLab records it
            executed.metadata["language_info"] = {
                "name": "python", "version": platform.python_version(),
                "mimetype": "text/x-python", "file_extension": ".py",
                "codemirror_mode": {"name": "ipython", "version": 3},
                "pygments_lexer": "ipython3", "nbconvert_exporter": "python"}
            executed.metadata[RUN_DIGEST_KEY] = run_digest(path)
            self.folder.mkdir(parents=True, exist_ok=True)
            nbformat.write(executed, self.folder / path.name)
