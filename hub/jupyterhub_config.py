"""The course's JupyterHub for a room, on the machine it runs on: one line of reason per setting.

Start it with `python -m hub` (it sets the variables below and prints the address). Read by
`jupyterhub -f hub/jupyterhub_config.py` with these environment variables:
  COURSE_HUB_ROOM_PASSWORD   the room password that creates accounts (required, 8+ characters)
  COURSE_HUB_ADMIN_PASSWORD  the "instructor" account's password (optional, 32+ characters)
  COURSE_HUB_DIR             state: accounts, learners' folders, database (default hub/data)
  COURSE_HUB_PORT            the room's port on 127.0.0.1 (default 8000)
  COURSE_HUB_API_PORT, COURSE_HUB_PROXY_API_PORT  internal ports (default 8081, 8001)
  COURSE_HUB_MAX_LEARNERS    servers running at once (default 30, see the guide's sizing)
No secret is written here: the proxy's token and the services' tokens are made at each start,
the cookie secret is generated into the data folder, readable by its owner only.
"""

import os
import sys
from pathlib import Path

HUB = Path(__file__).resolve().parent
ROOT = HUB.parent
sys.path.insert(0, str(ROOT))  # so that `hub.auth` and `hub.spawner` import from this checkout
DATA = Path(os.environ.get("COURSE_HUB_DIR", HUB / "data")).resolve()
DATA.mkdir(parents=True, exist_ok=True)
ROOM_PASSWORD = os.environ.get("COURSE_HUB_ROOM_PASSWORD", "")
if len(ROOM_PASSWORD) < 8:
    raise SystemExit("!! set COURSE_HUB_ROOM_PASSWORD to a room password of 8 or more "
                     "characters (or start the hub with `python -m hub`, which makes one)")
PYTHON_BIN = Path(sys.executable).parent  # the course's environment: same venv as the hub

c = get_config()  # noqa: F821 (provided by JupyterHub when it reads this file)

# --- network: loopback only; put a TLS proxy in front for a real room (see the guide) ---
c.JupyterHub.ip = "127.0.0.1"  # the room's entrance, the proxy's public side
c.JupyterHub.port = int(os.environ.get("COURSE_HUB_PORT", "8000"))  # the room's port
c.JupyterHub.hub_ip = "127.0.0.1"  # the hub's own API, reached by the proxy and servers only
c.JupyterHub.hub_port = int(os.environ.get("COURSE_HUB_API_PORT", "8081"))  # its port
c.ConfigurableHTTPProxy.api_url = (  # the proxy's control API, for the hub only
    f"http://127.0.0.1:{os.environ.get('COURSE_HUB_PROXY_API_PORT', '8001')}")
c.ConfigurableHTTPProxy.command = [  # the proxy installed in hub/ by `npm ci --prefix hub`
    str(HUB / "node_modules" / ".bin" / "configurable-http-proxy")]
c.ConfigurableHTTPProxy.should_start = True  # the hub starts and stops its proxy itself

# --- state: everything the hub writes stays in the data folder ---
c.JupyterHub.db_url = f"sqlite:///{DATA / 'jupyterhub.sqlite'}"  # users, servers, tokens
c.JupyterHub.cookie_secret_file = str(DATA / "jupyterhub_cookie_secret")  # made here, 0600
c.JupyterHub.pid_file = str(DATA / "jupyterhub.pid")  # so a second start can tell
c.JupyterHub.cleanup_servers = True  # stopping the hub stops every learner's server

# --- sign-in: the room password creates an account, the learner's password keeps it ---
c.JupyterHub.authenticator_class = "hub.auth.RoomAuthenticator"  # hub/auth.py
c.RoomAuthenticator.room_password = ROOM_PASSWORD  # from the environment, never in a file
c.RoomAuthenticator.accounts_file = str(DATA / "accounts.json")  # salted hashes, 0600
c.RoomAuthenticator.admin_password = os.environ.get("COURSE_HUB_ADMIN_PASSWORD", "")  # opt.
c.RoomAuthenticator.admin_users = {"instructor"}  # this name signs in with the admin password
c.RoomAuthenticator.allow_all = True  # anyone with the room password may make an account
c.RoomAuthenticator.request_otp = True  # a third field on the login form, for the room password
c.RoomAuthenticator.otp_prompt = "Room password (first sign-in only):"  # its label
c.RoomAuthenticator.username_pattern = r"^[a-z0-9][a-z0-9_-]{0,31}$"  # safe folder names

# --- each learner's server: the course's environment, their own folder, lesson 00 first ---
c.JupyterHub.spawner_class = "hub.spawner.CourseSpawner"  # hub/spawner.py
c.CourseSpawner.home_dir_template = str(DATA / "users" / "{username}")  # their own folder
c.Spawner.cmd = [str(PYTHON_BIN / "jupyterhub-singleuser")]  # the course's venv, not PATH's
c.Spawner.ip = "127.0.0.1"  # learners' servers listen on loopback, behind the proxy
c.Spawner.default_url = "/lab/tree/notebooks/00_start_here.ipynb"  # everyone starts at 00
c.Spawner.environment = {"TF_CPP_MIN_LOG_LEVEL": "2",  # TensorFlow's banner stays out of
                         "TF_ENABLE_ONEDNN_OPTS": "0",  # the cells (as in binder/start)
                         "PATH": f"{PYTHON_BIN}:{os.environ.get('PATH', '/usr/bin:/bin')}"}
c.Spawner.mem_limit = "2G"  # shown in each learner's status bar (not enforced by this spawner)
c.Spawner.start_timeout = 180  # a busy room starts servers slowly: wait, do not give up
c.Spawner.http_timeout = 180  # the same, for the server's first answer
c.Spawner.args = [
    *(["--allow-root"] if os.geteuid() == 0 else []),  # Jupyter refuses root without it
    "--ServerApp.terminals_enabled=False",  # no shell: lessons need none, and it would be
                                            # the hub's own OS user
    "--MappingKernelManager.cull_idle_timeout=1800",  # a kernel idle 30 min frees its memory
    "--MappingKernelManager.cull_interval=120",  # looked for every 2 minutes
    "--MappingKernelManager.cull_connected=False",  # never one whose lesson tab is open
    "--ResourceUseDisplay.track_cpu_percent=True",  # the status bar shows CPU beside memory
]
c.JupyterHub.active_server_limit = int(  # more would slow everyone: see the guide's sizing
    os.environ.get("COURSE_HUB_MAX_LEARNERS", "30"))

# --- culling: a server idle for an hour is stopped; the learner's files stay ---
c.JupyterHub.load_roles = [{
    "name": "idle-culler",  # exactly the rights jupyterhub-idle-culler needs
    "scopes": ["list:users", "read:users:activity", "read:servers", "delete:servers"],
    "services": ["idle-culler"],
}]
c.JupyterHub.services = [{
    "name": "idle-culler",  # run by the hub, which gives it its token at each start
    "command": [sys.executable, "-m", "jupyterhub_idle_culler",
                "--timeout=3600",  # idle for an hour: over lunch, a server is given back
                "--cull-every=300"],  # checked every 5 minutes
}]
