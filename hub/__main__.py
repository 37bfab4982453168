"""Serve the course to a room from this machine: `python -m hub` (Ctrl-C stops everything)."""

from __future__ import annotations

import argparse
import os
import secrets
import sys
from pathlib import Path

from hub import server

WORDS = ("kernel", "filter", "stride", "gate", "latent", "pixel", "epoch", "tensor", "neuron",
         "digit", "window", "memory")


def room_password() -> str:
    """Four course words and a number: easy to write on a board, hard to guess."""
    words = [secrets.choice(WORDS) for _ in range(4)]
    return "-".join(words) + f"-{secrets.randbelow(100)}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, default=int(os.environ.get("COURSE_HUB_PORT", 8000)))
    parser.add_argument("--data", type=Path,
                        default=Path(os.environ.get("COURSE_HUB_DIR", server.HUB / "data")))
    args = parser.parse_args(argv)
    try:
        server.check_installed()
    except RuntimeError as error:
        print(f"!! {error}")
        return 1
    password = os.environ.get("COURSE_HUB_ROOM_PASSWORD") or room_password()
    args.data.mkdir(parents=True, exist_ok=True)
    environment = server.hub_environment(
        args.data.resolve(), password, args.port,
        int(os.environ.get("COURSE_HUB_API_PORT", 8081)),
        int(os.environ.get("COURSE_HUB_PROXY_API_PORT", 8001)),
        os.environ.get("COURSE_HUB_ADMIN_PASSWORD", ""))
    print(f">> the course's hub: http://127.0.0.1:{args.port}/ (this machine only; see the "
          "guide to put TLS in front of it for a room)")
    print(f">> room password: {password}  (a learner's first sign-in: any name, a password "
          "of their own, and this; set COURSE_HUB_ROOM_PASSWORD to choose it)")
    print(f">> state in {args.data}; hand out updated lessons with `python -m hub.handout`")
    sys.stdout.flush()
    os.chdir(args.data)
    os.execve(sys.executable, server.hub_command(), environment)  # Ctrl-C reaches the hub


if __name__ == "__main__":
    sys.exit(main())
