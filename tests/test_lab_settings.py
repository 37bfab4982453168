"""JupyterLab opens ready to learn: the course's settings (binder/overrides.json) are in effect.

tools/lab_settings.py copies them to <prefix>/share/jupyter/lab/settings/overrides.json, where
the JupyterLab of that environment reads them: the course's .venv (local and hub) at install
time, Binder's environment in binder/postBuild. A real JupyterLab, without any user settings,
is asked through its settings API what the news prompt is set to.
"""

from __future__ import annotations

import json
import sys
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.jupyter_server import LabServer
from tools import lab_settings

NOTIFICATION = "@jupyterlab/apputils-extension:notification"


def test_install_writes_where_jupyterlab_reads(tmp_path):
    from jupyterlab.commands import get_app_dir

    path = lab_settings.install(tmp_path)
    assert path == tmp_path / "share" / "jupyter" / "lab" / "settings" / "overrides.json"
    assert json.loads(path.read_text()) == json.loads(lab_settings.SOURCE.read_text())
    # JupyterLab's own default for the settings of this environment is the same folder
    assert Path(get_app_dir()) / "settings" == lab_settings.target(Path(sys.prefix)).parent


def test_the_course_turns_off_the_news_prompt_and_the_update_check():
    settings = json.loads(lab_settings.SOURCE.read_text())[NOTIFICATION]
    assert settings == {"fetchNews": "false", "checkForUpdates": False}


def test_install_keeps_other_settings_and_can_run_twice(tmp_path):
    path = lab_settings.target(tmp_path)
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps({"@jupyterlab/apputils-extension:themes": {"theme": "X"},
                                NOTIFICATION: {"doNotDisturbMode": True}}))
    lab_settings.install(tmp_path)
    lab_settings.install(tmp_path)
    merged = json.loads(path.read_text())
    assert merged["@jupyterlab/apputils-extension:themes"] == {"theme": "X"}
    assert merged[NOTIFICATION] == {"doNotDisturbMode": True, "fetchNews": "false",
                                    "checkForUpdates": False}


def test_a_broken_overrides_file_is_named(tmp_path):
    path = lab_settings.target(tmp_path)
    path.parent.mkdir(parents=True)
    path.write_text("{not json")
    with pytest.raises(SystemExit, match="overrides.json is not valid JSON.*fix or delete"):
        lab_settings.install(tmp_path)


def test_binder_installs_the_same_file():
    post_build = (ROOT / "binder" / "postBuild").read_text()
    assert "python -m tools.lab_settings install --prefix" in post_build
    assert "sys.prefix" in post_build, "into the environment Binder's JupyterLab runs from"


@pytest.mark.slow
def test_jupyterlab_starts_without_the_news_prompt(tmp_path):
    prefix = tmp_path / "prefix"
    lab_settings.install(prefix)
    config = tmp_path / ".jupyter-test" / "config"
    config.mkdir(parents=True)
    # the server reads the settings of `prefix` instead of this environment's, which the
    # test must neither depend on nor change
    (config / "jupyter_lab_config.json").write_text(json.dumps(
        {"LabApp": {"app_settings_dir": str(lab_settings.target(prefix).parent)}}))
    with LabServer(tmp_path) as server:
        # LabServer writes the same setting as a user setting for other tests: remove it, so
        # only the course's overrides can be in effect (JupyterLab reads them per request)
        user = tmp_path / ".jupyter-test" / "settings" / "@jupyterlab" / "apputils-extension"
        for path in user.glob("*.jupyterlab-settings"):
            path.unlink()
        request = urllib.request.Request(f"{server.url}/lab/api/settings/{NOTIFICATION}",
                                         headers={"Authorization": f"token {server.token}"})
        with urllib.request.urlopen(request, timeout=30) as response:
            answer = json.load(response)
    assert answer["settings"] == {}, "no user setting is involved"
    # the front end takes each value from the user's settings, else from the schema's
    # default: JupyterLab has put the course's overrides into those defaults
    served = answer["schema"]["properties"]
    assert served["fetchNews"]["default"] == "false"
    assert served["checkForUpdates"]["default"] is False
    from jupyterlab.commands import get_app_dir

    shipped = json.loads((Path(get_app_dir()) / "schemas" / "@jupyterlab" / "apputils-extension"
                          / "notification.json").read_text())["properties"]
    assert shipped["fetchNews"]["default"] == "none", "without the overrides JupyterLab asks"
