"""The longest lessons run first; nothing else about the run changes."""

import json
from pathlib import Path
from types import SimpleNamespace

from tests import longest_first


def _item(path, lesson=None, name=""):
    params = {"path": Path(f"notebooks/{lesson}.ipynb")} if lesson else {}
    return SimpleNamespace(path=Path(path), callspec=SimpleNamespace(params=params), name=name)


def test_lessons_are_ordered_by_their_seconds_and_cells_keep_their_order(tmp_path, monkeypatch):
    results = tmp_path / "results.json"
    results.write_text(json.dumps({"notebooks": {"01_short": {"cpu_seconds": 8},
                                                 "05_long": {"cpu_seconds": 70}}}))
    monkeypatch.setattr(longest_first, "RESULTS", results)
    items = [_item("notebooks/01_short.ipynb", name="cell 0"),
             _item("notebooks/01_short.ipynb", name="cell 1"),
             _item("tests/test_x.py", name="unrelated"),
             _item("notebooks/05_long.ipynb", name="cell 0"),
             _item("notebooks/05_long.ipynb", name="cell 1"),
             _item("tests/test_solved.py", lesson="05_long", name="solved 05")]
    longest_first.pytest_collection_modifyitems(items)
    assert [(item.path.stem, item.name) for item in items] == [
        ("05_long", "cell 0"), ("05_long", "cell 1"), ("test_solved", "solved 05"),
        ("01_short", "cell 0"), ("01_short", "cell 1"), ("test_x", "unrelated")]


def test_the_seconds_come_from_the_benchmark_and_are_empty_without_it(tmp_path):
    results = tmp_path / "results.json"
    results.write_text(json.dumps({"notebooks": {"03_x": {"cpu_seconds": 42.5},
                                                 "04_y": {"cpu_seconds": None}}}))
    assert longest_first.lesson_seconds(results) == {"03_x": 42.5, "04_y": 0.0}
    assert longest_first.lesson_seconds(tmp_path / "missing.json") == {}
    assert longest_first.lesson_seconds(Path(longest_first.RESULTS))  # the course's own
