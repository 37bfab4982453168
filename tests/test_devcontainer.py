""".devcontainer/devcontainer.json, for GitHub Codespaces and VS Code's dev containers.

The dev-container CLI (npm's @devcontainers/cli, installed in tools/devcontainer/) reads the
file as Codespaces does: JSON with comments, variables substituted. It asks Docker whether the
container already runs; there is no Docker here, so a stand-in answers "no container". Its
reader forgives syntax errors and unknown properties, so the file is also parsed strictly
(JSON with whole-line comments) and must give what the CLI read, and every top-level
property must be one the CLI knows. What the course needs of the container is checked on the
configuration the CLI returns. No codespace or container is started here.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import ROOT

CLI = ROOT / "tools" / "devcontainer" / "node_modules" / ".bin" / "devcontainer"
CLI_SOURCE = ROOT / "tools" / "devcontainer" / "node_modules" / "@devcontainers" / "cli" / "dist"
FILE = ROOT / ".devcontainer" / "devcontainer.json"
INSTALL = "npm ci --prefix tools/devcontainer --no-audit --no-fund"


def read_configuration(workspace: Path, tmp_path: Path) -> subprocess.CompletedProcess:
    if not CLI.exists() or shutil.which("node") is None:
        message = f"the dev-container CLI is not installed: {INSTALL} (needs Node.js and npm)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    docker = tmp_path / "no-docker"
    docker.write_text("#!/bin/sh\n# no Docker here: `docker ps` finds no container\nexit 0\n")
    docker.chmod(0o755)
    return subprocess.run([str(CLI), "read-configuration", "--workspace-folder", str(workspace),
                           "--docker-path", str(docker)],
                          capture_output=True, text=True, timeout=120)


@pytest.fixture(scope="module")
def configuration(tmp_path_factory) -> dict:
    result = read_configuration(ROOT, tmp_path_factory.mktemp("devcontainer"))
    assert result.returncode == 0, f"the dev-container CLI rejects the file:\n{result.stderr}"
    return json.loads(result.stdout)["configuration"]


def strict(text: str) -> dict:
    """devcontainer.json as strict JSON: whole-line // comments only, no trailing commas."""
    return json.loads("\n".join(line for line in text.splitlines()
                                if not line.lstrip().startswith("//")))


def unknown_properties(configuration: dict) -> list[str]:
    """Top-level properties that the CLI's source never names (a typo, or another tool's)."""
    source = "\n".join(path.read_text(errors="replace") for path in CLI_SOURCE.rglob("*.js"))
    return [key for key in configuration if not re.search(rf"\b{re.escape(key)}\b", source)]


def test_the_cli_reads_what_the_file_says(configuration):
    assert configuration["configFilePath"]["path"].endswith(".devcontainer/devcontainer.json")
    written = strict(FILE.read_text())
    read = {key: value for key, value in configuration.items() if key != "configFilePath"}
    read["customizations"]["vscode"]["settings"]["python.defaultInterpreterPath"] = \
        written["customizations"]["vscode"]["settings"]["python.defaultInterpreterPath"]
    assert read == written


def test_every_property_is_one_the_cli_knows(configuration):
    assert unknown_properties(strict(FILE.read_text())) == []


def test_the_container_has_python_3_11_and_installs_the_course(configuration):
    assert re.search(r"python:[\w.-]*\b3\.11\b", configuration["image"]), configuration["image"]
    assert configuration["postCreateCommand"] == "python course.py env"
    assert (ROOT / "course.py").exists()


def test_jupyterlab_is_forwarded_with_its_token_on(configuration):
    assert 8888 in configuration["forwardPorts"]
    assert "token" in configuration["portsAttributes"]["8888"]["label"]
    text = json.dumps(configuration)
    assert not re.search(r"token\s*=\s*(''|\"\"|\\\"\\\")", text), "the token stays on"
    assert "disable_check_xsrf" not in text and "allow_origin" not in text


def test_the_machine_is_big_enough_for_the_lessons(configuration):
    requirements = configuration["hostRequirements"]
    assert requirements["cpus"] >= 2
    amount, unit = re.fullmatch(r"(\d+)(gb|mb)", requirements["memory"]).groups()
    assert int(amount) * (1 if unit == "gb" else 1 / 1024) >= 8


def test_a_broken_file_is_refused(configuration):
    """The checks can fail: a missing bracket, and a misspelt property."""
    text = FILE.read_text()
    with pytest.raises(json.JSONDecodeError):
        strict(text.replace('"forwardPorts": [8888],', '"forwardPorts": [8888'))
    misspelt = strict(text.replace('"hostRequirements"', '"hostRequirement"'))
    assert unknown_properties(misspelt) == ["hostRequirement"]


def test_the_readme_has_a_codespaces_badge():
    readme = (ROOT / "README.md").read_text()
    assert "](https://codespaces.new/" in readme and "codespaces/badge.svg" in readme
