"""Publish a measured figure (an accuracy, an error, a latency) for the benchmark harness.

A lesson calls ``results.publish("cnn.course_accuracy", accuracy)`` after measuring it.
Outside a benchmark run this does nothing. During one, the harness sets the environment
variable COURSE_RESULTS_FILE and each call appends one JSON line to that file;
``results.read(path)`` gives them back as a dict, the last value of a name winning.
"""

from __future__ import annotations

import json
import math
import os
import re
from pathlib import Path

__all__ = ["publish", "read", "RESULTS_FILE_VARIABLE"]

RESULTS_FILE_VARIABLE = "COURSE_RESULTS_FILE"
_NAME = re.compile(r"^[a-z0-9_]+(\.[a-z0-9_]+)+$")


def publish(name: str, value: float) -> None:
    """Record ``value`` under a dotted ``name`` ("rnn.course_mae") when a benchmark asks."""
    if not isinstance(name, str) or not _NAME.match(name):
        raise ValueError(f"name must be dotted lower-case words like 'cnn.course_accuracy', "
                         f"got {name!r}")
    number = float(value)
    if not math.isfinite(number):
        raise ValueError(f"{name}: value must be a finite number, got {value!r}")
    path = os.environ.get(RESULTS_FILE_VARIABLE)
    if not path:
        return
    with open(path, "a", encoding="utf-8") as file:
        file.write(json.dumps({"name": name, "value": number}) + "\n")


def read(path: str | os.PathLike) -> dict[str, float]:
    """The figures published into the file at ``path``: name -> value (empty if no file)."""
    path = Path(path)
    if not path.exists():
        return {}
    figures: dict[str, float] = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
            figures[record["name"]] = float(record["value"])
        except (ValueError, KeyError, TypeError) as error:
            raise ValueError(f"{path}, line {number}: expected a JSON line like "
                             f'{{"name": "cnn.course_accuracy", "value": 0.98}}, got {line!r} '
                             f"({error})") from error
    return figures
