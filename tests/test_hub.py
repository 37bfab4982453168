"""The course's hub end to end on loopback: a room of two, isolation, secrets, culling, browser.

One hub (hub/jupyterhub_config.py, started by hub.server.Hub on free ports) serves the whole
module; at the end every process it started must be gone. The load test's own step runs two
learners through lesson 00 (sign in, start a server, open the lesson, Run All over the kernel
websocket); then learners try each other's servers and files, and Chromium signs in and runs
a cell as a learner would.
"""

from __future__ import annotations

import http.client
import json
import os
import secrets
import subprocess
import sys
import time

import psutil
import pytest
import requests

from hub import loadtest
from hub.learner import Learner
from hub.server import Hub, free_port
from tests.browser import artifact_dir, browser  # noqa: F401  (pytest fixture)
from tests.conftest import ROOT

pytestmark = pytest.mark.slow

ROOM = "room-" + secrets.token_hex(6)
LESSON = "notebooks/00_start_here.ipynb"


def _started_in(data) -> list[psutil.Process]:
    """Processes whose command line or working folder lies in the hub's data folder."""
    found = []
    for process in psutil.process_iter(["cmdline", "cwd"]):
        text = " ".join(process.info["cmdline"] or []) + " " + (process.info["cwd"] or "")
        if str(data) in text:
            found.append(process)
    return found


def _raw_get(hub, path: str, token: str) -> tuple[int, str, str]:
    """GET ``path`` exactly as written, dots and all, through the hub's proxy."""
    connection = http.client.HTTPConnection("127.0.0.1", hub.port, timeout=60)
    try:
        connection.request("GET", path, headers={"Authorization": f"token {token}"})
        reply = connection.getresponse()
        return (reply.status, reply.getheader("Location") or "",
                reply.read().decode(errors="replace"))
    finally:
        connection.close()


@pytest.fixture(scope="module")
def hub(tmp_path_factory):
    data = tmp_path_factory.mktemp("hub")
    with Hub(data, ROOM) as running:
        yield running
    assert not running.survivors, f"processes that outlived the hub: {running.survivors}"
    left = _started_in(data)
    assert not left, f"processes left behind: {[p.info['cmdline'] for p in left]}"


@pytest.fixture(scope="module")
def ada_and_bob(hub):
    ada, bob = Learner(hub.url, "ada", "ada-own-pass"), Learner(hub.url, "bob", "bob-own-pass")
    for learner in (ada, bob):
        assert learner.sign_in(ROOM)
        learner.start_server()
    return ada, bob


def test_a_room_of_two_runs_lesson_00(hub):
    step = loadtest.run_step(hub, LESSON, 2, time.monotonic() + 240, tag="test")
    failures = [record.get("failure") for record in step["records"] if "failure" in record]
    assert not failures, f"{failures}\n{hub.log()}"
    for record in step["records"]:
        assert record["run_all_s"] > 0 and record["login_to_kernel_s"] > 0
        assert record["peak_mib"] > 300, "the learner's kernel was not seen by the watch"


def test_the_hub_refuses_a_wrong_password(hub, ada_and_bob):
    assert not Learner(hub.url, "eve", "eve-own-pass").sign_in("not-the-room-password")
    assert not Learner(hub.url, "ada", "not-adas-password").sign_in(ROOM), \
        "the room password opened ada's account for somebody else"
    intruder = Learner(hub.url, "eve", "eve-own-pass")
    intruder.sign_in("not-the-room-password")
    assert intruder.session.get(f"{hub.url}/hub/api/user", timeout=30).status_code == 403


def test_a_learner_cannot_open_another_learners_server(hub, ada_and_bob):
    ada, bob = ada_and_bob
    for path in ("lab", "api/contents/notebooks", "files/notebooks/00_start_here.ipynb"):
        reply = bob.session.get(f"{hub.url}/user/ada/{path}", timeout=60)  # bob's cookies
        assert reply.status_code in (403, 404), f"bob's cookie opened ada's /{path}"
        assert "00_start_here" not in reply.text
    reply = requests.get(f"{hub.url}/user/ada/api/contents",
                         headers={"Authorization": f"token {bob.token}"}, timeout=60)
    assert reply.status_code == 403, "bob's token opened ada's server"
    mine = ada.session.get(f"{hub.url}/user/ada/lab", timeout=60)  # ada's own, via OAuth
    assert mine.status_code == 200 and "/user/ada/" in mine.url


def test_a_learners_server_serves_only_their_own_folder(hub, ada_and_bob):
    ada, _ = ada_and_bob
    listing = ada.server_api("contents").json()
    assert {item["name"] for item in listing["content"]} == {"notebooks"}
    lessons = {item["name"] for item in ada.server_api("contents/notebooks").json()["content"]}
    assert lessons == {path.name for path in (ROOT / "notebooks").glob("*.ipynb")}
    # sent byte for byte: requests would resolve the dots before sending the path
    for escape in ("..", "../bob/notebooks", "notebooks/../../bob", "%2E%2E/bob/notebooks",
                   "../../accounts.json"):
        status, location, body = _raw_get(hub, f"/user/ada/api/contents/{escape}", ada.token)
        assert status in (301, 302, 400, 403, 404), f"ada's server served {escape}: {body[:200]}"
        assert location == "" or location.startswith("/user/ada/"), location


