"""The course's JupyterLab settings, installed where JupyterLab reads them for everyone.

    python -m tools.lab_settings install [--prefix PREFIX]     (default: this Python's prefix)

binder/overrides.json holds the settings: no "get notified about official Jupyter news?"
prompt and no update check, so a learner's first screen is the lesson. JupyterLab reads
``<prefix>/share/jupyter/lab/settings/overrides.json`` of the environment it runs from, as
defaults under each user's own settings: the same file serves the course's .venv (local and
hub, copied at install time) and Binder (copied by binder/postBuild). Nothing is written to the
learner's home folder. Settings already in an overrides.json there are kept, unless the course
sets the same one. Standard library only: it runs before anything is installed.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

SOURCE = Path(__file__).resolve().parent.parent / "binder" / "overrides.json"


def target(prefix: Path) -> Path:
    """Where JupyterLab looks for the settings of the environment at ``prefix``."""
    return Path(prefix) / "share" / "jupyter" / "lab" / "settings" / "overrides.json"


def install(prefix: Path, source: Path = SOURCE) -> Path:
    """Merge the course's settings into ``prefix``'s overrides.json; returns its path."""
    settings = json.loads(Path(source).read_text(encoding="utf-8"))
    path = target(prefix)
    merged: dict = {}
    if path.exists():
        try:
            merged = json.loads(path.read_text(encoding="utf-8"))
        except json.JSONDecodeError as error:
            raise SystemExit(f"{path} is not valid JSON ({error}): fix or delete it, then run "
                             "this again") from None
    for plugin, values in settings.items():
        merged[plugin] = {**merged.get(plugin, {}), **values}
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(merged, indent=2) + "\n", encoding="utf-8")
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", choices=["install"])
    parser.add_argument("--prefix", type=Path, default=Path(sys.prefix),
                        help="the Python environment JupyterLab runs from (default: this one)")
    args = parser.parse_args(argv)
    print(f"JupyterLab settings for the course: {install(args.prefix)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
