"""The repository's own promises: CI runs the README's command, links resolve, lessons are listed."""

import re

import nbformat

from tests.conftest import ROOT
from tools import release

LESSONS = sorted((ROOT / "notebooks").glob("*.ipynb"))
DOCUMENTS = [ROOT / "README.md", ROOT / "CONTRIBUTING.md", *sorted((ROOT / "docs").glob("*.md"))]


def test_ci_runs_the_readme_test_command():
    readme = (ROOT / "README.md").read_text()
    ci = (ROOT / ".ci" / "run").read_text()
    assert "python course.py test    # runs the whole test suite" in readme
    commands = [line.strip() for line in ci.splitlines()
                if line.strip() and not line.lstrip().startswith("#")]
    assert commands[-1] == '"$PYTHON" course.py test', commands


def test_binder_badge_opens_the_start_lesson_at_the_release_tag():
    readme = (ROOT / "README.md").read_text()
    assert f"]({release.binder_url('notebooks/00_start_here.ipynb')})" in readme, \
        "the badge opens the start lesson at the release tag: run python -m tools.release sync"


def test_every_lesson_is_listed_in_the_readme_and_the_start_lesson():
    readme = (ROOT / "README.md").read_text()
    start = "\n".join(cell.source for cell in
                      nbformat.read(ROOT / "notebooks" / "00_start_here.ipynb", 4).cells)
    for path in LESSONS[1:]:
        assert f"(notebooks/{path.name})" in readme, f"README does not link {path.name}"
        assert f"({path.name})" in start, f"00_start_here does not link {path.name}"


def test_relative_links_resolve():
    for document in DOCUMENTS:
        for target in re.findall(r"\]\(([^)#\s]+)", document.read_text()):
            if "://" not in target and not target.startswith("mailto:"):
                assert (document.parent / target).exists(), f"{document.name} links {target}"


def test_each_lesson_links_the_next():
    for current, following in zip(LESSONS, LESSONS[1:], strict=False):
        text = "\n".join(cell.source for cell in nbformat.read(current, 4).cells[-3:])
        assert f"({following.name})" in text, f"{current.name} ends without a link to {following.name}"