def test_each_learner_sees_their_memory(hub, ada_and_bob):
    ada, _ = ada_and_bob
    metrics = ada.server_api("metrics/v1").json()  # what the status bar shows
    assert metrics["rss"] > 50 * 2**20
    assert metrics["limits"]["memory"]["rss"] == 2 * 2**30  # Spawner.mem_limit "2G"


def test_the_idle_culler_runs_with_the_hubs_token(hub):
    culler = [process for process in hub.processes()
              if "jupyterhub_idle_culler" in " ".join(process.cmdline())]
    assert culler, "jupyterhub-idle-culler is not running"
    assert "--timeout=3600" in culler[0].cmdline()
    log = hub.log_path.read_text(errors="replace")
    assert "200 GET /hub/api/users" in log and "(idle-culler@" in log, \
        "the culler could not read the hub's users: is its role in load_roles?"


def test_no_secret_is_in_a_committed_file(hub, ada_and_bob):
    ada, _ = ada_and_bob
    proxy = next(process for process in hub.processes() if process.name() == "node")
    culler = next(process for process in hub.processes()
                  if "jupyterhub_idle_culler" in " ".join(process.cmdline()))
    cookie_secret = hub.data / "jupyterhub_cookie_secret"
    found = {"proxy token": proxy.environ()["CONFIGPROXY_AUTH_TOKEN"],
             "culler token": culler.environ()["JUPYTERHUB_API_TOKEN"],
             "cookie secret": cookie_secret.read_text().strip(),
             "room password": ROOM, "a learner's token": ada.token}
    assert all(len(secret) >= 16 for secret in found.values())
    assert oct(cookie_secret.stat().st_mode & 0o777) == "0o600"
    tracked = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True,
                             check=True).stdout.decode().split("\0")
    for path in filter(None, tracked):
        file = ROOT / path
        if not file.is_file():
            continue
        text = file.read_bytes().decode(errors="ignore")
        for name, secret in found.items():
            assert secret not in text, f"the hub's {name} is written in {path}"


def test_a_learner_signs_in_and_runs_a_cell_in_the_browser(hub, browser):  # noqa: F811
    screenshots = artifact_dir("hub")
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.set_default_timeout(120_000)
    try:
        page.goto(f"{hub.url}/hub/login")
        page.fill("#username_input", "grace")
        page.fill("#password_input", "grace-own-pass")
        page.fill("#otp_input", ROOM)
        page.click("#login_submit")
        page.wait_for_url("**/user/grace/lab/**")
        page.wait_for_selector(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Cell")
        page.wait_for_selector("#jp-main-statusbar >> text=Idle")
        assert "00_start_here" in page.url
        page.screenshot(path=screenshots / "1_lesson_00.png")
        page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Cell").first.click()
        page.keyboard.press("Escape")
        page.keyboard.press("b")  # a new cell below, as a learner trying something
        page.keyboard.press("Enter")
        page.keyboard.type("print(6 * 7)")
        page.keyboard.press("Shift+Enter")
        page.wait_for_selector(".jp-OutputArea-output >> text=42")
        page.wait_for_selector("#jp-main-statusbar >> text=Mem:")  # jupyter-resource-usage
        page.screenshot(path=screenshots / "2_ran_a_cell.png")
    finally:
        page.close()
    sessions = requests.get(f"{hub.url}/hub/api/users/grace", timeout=30)
    assert sessions.status_code == 403, "an anonymous request read grace's record"
    assert json.loads((hub.data / "accounts.json").read_text()).get("grace")


def test_the_hub_command_serves_the_room_and_stops(tmp_path):
    """`python -m hub` (what `make hub` runs): says its address and password, serves, stops."""
    port = free_port()
    environment = dict(os.environ, COURSE_HUB_API_PORT=str(free_port()),
                       COURSE_HUB_PROXY_API_PORT=str(free_port()))
    environment.pop("COURSE_HUB_ROOM_PASSWORD", None)
    command = [sys.executable, "-m", "hub", "--port", str(port), "--data", str(tmp_path)]
    with open(tmp_path / "out.log", "w") as out:
        process = subprocess.Popen(command, cwd=ROOT, env=environment, stdout=out,
                                   stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            try:
                if requests.get(f"http://127.0.0.1:{port}/hub/login", timeout=5).ok:
                    break
            except requests.ConnectionError:
                pass
            time.sleep(0.5)
        else:
            raise AssertionError((tmp_path / "out.log").read_text()[-3000:])
        printed = (tmp_path / "out.log").read_text()
        password = printed.split("room password: ")[1].split()[0]
        assert Learner(f"http://127.0.0.1:{port}", "ada", "ada-own-pass").sign_in(password)
    finally:
        tree = [psutil.Process(process.pid), *psutil.Process(process.pid).children(True)]
        process.terminate()  # the hub itself, since python -m hub became it
        process.wait(timeout=60)
        _, alive = psutil.wait_procs(tree, timeout=30)
        for leftover in alive:
            leftover.kill()
    assert not alive, f"`python -m hub` left {[p.pid for p in alive]} behind"
