"""tools/ is a package, like benchmarks/: every script runs as `python -m tools.NAME`."""

import re
import subprocess
import sys

import pytest

from tests.conftest import ROOT

SCRIPTS = sorted(path for path in (ROOT / "tools").glob("*.py") if path.name != "__init__.py")
# where the course tells someone to run a tool (CHANGELOG.md records the past as it was)
TEXTS = [ROOT / name for name in ("README.md", "CONTRIBUTING.md", "course.py", "Makefile",
                                  "pyproject.toml", "binder/postBuild")]
TEXTS += sorted((ROOT / "docs").glob("*.md")) + sorted((ROOT / ".ci").glob("*"))
TEXTS += (sorted((ROOT / "tools").glob("*.py")) + sorted((ROOT / "tests").glob("*.py"))
          + sorted((ROOT / "course_utils").rglob("*.py")))
PATH_FORM = re.compile(r"python[^\s`\"']* tools/(\w+)\.py|\"tools/\w+\.py\", \"")


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda path: path.stem)
def test_scripts_import_without_editing_sys_path(script):
    assert "sys.path" not in script.read_text(encoding="utf-8"), \
        f"{script.name}: import course_utils and tools as packages (python -m tools.{script.stem})"


@pytest.mark.parametrize("text", TEXTS, ids=lambda path: str(path.relative_to(ROOT)))
def test_the_course_runs_tools_as_modules(text):
    found = PATH_FORM.findall(text.read_text(encoding="utf-8"))
    assert not found, f"{text.relative_to(ROOT)}: write python -m tools.NAME, not a path: {found}"


def test_a_tool_runs_with_python_m_from_the_repository_root():
    done = subprocess.run([sys.executable, "-m", "tools.lab_settings", "--help"], cwd=ROOT,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "python -m tools.lab_settings install" in done.stdout
