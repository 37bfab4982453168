"""Start a JupyterLab server for a test: free port, token on, isolated config, clean stop."""

from __future__ import annotations

import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import psutil


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until_listening(port: int, seconds: float = 30) -> None:
    """Return once something accepts connections on localhost:port."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise AssertionError(f"nothing listens on port {port}")


class LabServer:
    """``jupyter lab`` from this environment, serving ``root`` on localhost with a token.

    Config, runtime, settings and workspaces live under ``root/.jupyter-test`` so the
    learner's own JupyterLab settings neither affect the test nor get changed by it.
    Use as a context manager: the server and its kernels are stopped on exit.
    """

    def __init__(self, root: Path):
        self.root = Path(root)
        self.port = free_port()
        self.token = secrets.token_hex(24)
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen | None = None
        self.killed: list[int] = []
        self.log_path = self.root / ".jupyter-test" / "server.log"

    def __enter__(self) -> LabServer:
        home = self.root / ".jupyter-test"
        settings = home / "settings" / "@jupyterlab" / "apputils-extension"
        settings.mkdir(parents=True, exist_ok=True)
        # no "get notified about Jupyter news" toast over the notebook, no update check
        (settings / "notification.jupyterlab-settings").write_text(
            json.dumps({"fetchNews": "false", "checkForUpdates": False}), encoding="utf-8")
        environment = dict(os.environ, JUPYTER_CONFIG_DIR=str(home / "config"),
                           JUPYTER_RUNTIME_DIR=str(home / "runtime"), BROWSER="true")
        environment.pop("JUPYTER_TOKEN", None)
        command = [sys.executable, "-m", "jupyterlab", "--no-browser", "--ip=127.0.0.1",
                   f"--port={self.port}", f"--ServerApp.root_dir={self.root}",
                   f"--IdentityProvider.token={self.token}",
                   f"--LabApp.user_settings_dir={home / 'settings'}",
                   f"--LabApp.workspaces_dir={home / 'workspaces'}"]
        if os.geteuid() == 0:
            command.append("--allow-root")
        self.process = subprocess.Popen(command, env=environment, cwd=self.root,
                                        stdout=open(self.log_path, "w"),  # noqa: SIM115
                                        stderr=subprocess.STDOUT, start_new_session=True)
        try:
            wait_until_listening(self.port, seconds=120)
        except AssertionError:
            self.__exit__(None, None, None)
            raise AssertionError(f"JupyterLab did not start:\n{self.log()}") from None
        return self

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")[-4000:]

    def processes(self) -> list[psutil.Process]:
        """The server and everything it started (kernels run in sessions of their own)."""
        if self.process is None:
            return []
        try:
            server = psutil.Process(self.process.pid)
            return [server, *server.children(recursive=True)]
        except psutil.NoSuchProcess:
            return []

    def __exit__(self, *exc_info) -> None:
        if self.process is None:
            return
        started = self.processes()
        try:
            os.killpg(self.process.pid, signal.SIGTERM)  # the server shuts its kernels down
            self.process.wait(timeout=30)
        except ProcessLookupError:
            pass
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)
        _, alive = psutil.wait_procs(started, timeout=10)
        for process in alive:
            process.kill()
        self.killed = [process.pid for process in alive]  # did not stop when asked
        self.process = None
