"""The setup cell at the top of every lesson: it installs the course on Colab and Kaggle only.

Colab itself cannot be reached from here, so the cell's code is run in this process with a
stand-in for the ``google.colab`` module and a fake pip: what it would install, and that it
turns on Colab's widget manager; and, without the stand-in, that it does nothing at all.
"""

from __future__ import annotations

import importlib
import importlib.util
import subprocess
import sys
import types

import nbformat
import pytest

from tests.conftest import ROOT
from tools import release

LESSONS = release.notebooks()


def _setup_cell(path) -> str:
    code = [cell.source for cell in nbformat.read(path, as_version=4).cells
            if cell.cell_type == "code"]
    return code[0]


@pytest.mark.parametrize("path", LESSONS, ids=[path.name for path in LESSONS])
def test_every_lesson_starts_with_the_same_generated_setup_cell(path):
    assert _setup_cell(path) == release.setup_cell_source(), \
        f"{path.name}: its setup cell is stale or edited: run python -m tools.release sync"


@pytest.mark.parametrize("path", LESSONS, ids=[path.name for path in LESSONS])
def test_every_lesson_links_to_itself_in_colab_at_the_release_tag(path):
    first = nbformat.read(path, as_version=4).cells[0].source
    relative = path.relative_to(ROOT).as_posix()
    assert f"[Open in Colab]({release.colab_url(relative)})" in first
    assert f"/blob/{release.tag()}/{relative}" in release.colab_url(relative)


class _FakeColab:
    """What the cell touches of Colab: google.colab.output, and pip through subprocess.run."""

    def __init__(self, monkeypatch, installed: bool):
        self.widget_manager_on = False
        self.commands: list[list[str]] = []
        colab = types.ModuleType("google.colab")
        colab.output = types.SimpleNamespace(enable_custom_widget_manager=self._enable)
        google = types.ModuleType("google")
        google.colab = colab
        monkeypatch.setitem(sys.modules, "google", google)
        monkeypatch.setitem(sys.modules, "google.colab", colab)
        monkeypatch.setattr(subprocess, "run", self._run)
        find_spec = importlib.util.find_spec
        monkeypatch.setattr(importlib.util, "find_spec", lambda name, *args: (
            find_spec(name, *args) if installed or name != "course_utils" else None))

    def _enable(self):
        self.widget_manager_on = True

    def _run(self, command, check=False, **kwargs):
        self.commands.append(list(command))
        return subprocess.CompletedProcess(command, 0)


def _run_cell(source: str) -> dict:
    namespace: dict = {}
    exec(compile(source, "setup cell", "exec"), namespace)  # noqa: S102  (the lesson's own cell)
    return namespace


def test_on_colab_the_cell_installs_the_release_and_turns_on_widgets(monkeypatch, capsys):
    monkeypatch.delenv("KAGGLE_KERNEL_RUN_TYPE", raising=False)
    colab = _FakeColab(monkeypatch, installed=False)
    _run_cell(release.setup_cell_source())
    assert colab.commands == [[sys.executable, "-m", "pip", "install", "--quiet",
                               f"course_utils[hosted] @ git+{release.home()}@{release.tag()}"]]
    assert colab.widget_manager_on
    printed = capsys.readouterr().out
    assert f"Installing the course {release.tag()}" in printed
    assert "shows only a picture" in printed, "the cell says explorers may fall back to pictures"


def test_on_colab_a_second_run_does_not_install_again(monkeypatch):
    monkeypatch.delenv("KAGGLE_KERNEL_RUN_TYPE", raising=False)
    colab = _FakeColab(monkeypatch, installed=True)
    _run_cell(release.setup_cell_source())
    assert colab.commands == []
    assert colab.widget_manager_on, "a restarted Colab runtime needs the widget manager again"


def test_on_kaggle_the_cell_installs_without_colab(monkeypatch):
    monkeypatch.setenv("KAGGLE_KERNEL_RUN_TYPE", "Interactive")
    commands = []
    monkeypatch.setattr(subprocess, "run", lambda command, **kwargs: commands.append(command))
    find_spec = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *args: (
        None if name == "course_utils" else find_spec(name, *args)))
    _run_cell(release.setup_cell_source())
    assert len(commands) == 1 and commands[0][-1].endswith(f"@{release.tag()}")


def test_elsewhere_the_cell_does_nothing(monkeypatch, capsys):
    monkeypatch.delenv("KAGGLE_KERNEL_RUN_TYPE", raising=False)
    monkeypatch.delitem(sys.modules, "google.colab", raising=False)
    commands = []
    monkeypatch.setattr(subprocess, "run", lambda command, **kwargs: commands.append(command))
    find_spec = importlib.util.find_spec  # even where course_utils is missing: no install
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *args: (
        None if name == "course_utils" else find_spec(name, *args)))
    namespace = _run_cell(release.setup_cell_source())
    assert commands == [] and capsys.readouterr().out == ""
    assert namespace["ON_COLAB"] is False and namespace["ON_KAGGLE"] is False


def test_the_hosted_extra_is_declared_for_the_install_the_cell_runs():
    hosted = release.project()["optional-dependencies"]["hosted"]
    names = {requirement.split(">")[0].split("=")[0] for requirement in hosted}
    # what the lessons import that a hosted runtime may lack; TensorFlow is the runtime's own
    assert {"keras", "mlxtend", "scikit-image", "statsmodels", "names"} <= names
    assert not [requirement for requirement in hosted if "==" in requirement], \
        "lower bounds only: an exact pin replaces packages the hosted runtime was built with"


def test_the_lessons_the_cell_names_are_those_with_explorers():
    """The cell says which lessons' explorers may fall back to a still picture."""
    lessons = {path.name[:2] for path in LESSONS if path.parent.name == "notebooks" and any(
        "Explorer(" in cell.source for cell in nbformat.read(path, as_version=4).cells)}
    numbers = sorted(lessons)
    assert f"lessons {numbers[0]} to {numbers[-1]}" in release.setup_cell_source()
    assert numbers == [f"{n:02d}" for n in range(int(numbers[0]), int(numbers[-1]) + 1)]


def test_every_explorer_can_fall_back_to_a_still_picture():
    """Each explorer class keeps the base's display: the live widget plus a PNG of its state,
    which is what a front end without the widget manager shows."""
    import inspect
    import pkgutil

    import course_utils.explore
    from course_utils.explore import _base

    explorers = []
    for module_info in pkgutil.iter_modules(course_utils.explore.__path__):
        module = importlib.import_module(f"course_utils.explore.{module_info.name}")
        explorers += [cls for _, cls in inspect.getmembers(module, inspect.isclass)
                      if issubclass(cls, _base.Explorer) and cls is not _base.Explorer]
    assert len(explorers) >= 5
    for cls in explorers:
        assert cls._repr_mimebundle_ is _base.Explorer._repr_mimebundle_, \
            f"{cls.__name__} changes how it is displayed: keep the PNG beside the widget"
