"""hub/auth.py: the room password creates an account; only the learner's password reopens it."""

from __future__ import annotations

import asyncio
import json
import stat

import pytest

from hub.auth import RoomAuthenticator

ROOM = "stride-kernel-42"


@pytest.fixture
def authenticator(tmp_path):
    return RoomAuthenticator(room_password=ROOM, accounts_file=str(tmp_path / "accounts.json"),
                             admin_users={"instructor"}, admin_password="a" * 32)


def sign_in(authenticator, name, password, room=""):
    return asyncio.run(authenticator.authenticate(
        None, {"username": name, "password": password, "otp": room}))


def test_first_sign_in_needs_the_room_password(authenticator, tmp_path):
    assert sign_in(authenticator, "ada", "ada-own-pass", "wrong-room") is None
    assert sign_in(authenticator, "ada", "ada-own-pass") is None
    assert not (tmp_path / "accounts.json").exists(), "a refused sign-in created an account"
    assert sign_in(authenticator, "ada", "ada-own-pass", ROOM) == "ada"


def test_only_the_learners_own_password_reopens_their_account(authenticator):
    assert sign_in(authenticator, "ada", "ada-own-pass", ROOM) == "ada"
    assert sign_in(authenticator, "ada", "ada-own-pass") == "ada"
    assert sign_in(authenticator, "ada", "wrong-pass", ROOM) is None
    assert sign_in(authenticator, "ada", ROOM, ROOM) is None, \
        "the room password alone opened somebody else's account"


def test_a_new_password_must_be_long_and_not_the_room_password(authenticator):
    assert sign_in(authenticator, "bob", "short", ROOM) is None
    assert sign_in(authenticator, "bob", ROOM, ROOM) is None


def test_accounts_keep_salted_hashes_readable_by_the_owner_only(authenticator, tmp_path):
    sign_in(authenticator, "ada", "ada-own-pass", ROOM)
    sign_in(authenticator, "bob", "ada-own-pass", ROOM)
    path = tmp_path / "accounts.json"
    accounts = json.loads(path.read_text())
    assert "ada-own-pass" not in path.read_text()
    assert accounts["ada"] != accounts["bob"], "the same password gave the same hash: no salt"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_admin_needs_the_admin_password(authenticator):
    assert sign_in(authenticator, "instructor", ROOM, ROOM) is None
    assert sign_in(authenticator, "instructor", "a" * 32) == {"name": "instructor",
                                                              "admin": True}
