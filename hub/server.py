"""Start the course's hub as a child process on free loopback ports, and stop all it started."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import psutil
import requests

HUB = Path(__file__).resolve().parent
ROOT = HUB.parent
CONFIG = HUB / "jupyterhub_config.py"
PROXY = HUB / "node_modules" / ".bin" / "configurable-http-proxy"
INSTALL_PROXY = "npm ci --prefix hub"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def check_installed() -> None:
    """Fail with the command that installs what the hub needs, before starting anything."""
    missing = []
    if not PROXY.exists():
        missing.append(f"the proxy: run `{INSTALL_PROXY}` from the course folder")
    for module in ("jupyterhub", "jupyterhub_idle_culler", "jupyter_resource_usage"):
        try:
            __import__(module)
        except ImportError:
            missing.append(f"{module}: run `pip install -r requirements-dev.txt`")
    if missing:
        raise RuntimeError("the hub cannot start without " + "; ".join(missing))


def hub_environment(data: Path, room_password: str, port: int, api_port: int,
                    proxy_api_port: int, admin_password: str = "") -> dict[str, str]:
    environment = dict(os.environ, COURSE_HUB_DIR=str(data),
                       COURSE_HUB_ROOM_PASSWORD=room_password, COURSE_HUB_PORT=str(port),
                       COURSE_HUB_API_PORT=str(api_port),
                       COURSE_HUB_PROXY_API_PORT=str(proxy_api_port),
                       COURSE_HUB_ADMIN_PASSWORD=admin_password)
    environment.pop("CONFIGPROXY_AUTH_TOKEN", None)  # the hub makes a fresh one
    environment.pop("JUPYTERHUB_API_TOKEN", None)
    return environment


def hub_command() -> list[str]:
    return [sys.executable, "-m", "jupyterhub", "-f", str(CONFIG)]


class Hub:
    """The course's hub on free ports, its state in ``data``; a context manager.

    On exit the hub is asked to stop (it stops the learners' servers and the proxy); any
    process it started that is still alive is asked again with SIGTERM, and one that ignores
    that for 30 s is killed and listed in ``survivors``.
    """

    def __init__(self, data: Path, room_password: str, admin_password: str = ""):
        self.data = Path(data)
        self.room_password = room_password
        self.admin_password = admin_password
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = self.data / "hub.log"
        self.process: subprocess.Popen | None = None
        self.survivors: list[str] = []
        self.seen: dict[int, psutil.Process] = {}

    def __enter__(self) -> Hub:
        check_installed()
        self.data.mkdir(parents=True, exist_ok=True)
        environment = hub_environment(self.data, self.room_password, self.port, free_port(),
                                      free_port(), self.admin_password)
        with open(self.log_path, "w") as log:
            self.process = subprocess.Popen(hub_command(), env=environment, cwd=self.data,
                                            stdout=log, stderr=subprocess.STDOUT,
                                            start_new_session=True)
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                break
            try:
                if requests.get(f"{self.url}/hub/api/", timeout=2).ok:
                    return self
            except requests.ConnectionError:
                pass
            time.sleep(0.3)
        self.__exit__(None, None, None)
        raise RuntimeError(f"the hub did not answer on {self.url}:\n{self.log()}")

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")[-5000:]

    def processes(self) -> list[psutil.Process]:
        """The hub and everything it started, now; remembered, so none is forgotten at exit."""
        if self.process is None:
            return []
        try:
            root = psutil.Process(self.process.pid)
            for process in [root, *root.children(recursive=True)]:
                self.seen.setdefault(process.pid, process)
        except psutil.NoSuchProcess:
            pass
        return [process for process in self.seen.values() if process.is_running()]

    def __exit__(self, *exc_info) -> None:
        if self.process is None:
            return
        started = self.processes()
        self.process.send_signal(signal.SIGTERM)  # the hub stops servers and proxy first
        try:
            self.process.wait(timeout=90)  # each server gets 10 s after SIGINT, then SIGTERM
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)
        _, alive = psutil.wait_procs(started, timeout=10)
        for process in alive:  # asked once more, as the hub would have
            try:
                process.terminate()
            except psutil.NoSuchProcess:
                continue
        _, alive = psutil.wait_procs(alive, timeout=30)
        self.survivors = []
        for process in alive:
            try:
                self.survivors.append(f"{process.pid} {' '.join(process.cmdline())[:120]}")
                process.kill()
            except psutil.NoSuchProcess:
                continue
        self.process = None
