"""Publish a measured figure (an accuracy, an error, a latency) for the benchmark harness.

A lesson calls ``results.publish("cnn.course_accuracy", accuracy)`` after measuring it.
Outside a benchmark run this does nothing. During one, the harness sets the environment
variable COURSE_RESULTS_FILE and each call appends one JSON line to that file.
"""

from __future__ import annotations

import json
import math
import os
import re

__all__ = ["publish", "RESULTS_FILE_VARIABLE"]

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
