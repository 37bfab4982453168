"""A simulated learner: sign in, start a server, open a lesson, Run All, as the browser would.

Everything goes through the hub's public address (the proxy): the hub's REST API for the
server, the learner's server's REST API for the session, and its kernel websocket for the
cells, one ``execute_request`` after the other, as JupyterLab's Run All sends them.
"""

from __future__ import annotations

import json
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

import requests
import websocket


class LearnerError(RuntimeError):
    """Something a learner would see go wrong: refused sign-in, no server, a dead kernel."""


@dataclass
class RunAll:
    seconds: float = 0.0
    cells: int = 0
    errors: list[str] = field(default_factory=list)  # cells that raised, with the error's name
    kernel_died: bool = False
    cell_seconds: dict[int, float] = field(default_factory=dict)  # by cell index


class Learner:
    """One learner's browser session on the hub at ``url`` (cookies, then a token)."""

    def __init__(self, url: str, name: str, password: str):
        self.url, self.name, self.password = url.rstrip("/"), name, password
        self.session = requests.Session()
        self.token: str | None = None

    def _xsrf_headers(self) -> dict[str, str]:
        return {"X-XSRFToken": self.session.cookies.get("_xsrf", path="/hub/") or ""}

    def sign_in(self, room_password: str = "") -> bool:
        """Post the login form; True when the hub accepted it (it redirects and sets cookies)."""
        self.session.get(f"{self.url}/hub/login", timeout=30)
        reply = self.session.post(
            f"{self.url}/hub/login?next=", allow_redirects=False, timeout=60,
            data={"username": self.name, "password": self.password, "otp": room_password,
                  "_xsrf": self.session.cookies.get("_xsrf", path="/hub/") or ""})
        return reply.status_code in (301, 302, 303)

    def start_server(self, timeout: float = 240) -> None:
        """Ask the hub for this learner's server and wait until the hub says it is ready."""
        api = f"{self.url}/hub/api/users/{self.name}"
        reply = self.session.post(f"{api}/server", headers=self._xsrf_headers(), timeout=60)
        if reply.status_code not in (201, 202, 400):  # 400: already running
            raise LearnerError(f"{self.name}: the hub refused to start a server: "
                               f"{reply.status_code} {reply.text[:200]}")
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            user = self.session.get(api, headers=self._xsrf_headers(), timeout=30).json()
            server = user.get("servers", {}).get("")
            if server and server.get("ready"):
                break
            time.sleep(0.5)
        else:
            raise LearnerError(f"{self.name}: no server after {timeout:.0f} s")
        tokens = self.session.post(f"{api}/tokens", headers=self._xsrf_headers(), timeout=30,
                                   json={"note": "simulated learner", "expires_in": 7200})
        tokens.raise_for_status()
        self.token = tokens.json()["token"]

    def server_api(self, path: str, method: str = "GET", **kwargs: Any) -> requests.Response:
        """A request to this learner's server, with their token."""
        headers = {"Authorization": f"token {self.token}"}
        return requests.request(method, f"{self.url}/user/{self.name}/api/{path}",
                                headers=headers, timeout=60, **kwargs)

    def open_lesson(self, path: str) -> Kernel:
        """Open a notebook as JupyterLab does: a session, then its kernel's websocket."""
        reply = self.server_api("sessions", "POST", json={
            "path": path, "name": path.rsplit("/", 1)[-1], "type": "notebook",
            "kernel": {"name": "python3"}})
        if reply.status_code != 201:
            raise LearnerError(f"{self.name}: could not open {path}: {reply.status_code} "
                               f"{reply.text[:200]}")
        kernel_id = reply.json()["kernel"]["id"]
        notebook = self.server_api(f"contents/{path}").json()["content"]
        ws_url = (f"{self.url.replace('http', 'ws', 1)}/user/{self.name}/api/kernels/"
                  f"{kernel_id}/channels?session_id={uuid.uuid4().hex}")
        return Kernel(ws_url, self.token or "", kernel_id, notebook)


class Kernel:
    """A kernel's websocket, as a notebook tab holds it."""

    def __init__(self, ws_url: str, token: str, kernel_id: str, notebook: dict):
        self.id, self.notebook = kernel_id, notebook
        self.socket = websocket.create_connection(
            ws_url, header=[f"Authorization: token {token}"], timeout=30)
        self.session = uuid.uuid4().hex

    def _send(self, msg_type: str, content: dict) -> str:
        msg_id = uuid.uuid4().hex
        self.socket.send(json.dumps({
            "header": {"msg_id": msg_id, "msg_type": msg_type, "session": self.session,
                       "username": "learner", "version": "5.3", "date": ""},
            "parent_header": {}, "metadata": {}, "content": content, "channel": "shell",
            "buffers": []}))
        return msg_id

    def _reply(self, msg_id: str, deadline: float) -> tuple[dict | None, str | None, bool]:
        """Wait for a request's reply and its idle status; (reply, error, kernel died)."""
        reply, error, idle = None, None, False
        while reply is None or not idle:
            self.socket.settimeout(max(0.1, deadline - time.monotonic()))
            try:
                raw = self.socket.recv()
            except (websocket.WebSocketTimeoutException, TimeoutError):
                raise LearnerError("a cell ran past its time limit") from None
            except websocket.WebSocketConnectionClosedException:
                return reply, error, True
            if isinstance(raw, bytes):
                continue  # a widget's binary comm message: no reply or status in it
            message = json.loads(raw)
            content = message.get("content", {})
            if message.get("msg_type") == "status" and content.get("execution_state") in (
                    "dead", "restarting"):
                return reply, error, True  # the kernel died (out of memory, killed)
            if message.get("parent_header", {}).get("msg_id") != msg_id:
                continue
            if message["msg_type"] == "error":
                error = content.get("ename", "error")
            elif message["msg_type"] in ("execute_reply", "kernel_info_reply"):
                reply = content
            elif message["msg_type"] == "status" and content.get("execution_state") == "idle":
                idle = True
        return reply, error, False

    def wait_ready(self, timeout: float = 120) -> None:
        """Return once the kernel answers kernel_info: the moment a learner can run a cell."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            msg_id = self._send("kernel_info_request", {})
            try:
                reply, _, died = self._reply(msg_id, min(deadline, time.monotonic() + 10))
            except LearnerError:
                continue  # not answering yet: ask again, as JupyterLab does
            if died:
                raise LearnerError("the kernel died while starting")
            if reply is not None:
                return
        raise LearnerError(f"the kernel did not answer within {timeout:.0f} s")

    def run_all(self, cell_timeout: float = 600) -> RunAll:
        """Execute every code cell in order; stop at a dead kernel, as Run All would."""
        result = RunAll()
        start = time.monotonic()
        for index, cell in enumerate(self.notebook["cells"]):
            if cell["cell_type"] != "code" or not cell["source"].strip():
                continue
            began = time.monotonic()
            msg_id = self._send("execute_request", {
                "code": cell["source"], "silent": False, "store_history": True,
                "user_expressions": {}, "allow_stdin": False, "stop_on_error": False})
            reply, error, died = self._reply(msg_id, time.monotonic() + cell_timeout)
            result.cells += 1
            result.cell_seconds[index] = round(time.monotonic() - began, 2)
            if died:
                result.kernel_died = True
                break
            if error or (reply or {}).get("status") == "error":
                result.errors.append(f"cell {index}: {error or 'error'}")
        result.seconds = time.monotonic() - start
        return result

    def close(self) -> None:
        self.socket.close()
