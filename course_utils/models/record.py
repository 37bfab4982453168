"""The record a training script writes beside a shipped checkpoint, and its one reader.

    read_record(path)    the record, checked: model, trained_by, settings, scores, date
    check_record(...)    the same checks on a record already in memory (an ablation table's)
    new_record(...)      a record dated today, as the training scripts make them
    write_record(...)    a record written as JSON

Every shipped checkpoint ``NAME.weights.h5`` has a record ``NAME.json`` with exactly these
fields: "model", the function that builds the network (its loader rebuilds it from the
settings); "trained_by", the command that trained it; "settings", what that command was
told (the loader reads the network's sizes here); "scores", what was measured on the result
(quality figures, training time; None while they are measured); "date", when (YYYY-MM-DD).
"""

from __future__ import annotations

import datetime
import json
from pathlib import Path
from typing import Any

__all__ = ["FIELDS", "read_record", "check_record", "new_record", "write_record"]

FIELDS = ("model", "trained_by", "settings", "scores", "date")
# the command that writes each shipped record, for the hint when one is missing
_WRITERS = {"digit_cnn": "python -m tools.train_digit_cnn",
            "dcgan_generator": "python -m tools.train_dcgan",
            "dcgan_unconditional_generator": "python -m tools.train_dcgan --unconditional",
            "conditional_generator": "python -m tools.train_conditional_gan"}


def _remedy(path: Path, record: Any = None) -> str:
    """What to do about a missing or bad record: the command that writes it, if known."""
    command = (record.get("trained_by") if isinstance(record, dict)
               and isinstance(record.get("trained_by"), str) else None)
    command = command or _WRITERS.get(path.name.removesuffix(".json"))
    restore = f"restore the shipped file (git checkout -- {path.name} in its folder)"
    if command:
        return f"{restore}, or run `{command}` in the course folder to write it again"
    return f"{restore}, or rerun the training script that wrote it"


def check_record(record: Any, path: str | Path, needs: tuple[str, ...] = (),
                 row: str | None = None) -> dict[str, Any]:
    """``record`` if it has the five fields and its settings hold ``needs``, else a ValueError.

    path: the file it comes from; row: its name when that file holds several (an ablation).
    """
    where = Path(path)
    source = f"{where} ({row!r})" if row else str(where)
    if not isinstance(record, dict):
        raise ValueError(f"{source} is not a checkpoint record (a JSON object with "
                         f"{', '.join(FIELDS)}), got {type(record).__name__}: "
                         f"{_remedy(where)}")
    missing = [field for field in FIELDS if field not in record]
    extra = sorted(set(record) - set(FIELDS))
    if missing or extra:
        raise ValueError(f"{source} is not a checkpoint record: a record has exactly the "
                         f"fields {', '.join(FIELDS)}; this one lacks {missing or 'none'} and "
                         f"has extra {extra or 'none'}: {_remedy(where, record)}")
    if not isinstance(record["settings"], dict):
        raise ValueError(f"{source}: settings must be a JSON object, got "
                         f"{type(record['settings']).__name__}: {_remedy(where, record)}")
    if record["scores"] is not None and not isinstance(record["scores"], dict):
        raise ValueError(f"{source}: scores must be a JSON object or null, got "
                         f"{type(record['scores']).__name__}: {_remedy(where, record)}")
    absent = [key for key in needs if key not in record["settings"]]
    if absent:
        raise ValueError(f"{source} records no {', '.join(map(repr, absent))} in its settings, "
                         f"which {record['model']} needs to rebuild the network: "
                         f"{_remedy(where, record)}")
    return record


def read_record(path: str | Path, needs: tuple[str, ...] = ()) -> dict[str, Any]:
    """The checkpoint record at ``path`` (see the module docstring), checked.

    needs: the settings a loader rebuilds the network from ("generator_width", ...); a
    record without one of them is refused with a ValueError. A missing file gives a
    FileNotFoundError naming the command that writes it. Lessons 03, 08, 09.
    """
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"no checkpoint record at {path}: {_remedy(path)}")
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as error:
        raise ValueError(f"{path} is not valid JSON ({error}): {_remedy(path)}") from None
    return check_record(record, path, needs)


def new_record(model: str, trained_by: str, settings: dict[str, Any],
               scores: dict[str, Any] | None) -> dict[str, Any]:
    """A record dated today. model: the builder, e.g. "course_utils.models.gan.dcgan_generator";
    trained_by: the command, e.g. "python -m tools.train_dcgan"."""
    return check_record({"model": model, "trained_by": trained_by, "settings": settings,
                         "scores": scores, "date": datetime.date.today().isoformat()},
                        "new_record.json")


def write_record(path: str | Path, record: dict[str, Any]) -> None:
    """Write ``record`` (checked) as JSON, indented by 2, ending with a newline."""
    path = Path(path)
    check_record(record, path)
    path.write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
