"""requirements.txt, environment.yml and binder/ install the same pinned versions."""

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.conftest import ROOT


def _requirements(lines: list[str]) -> set[str]:
    """Requirement lines, normalised: comments and blanks dropped, spaces squeezed."""
    found = set()
    for line in lines:
        line = line.split(" #", 1)[0].strip()
        if line and not line.startswith("#") and line != "-e .":
            found.add(re.sub(r"\s+", " ", line))
    return found


def pins_of_requirements(path: Path) -> set[str]:
    return _requirements(path.read_text().splitlines())


def pins_of_environment(path: Path) -> set[str]:
    environment = yaml.safe_load(path.read_text())
    pip_sections = [item["pip"] for item in environment["dependencies"] if isinstance(item, dict)]
    if len(pip_sections) != 1:
        raise ValueError(f"{path}: expected one pip section, found {len(pip_sections)}")
    return _requirements(pip_sections[0])


def test_every_requirement_is_pinned_exactly():
    for pin in pins_of_requirements(ROOT / "requirements.txt"):
        assert re.match(r"^[A-Za-z0-9_.\-\[\]]+==[0-9][^;\s]*(; .+)?$", pin), pin


def test_binder_installs_the_same_pins():
    assert pins_of_requirements(ROOT / "binder" / "requirements.txt") == \
        pins_of_requirements(ROOT / "requirements.txt")


def test_conda_environment_installs_the_same_pins():
    environment = yaml.safe_load((ROOT / "environment.yml").read_text())
    assert "python=3.11" in environment["dependencies"]
    assert "conda-forge" in environment["channels"]
    assert pins_of_environment(ROOT / "environment.yml") == \
        pins_of_requirements(ROOT / "requirements.txt")


def test_drift_is_detected(tmp_path):
    """The comparison above fails when a pin changes in one file only."""
    changed = (ROOT / "binder" / "requirements.txt").read_text().replace(
        "keras==3.15.1", "keras==3.15.0")
    (tmp_path / "requirements.txt").write_text(changed)
    assert pins_of_requirements(tmp_path / "requirements.txt") != \
        pins_of_requirements(ROOT / "requirements.txt")


def test_binder_files():
    assert (ROOT / "binder" / "runtime.txt").read_text().strip() == "python-3.11"
    start = (ROOT / "binder" / "start").read_text()
    assert "TF_CPP_MIN_LOG_LEVEL" in start and start.rstrip().endswith('exec "$@"')
    for script in ("start", "postBuild"):
        assert (ROOT / "binder" / script).stat().st_mode & 0o111, f"binder/{script} not executable"


def test_tensorflow_noise_is_silenced_in_every_launcher():
    import course

    assert course.QUIET["TF_CPP_MIN_LOG_LEVEL"] == "2"
    assert course.QUIET["TF_ENABLE_ONEDNN_OPTS"] == "0"
    environment = yaml.safe_load((ROOT / "environment.yml").read_text())
    assert environment["variables"]["TF_CPP_MIN_LOG_LEVEL"] == "2"
    assert environment["variables"]["TF_ENABLE_ONEDNN_OPTS"] == "0"


@pytest.mark.slow
def test_repo2docker_would_build_python_311_with_the_pinned_files():
    executable = shutil.which("jupyter-repo2docker",
                              path=str(Path(sys.executable).parent)) or \
        shutil.which("jupyter-repo2docker")
    if executable is None:
        pytest.fail("jupyter-repo2docker is missing: `pip install -r requirements-dev.txt`")
    result = subprocess.run([executable, "--no-build", "--no-run", "--debug", str(ROOT)],
                            capture_output=True, text=True, timeout=300)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-3000:]
    assert "python=3.11" in output, "repo2docker did not pick Python 3.11 from binder/runtime.txt"
    assert 'pip install --no-cache-dir -r "binder/requirements.txt"' in output
    assert "./binder/postBuild" in output
    assert "binder/start" in output
