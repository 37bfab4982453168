"""The instructor guide's room sizing is the one computed from the measured hub figures."""

from __future__ import annotations

import json
import re

from tests.conftest import ROOT

GUIDE = ROOT / "docs" / "instructor_guide.md"
RESULTS = ROOT / "benchmarks" / "results.json"


def _hub() -> dict:
    hub = json.loads(RESULTS.read_text()).get("hub")
    assert hub, "no hub results in benchmarks/results.json: run `python -m benchmarks.hub`"
    return hub


def _section() -> str:
    text = GUIDE.read_text(encoding="utf-8")
    start = text.index("### Sizing, from measurement")
    return text[start:text.index("\n### ", start + 1)]


def test_the_guide_gives_the_measured_server_sizes():
    sizing, section = _hub()["sizing"], _section()
    for learners, room in sizing["rooms"].items():
        row = re.search(rf"^\| {learners} learners \| (\d+) \| (\d+) \|", section, re.M)
        assert row, f"no row for {learners} learners in the guide's sizing table"
        assert (int(row[1]), int(row[2])) == (room["cores"], room["memory_gib"]), \
            f"the guide's size for {learners} learners is not the measured one: " \
            "run `python -m benchmarks.hub --report` and copy its table"


def test_the_guide_gives_the_measured_per_learner_figures():
    hub, section = _hub(), _section()
    figures, sizing = hub["figures"], hub["sizing"]
    assert f"{figures['hub.per_learner_peak_mib']:,.0f} MiB" in section
    assert f"{sizing['cores_per_learner']:g} core" in section
    assert f"{sizing['memory_per_learner_gib']:g} GiB" in section
    assert f"**{figures['hub.learners_within_2x']:.0f} learners**" in section
