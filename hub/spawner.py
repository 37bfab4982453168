"""Each learner's own Jupyter server: a local process of the course's environment, in their folder.

Every learner gets ``<data>/users/<name>/`` as home and notebook folder, with their own copy of
the lessons (handed out by hub.handout at every start, so a restart also brings new lessons)
and their own Jupyter settings. The hub's authentication keeps learners out of each other's
servers; all servers run as the operating-system user that started the hub, so a learner's
Python code is not fenced off from the machine (see the guide: one Unix user per learner with
The Littlest JupyterHub, or one container per learner on Kubernetes, for that).
"""

from __future__ import annotations

import json
from pathlib import Path

from jupyterhub.spawner import SimpleLocalProcessSpawner
from jupyterhub.utils import random_port
from traitlets import default

from hub import handout

ROOT = Path(__file__).resolve().parent.parent
# JupyterLab settings every learner starts with: no news toast over the lesson.
LAB_SETTINGS = {
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings":
        {"fetchNews": "false", "checkForUpdates": False},
}


def _lab_settings() -> dict[str, dict]:
    """The hub's defaults, with the course's own JupyterLab settings (binder/) on top."""
    settings = dict(LAB_SETTINGS)
    overrides = ROOT / "binder" / "overrides.json"  # what Binder's JupyterLab reads too
    if overrides.exists():
        for plugin, values in json.loads(overrides.read_text()).items():
            package, _, name = plugin.partition(":")
            settings[f"{package}/{name}.jupyterlab-settings"] = values
    return settings


class CourseSpawner(SimpleLocalProcessSpawner):
    """SimpleLocalProcessSpawner with a per-learner folder that holds their lessons."""

    # Ports handed to this hub's servers. Sixteen learners starting at once were seen to draw
    # the same random port: the second server could not listen, the first one answered the
    # hub's check in its place, and the hub routed one learner to another's server (whose
    # authentication refused them). A port is therefore never handed out twice.
    _ports_in_use: set[int] = set()

    def _unique_port(self) -> int:
        port = random_port()
        while port in self._ports_in_use:
            port = random_port()
        self._ports_in_use.add(port)
        return port

    @default("notebook_dir")
    def _default_notebook_dir(self) -> str:
        return self.home_dir  # the learner sees their folder, nothing above it

    def _prepare_home(self) -> None:
        home = Path(self.home_dir)
        home.mkdir(parents=True, exist_ok=True)
        done = handout.sync(home)
        self.log.info("lessons for %s: %s", self.user.name,
                      {kind: len(names) for kind, names in done.items()})
        user_settings = home / ".jupyter" / "lab" / "user-settings"
        for relative, values in _lab_settings().items():
            path = user_settings / relative
            if not path.exists():  # a learner's own change of a setting stays
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(json.dumps(values))

    async def start(self):
        self._prepare_home()
        self.port = self._unique_port()
        try:
            return await super().start()
        except BaseException:
            self._ports_in_use.discard(self.port)
            raise

    async def stop(self, now: bool = False):
        try:
            return await super().stop(now=now)
        finally:
            self._ports_in_use.discard(self.port)
