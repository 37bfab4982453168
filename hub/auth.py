"""Workshop sign-in: the room password creates an account, the learner's own password keeps it.

A learner's first sign-in chooses a name and a password of their own, and must give the room
password the instructor wrote on the board (the login form's third field). Later sign-ins
need only the learner's password. So nobody outside the room can create an account, and
nobody inside it can sign in as somebody else: the room password alone opens no existing
account. Passwords are kept as salted PBKDF2 hashes in ``accounts.json`` in the hub's data
folder, readable by its owner only.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
from pathlib import Path

from jupyterhub.auth import Authenticator
from traitlets import Unicode

ITERATIONS = 200_000
MIN_PASSWORD_LENGTH = 8


def hash_password(password: str, salt: str | None = None) -> str:
    """'salt$hex digest' of PBKDF2-SHA256 over the password."""
    salt = salt or secrets.token_hex(16)
    digest = hashlib.pbkdf2_hmac("sha256", password.encode(), salt.encode(), ITERATIONS)
    return f"{salt}${digest.hex()}"


def password_matches(password: str, stored: str) -> bool:
    salt, _, _ = stored.partition("$")
    return hmac.compare_digest(hash_password(password, salt), stored)


class RoomAuthenticator(Authenticator):
    """Accounts created at first sign-in with the room password; never an open hub."""

    room_password = Unicode(config=True, help="Needed once, to create an account.")
    admin_password = Unicode("", config=True,
                             help="Password of the names in admin_users (empty: no admin).")
    accounts_file = Unicode(config=True, help="Where the learners' password hashes are kept.")

    def _accounts(self) -> dict[str, str]:
        path = Path(self.accounts_file)
        return json.loads(path.read_text()) if path.exists() else {}

    def _save(self, accounts: dict[str, str]) -> None:
        path = Path(self.accounts_file)
        partial = path.with_suffix(".partial")
        descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w") as file:
            json.dump(accounts, file, indent=1)
        os.replace(partial, path)  # never a half-written file, even if the hub dies here

    async def authenticate(self, handler, data):
        name = self.normalize_username(data.get("username", ""))
        password = data.get("password", "")
        room_password = data.get("otp", "")
        if name in self.admin_users:
            if self.admin_password and hmac.compare_digest(password, self.admin_password):
                return {"name": name, "admin": True}
            return None
        accounts = self._accounts()
        if name in accounts:
            return name if password_matches(password, accounts[name]) else None
        if not (self.room_password and hmac.compare_digest(room_password, self.room_password)):
            self.log.warning("refused a new account %r: wrong room password", name)
            return None
        if len(password) < MIN_PASSWORD_LENGTH or password == self.room_password:
            self.log.warning("refused a new account %r: its own password must have at least "
                             "%d characters and differ from the room password",
                             name, MIN_PASSWORD_LENGTH)
            return None
        accounts[name] = hash_password(password)
        self._save(accounts)
        self.log.info("created the account %r", name)
        return name
