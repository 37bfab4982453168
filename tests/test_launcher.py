"""`python course.py`: the course's commands without make, on Windows and elsewhere."""

import re
import shutil
import subprocess
import sys

import pytest

import course
from tests.conftest import ROOT


def test_the_venv_keeps_its_programs_in_scripts_on_windows_and_bin_elsewhere(tmp_path):
    assert course.venv_program("python", tmp_path, windows=True) == tmp_path / "Scripts" / "python.exe"
    assert course.venv_program("ruff", tmp_path, windows=True) == tmp_path / "Scripts" / "ruff.exe"
    assert course.venv_program("python", tmp_path, windows=False) == tmp_path / "bin" / "python"


@pytest.mark.parametrize("windows", [True, False])
def test_an_environment_counts_as_installed_only_with_its_python_and_current_stamp(tmp_path,
                                                                                   windows,
                                                                                   monkeypatch):
    monkeypatch.setattr(course.os, "name", "nt" if windows else "posix")
    root, venv = tmp_path / "course", tmp_path / "course" / ".venv"
    root.mkdir()
    for name in course.REQUIREMENTS:
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(f"{name} pins\n")
    python = course.venv_program("python", venv)
    assert not course.is_installed(venv, root)
    python.parent.mkdir(parents=True)
    python.write_text("")
    (venv / course.STAMP_NAME).write_text(course.requirements_digest(root))
    assert course.is_installed(venv, root)
    (root / "requirements.txt").write_text("a changed pin\n")
    assert not course.is_installed(venv, root), "a changed pin reinstalls"


@pytest.mark.parametrize("version", [(3, 10, 12), (3, 12, 1), (3, 13, 0)])
def test_another_python_is_refused_with_what_to_run(version):
    with pytest.raises(course.CourseError, match=r"needs Python 3\.11.*py -3\.11 course\.py"):
        course.check_python(version, "/usr/bin/python3")
    course.check_python((3, 11, 7), "/usr/bin/python3")


def test_the_launcher_needs_only_the_standard_library():
    # -S: no site-packages, so anything beyond the standard library would fail to import
    done = subprocess.run([sys.executable, "-S", "course.py", "help"], cwd=ROOT,
                          capture_output=True, text=True, check=True)
    for name in course.COMMANDS:
        assert re.search(rf"^  {re.escape(name)} ", done.stdout, re.MULTILINE), name


def test_every_make_target_is_the_launcher_command_of_the_same_name():
    if shutil.which("make") is None:
        pytest.skip("make is not installed here: the Makefile only aliases course.py")
    makefile = (ROOT / "Makefile").read_text()
    phony = re.search(r"^\.PHONY:((?:.*\\\n)*.*)$", makefile, re.MULTILINE).group(1)
    targets = set(phony.replace("\\\n", " ").split())
    assert targets == set(course.COMMANDS) | {"help"}
    for target in sorted(targets):
        extra = ["NOTEBOOK=notebooks/00_start_here.ipynb"] if target in ("test-notebook",
                                                                         "bench-one") else []
        shown = subprocess.run(["make", "-n", "--no-print-directory", target, *extra],
                               cwd=ROOT, capture_output=True, text=True, check=True).stdout
        assert re.search(rf"course\.py {re.escape(target)}\b", shown), (target, shown)


def test_junit_reports_are_counted(tmp_path):
    report = tmp_path / "phase.xml"
    report.write_text('<testsuites><testsuite tests="7" failures="1" errors="1" skipped="2">'
                      "</testsuite></testsuites>")
    assert course.junit_counts(report) == {"passed": 3, "failed": 1, "skipped": 2, "errors": 1}
    assert course.junit_counts(tmp_path / "missing.xml")["passed"] == 0


def test_the_phase_table_gives_each_phase_and_the_total():
    table = course.phase_table([("install", 2.0, "ok"), ("unit", 125.5, "90 passed")])
    lines = table.splitlines()
    assert lines[1].split()[:2] == ["install", "0:02.0"]
    assert lines[2].split()[:2] == ["unit", "2:05.5"]
    assert lines[-1].split() == ["total", "2:07.5"]


def test_the_single_thread_phase_sets_every_thread_variable():
    environment = course.course_environment("1")
    assert {environment[name] for name in course.ONE_THREAD} == {"1"}
    phases = [phase.name for phase in course.test_phases()]
    assert phases[:2] == ["unit", "unit, 1 thread"]
    assert "unit, 1 thread" not in [phase.name for phase in course.test_phases(threads_one=False)]


def test_the_site_phase_renders_what_the_notebook_phase_ran():
    phases = {phase.name: phase for phase in course.test_phases()}
    names = list(phases)
    assert names.index("notebooks") < names.index("site")
    notebooks = phases["notebooks"].pytest_args
    assert "tests.executed_notebooks" in notebooks
    assert f"--save-executed={course.EXECUTED.relative_to(ROOT)}" in notebooks
    site_test = (ROOT / "tests" / "test_site.py").read_text(encoding="utf-8")
    assert 'reuse=ROOT / "test-artifacts" / "executed"' in site_test
    assert course.EXECUTED == ROOT / "test-artifacts" / "executed"


@pytest.mark.slow
def test_tests_run_with_no_make_on_the_path(tmp_path):
    # PATH holds an empty folder: no make, no shell tools; the launcher calls programs by path
    done = subprocess.run([sys.executable, "course.py", "test-fast", "--",
                           "tests/test_launcher.py", "-k", "junit"],
                          cwd=ROOT, capture_output=True, text=True,
                          env={"PATH": str(tmp_path), "HOME": str(tmp_path)})
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    assert re.search(r"1 passed", done.stdout), done.stdout[-2000:]
