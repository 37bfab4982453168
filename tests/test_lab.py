"""`python course.py lab` serves JupyterLab on localhost, at the start-here lesson, behind a token."""

import os
import re
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

import pytest

from tests.conftest import ROOT
from tests.jupyter_server import free_port, wait_until_listening


def _get(url: str) -> tuple[int, str]:
    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(url, timeout=10) as response:
            return response.status, response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("Location", "")


@pytest.mark.slow
def test_lab_serves_the_start_lesson_with_token_auth():
    port = free_port()
    with tempfile.TemporaryDirectory() as home:
        environment = dict(os.environ, JUPYTER_CONFIG_DIR=f"{home}/config",
                           JUPYTER_RUNTIME_DIR=f"{home}/runtime", BROWSER="true")
        environment.pop("JUPYTER_TOKEN", None)
        server = subprocess.Popen([sys.executable, "course.py", "lab", "--port", str(port)],
                                  cwd=ROOT, env=environment, stdout=subprocess.PIPE,
                                  stderr=subprocess.STDOUT, text=True, start_new_session=True)
        try:
            log, token = "", None
            deadline = time.monotonic() + 120
            while token is None and time.monotonic() < deadline:
                line = server.stdout.readline()
                if not line and server.poll() is not None:
                    break
                log += line
                match = re.search(rf"http://127\.0\.0\.1:{port}/lab\S*\?token=(\w+)", line)
                token = match.group(1) if match else None
            assert token, f"JupyterLab did not print a tokenised URL:\n{log[-3000:]}"
            assert "starting JupyterLab" in log, "the launcher says what it is doing"
            if os.geteuid() == 0:
                assert "--allow-root" in log
            assert "00_start_here.ipynb" in log

            base = f"http://127.0.0.1:{port}"
            wait_until_listening(port)
            status, location = _get(f"{base}/lab/tree/notebooks/00_start_here.ipynb")
            assert status in (302, 403) and "login" in location, (status, location)
            status, _ = _get(f"{base}/api/contents/notebooks")
            assert status == 403, "the API answers only with the token"
            status, body = _get(f"{base}/api/contents/notebooks/00_start_here.ipynb"
                                f"?token={token}&content=0")
            assert status == 200 and "00_start_here.ipynb" in body
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
