"""Hand the course's lessons to a learner's folder without ever overwriting their work.

The same rule as nbgitpuller, for a local folder: a lesson the learner has not touched is
replaced by the course's current version; a lesson they changed is kept as it is; a lesson
they do not have (new, or deleted by mistake) is copied. ``.course-handout.json`` in the
learner's folder remembers the hash of each file as it was handed out, which is how an
untouched lesson is told from a changed one.

    python -m hub.handout [--data hub/data]     every learner, now (their servers may run)
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
COURSE = ROOT / "notebooks"
MANIFEST = ".course-handout.json"


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def sync(home: Path, course: Path = COURSE) -> dict[str, list[str]]:
    """Bring ``home/notebooks`` up to date with ``course``; say what was copied, updated, kept."""
    target = home / "notebooks"
    target.mkdir(parents=True, exist_ok=True)
    manifest_path = home / MANIFEST
    handed = json.loads(manifest_path.read_text()) if manifest_path.exists() else {}
    done: dict[str, list[str]] = {"copied": [], "updated": [], "kept": []}
    for source in sorted(course.glob("*.ipynb")):  # lessons only, never a stray state file
        mine, current = target / source.name, _sha256(source)
        if not mine.exists():
            outcome = "copied"
        elif _sha256(mine) == current:
            handed[source.name] = current
            continue
        elif _sha256(mine) == handed.get(source.name):
            outcome = "updated"  # the learner never changed it: the new version replaces it
        else:
            done["kept"].append(source.name)  # the learner's work wins, as in nbgitpuller
            continue
        partial = mine.with_name(f".{mine.name}.partial")
        shutil.copyfile(source, partial)
        os.replace(partial, mine)  # JupyterLab never sees half a notebook
        handed[source.name] = current
        done[outcome].append(source.name)
    manifest_path.write_text(json.dumps(handed, indent=1, sort_keys=True))
    return done


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path,
                        default=Path(os.environ.get("COURSE_HUB_DIR", ROOT / "hub" / "data")),
                        help="the hub's data folder (learners' folders are in its users/)")
    args = parser.parse_args(argv)
    users = args.data / "users"
    if not users.is_dir():
        print(f"!! no learners' folders in {users}: has anybody signed in to this hub yet?")
        return 1
    for home in sorted(path for path in users.iterdir() if path.is_dir()):
        done = sync(home)
        summary = "; ".join(f"{kind} {', '.join(names)}" for kind, names in done.items() if names)
        print(f"{home.name}: {summary or 'up to date'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
