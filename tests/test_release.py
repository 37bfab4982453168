"""A release people can cite and link to: one version, one home URL, links built from them.

pyproject.toml holds the version and the home URL; tools/release.py derives every Binder,
Colab, Kaggle and nbgitpuller link, CITATION.cff's version and each lesson's setup cell.
These tests check that nothing drifted, that a fork changes one line, that CITATION.cff is
valid for cffconvert, and that the Python versions the course declares are the ones
the pins install on.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

import pytest

from course_utils import env
from tests.conftest import ROOT
from tools import release

CFFCONVERT = Path(sys.prefix) / "cffconvert"  # see requirements-cff.txt
LINKS = {  # every kind of link into the course, and the part that names the repository
    "Binder": re.compile(r"/v2/gh/[^\s)`\"'>]+"),
    "Colab": re.compile(r"colab\.research\.google\.com/github/[^\s)`\"'>]+"),
    "Kaggle": re.compile(r"kaggle\.com/kernels/welcome\?src=[^\s)`\"'>]+"),
    "nbgitpuller": re.compile(r"git-pull\?repo=[^\s)`\"'>]+"),
    "Codespaces": re.compile(r"codespaces\.new/[^\s)`\"'>?]+"),
}


def _course_files() -> list[Path]:
    return [*release.link_files(), *release.notebooks(), *sorted(
        (ROOT / "tools" / "site_templates").rglob("*.*")),
        *sorted((ROOT / ".github").rglob("*.*")), *sorted((ROOT / ".devcontainer").rglob("*.*"))]


def test_every_link_and_copy_is_built_from_pyproject():
    assert release.problems() == [], "run python -m tools.release sync"


def test_every_link_into_the_course_names_the_home_and_the_tag():
    """Also links the rewriting tool does not recognise: each must be one it builds."""
    found = 0
    for path in _course_files():
        text = path.read_text(encoding="utf-8")
        for kind, pattern in LINKS.items():
            for match in pattern.finditer(text):
                found += 1
                link = match.group(0)
                if kind == "Codespaces":  # a place to work on the course: its default branch
                    assert link == f"codespaces.new/{release.slug()}", f"{path.name}: {link}"
                    continue
                if kind == "nbgitpuller":
                    assert "repo=" + release.home().replace(":", "%3A").replace("/", "%2F") \
                        in link, f"{path.name}: {link} is not the course's home"
                    continue
                assert f"{release.slug()}/{release.tag()}" in link \
                    or f"{release.slug()}/blob/{release.tag()}/" in link, \
                    f"{path.name}: {link} does not open {release.slug()} at {release.tag()}"
    assert found >= 12, "the README, the guide and every lesson carry links"


def test_a_fork_changes_one_line_and_every_link_follows(tmp_path):
    for relative in ["pyproject.toml", "README.md", "CITATION.cff", "docs", "notebooks",
                     "templates"]:
        source = ROOT / relative
        if source.is_dir():
            shutil.copytree(source, tmp_path / relative)
        else:
            shutil.copy(source, tmp_path / relative)
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text(pyproject.read_text().replace(release.home(),
                                                       "https://github.com/a-fork/course-fork"))
    assert release.problems(tmp_path), "the copy still points at the original"
    release.sync(tmp_path)
    assert release.problems(tmp_path) == []
    original = release.slug()
    for path in [*release.link_files(tmp_path), *release.notebooks(tmp_path)]:
        links = _links(path.read_text(encoding="utf-8"))
        assert original not in links and quote(original, safe="") not in links, \
            f"{path.name} still links the original"
    readme = (tmp_path / "README.md").read_text()
    assert "mybinder.org/v2/gh/a-fork/course-fork/v" in readme


def _links(text: str) -> str:
    return " ".join(match.group(0) for pattern in LINKS.values() for match in pattern.finditer(text))


def test_the_version_is_written_once():
    import course_utils

    assert course_utils.__version__ == release.version(), \
        "the installed metadata is stale: reinstall with `pip install -e .`"
    source = (ROOT / "course_utils" / "__init__.py").read_text()
    assert release.version() not in source, "course_utils reads its version, never repeats it"


def test_the_changelog_and_the_citation_name_the_release():
    changelog = (ROOT / "CHANGELOG.md").read_text()
    heading = re.search(rf"^## \[{re.escape(release.version())}\] - (\d{{4}}-\d\d-\d\d)$",
                        changelog, re.MULTILINE)
    assert heading, f"CHANGELOG.md has no '## [{release.version()}] - YYYY-MM-DD' section"
    citation = (ROOT / "CITATION.cff").read_text()
    assert f"\nversion: {release.version()}\n" in citation
    assert f'date-released: "{heading.group(1)}"' in citation, \
        "CITATION.cff's date-released is the CHANGELOG's date for this version"


def _cffconvert(*args: str) -> subprocess.CompletedProcess:
    if not (CFFCONVERT / "cffconvert").is_dir():
        message = ("cffconvert is not installed: python -m pip install --target "
                   f"{CFFCONVERT} -r requirements-cff.txt")
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    environment = dict(os.environ, PYTHONPATH=str(CFFCONVERT))  # its jsonschema, not the course's
    return subprocess.run([sys.executable, "-c", "from cffconvert.cli.cli import cli; cli()",
                           *args], capture_output=True, text=True, env=environment, timeout=60)


def test_citation_is_valid_for_cffconvert():
    result = _cffconvert("--validate", "-i", str(ROOT / "CITATION.cff"))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "valid" in result.stdout
    apa = _cffconvert("-i", str(ROOT / "CITATION.cff"), "-f", "apalike").stdout
    assert f"version {release.version()}" in apa and release.home() in apa


def test_cffconvert_refuses_a_citation_without_authors(tmp_path):
    broken = tmp_path / "CITATION.cff"
    broken.write_text(re.sub(r"authors:\n(  - .*\n)+", "",
                             (ROOT / "CITATION.cff").read_text()))
    assert "authors:" not in broken.read_text()
    assert _cffconvert("--validate", "-i", str(broken)).returncode != 0


def test_declared_python_versions_agree():
    """pyproject's requires-python, the pre-flight's table and the README say the same."""
    requires = release.project()["requires-python"]
    low, high = re.fullmatch(r">=3\.(\d+),<3\.(\d+)", requires).groups()
    assert env.PYTHON_INSTALLABLE == tuple((3, minor) for minor in range(int(low), int(high)))
    assert env.PYTHON_TESTED in env.PYTHON_INSTALLABLE
    readme = (ROOT / "README.md").read_text()
    for version in env.PYTHON_INSTALLABLE:
        row = re.search(rf"^\| {version[0]}\.{version[1]} \|(.+)$", readme, re.MULTILINE)
        assert row, f"the README's Python table has no row for {version}"
        assert ("untested" in row.group(1)) == (version != env.PYTHON_TESTED), row.group(0)


def test_preflight_says_clearly_when_python_is_untested():
    tested = env._check_python(env.PYTHON_TESTED)
    assert tested.ok and "untested" not in tested.line()
    untested = [version for version in env.PYTHON_INSTALLABLE if version != env.PYTHON_TESTED]
    assert untested
    for version in untested:
        line = env._check_python(version).line()
        assert line.startswith("[WARN]") and "untested" in line, line
    outside = env._check_python((3, env.PYTHON_INSTALLABLE[-1][1] + 1)).line()
    assert outside.startswith("[FAIL]") and "do not install" in outside


def test_the_issue_template_asks_how_the_course_was_opened():
    import yaml

    form = yaml.safe_load((ROOT / ".github" / "ISSUE_TEMPLATE" / "problem.yml").read_text())
    fields = {field.get("id"): field for field in form["body"]}
    options = " ".join(fields["opened"]["attributes"]["options"]).lower()
    for way in ("local", "binder", "colab", "codespaces", "hub"):
        assert way in options, f"the issue form does not offer {way!r}"
    assert "course.py preflight" in fields["preflight"]["attributes"]["description"]
    assert fields["opened"]["validations"]["required"]
    assert fields["preflight"]["validations"]["required"]
