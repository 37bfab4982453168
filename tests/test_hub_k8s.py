"""hub/k8s/config.yaml against the Zero to JupyterHub chart's documented keys, offline.

Kubernetes does not run here: this checks what Helm checks before it renders anything, the
values against the chart's schema (hub/k8s/chart_keys.yaml, our record of the keys and types
the chart documents for the parts the config sets, strict where the chart is strict), with
the file given by --set-file, and that the per-learner resources are the measured ones.
Nothing is installed.
"""

from __future__ import annotations

import copy
import json

import jsonschema
import pytest
import yaml

from tests.conftest import ROOT

K8S = ROOT / "hub" / "k8s"
RESULTS = ROOT / "benchmarks" / "results.json"


def values(config: dict) -> dict:
    """The values Helm would validate for our keys: config.yaml, then the --set-file."""
    merged = copy.deepcopy(config)
    room_auth = merged.setdefault("hub", {}).setdefault("extraFiles", {}).setdefault(
        "room-auth", {})
    if isinstance(room_auth, dict):
        room_auth["stringData"] = (ROOT / "hub" / "auth.py").read_text()
    return merged


def schema_errors(config: dict) -> list[str]:
    schema = yaml.safe_load((K8S / "chart_keys.yaml").read_text())
    validator = jsonschema.Draft7Validator(schema)
    return [f"{'.'.join(map(str, error.absolute_path)) or '(top)'}: {error.message}"
            for error in validator.iter_errors(values(config))]


@pytest.fixture(scope="module")
def config() -> dict:
    return yaml.safe_load((K8S / "config.yaml").read_text())


def test_config_uses_only_the_charts_documented_keys(config):
    errors = schema_errors(config)
    assert not errors, "hub/k8s/config.yaml breaks the chart's schema:\n" + "\n".join(errors)


@pytest.mark.parametrize("path, value", [
    (("singleuser", "memroy"), {"limit": "2G"}),  # a misspelt key
    (("cull", "timeout"), "an hour"),  # a wrong type
    (("hub", "extraFiles", "room-auth"), {"mountPath": "/x", "contents": "y"}),
])
def test_the_schema_check_refuses_a_wrong_config(config, path, value):
    broken = copy.deepcopy(config)
    node = broken
    for key in path[:-1]:
        node = node.setdefault(key, {})
    node[path[-1]] = value
    assert schema_errors(broken), f"a config with {'.'.join(path)} = {value!r} passed"


def test_resources_are_the_measured_ones(config):
    sizing = json.loads(RESULTS.read_text()).get("hub", {}).get("sizing")
    assert sizing, "no hub sizing in benchmarks/results.json: run `python -m benchmarks.hub`"
    assert config["singleuser"]["memory"]["guarantee"] == \
        f"{sizing['memory_per_learner_gib']:g}G", "memory guarantee is not the measured peak"
    assert float(config["singleuser"]["cpu"]["guarantee"]) == sizing["cores_per_learner"], \
        "CPU guarantee is not the measured cores per learner"


def test_culling_nbgitpuller_and_no_secret(config):
    assert config["cull"]["enabled"] and config["cull"]["timeout"] <= 3600
    assert config["singleuser"]["defaultUrl"].startswith("/git-pull?repo=")
    kernel = config["singleuser"]["extraFiles"]["kernel-culling"]["data"]
    assert kernel["MappingKernelManager"]["cull_idle_timeout"] > 0
    compile(config["hub"]["extraConfig"]["course-room"], "extraConfig", "exec")
    password = config["hub"]["extraEnv"]["COURSE_HUB_ROOM_PASSWORD"]
    assert set(password) == {"valueFrom"}, "the room password must come from a Secret"
