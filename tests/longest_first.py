"""A pytest plugin that runs the longest lessons first, so two workers finish together.

    pytest notebooks -n 2 --dist loadscope -p tests.longest_first

Tests that execute a whole lesson (nbval's cells of a notebook, or a test parametrized with a
lesson's path) are ordered by the lesson's CPU seconds in benchmarks/results.json, longest
first; the order of the tests within a lesson, and of every other test, is kept. With two
workers taking lessons in that order, the last lesson to start is a short one, instead of a
worker idling while the other runs a long one to the end. Only the order changes: the same
tests run, with the same verdicts.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

RESULTS = Path(__file__).resolve().parent.parent / "benchmarks" / "results.json"


def lesson_seconds(results: Path | None = None) -> dict[str, float]:
    """CPU seconds of each lesson's last benchmark run, by notebook stem; empty if unknown."""
    try:
        text = (results or RESULTS).read_text(encoding="utf-8")
        notebooks = json.loads(text).get("notebooks", {})
    except (OSError, ValueError):
        return {}
    return {stem: float(record.get("cpu_seconds") or 0.0) for stem, record in notebooks.items()
            if isinstance(record, dict)}


def _lesson(item: pytest.Item) -> str | None:
    params = getattr(getattr(item, "callspec", None), "params", {})
    path = params.get("path")
    if isinstance(path, Path) and path.suffix == ".ipynb":
        return path.stem
    if str(item.path).endswith(".ipynb"):
        return item.path.stem
    return None


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    seconds = lesson_seconds()
    # a stable sort: within a lesson, and among tests of no lesson, the order stays
    items.sort(key=lambda item: -seconds.get(_lesson(item) or "", 0.0))
