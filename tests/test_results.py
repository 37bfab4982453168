"""results.publish: silent outside a benchmark, one JSON line per figure inside one."""

import json

import pytest

from course_utils import results


def test_publish_does_nothing_outside_a_benchmark(monkeypatch, tmp_path):
    monkeypatch.delenv(results.RESULTS_FILE_VARIABLE, raising=False)
    monkeypatch.chdir(tmp_path)
    results.publish("cnn.course_accuracy", 0.99)
    assert list(tmp_path.iterdir()) == []


def test_publish_appends_json_lines(monkeypatch, tmp_path):
    path = tmp_path / "figures.jsonl"
    monkeypatch.setenv(results.RESULTS_FILE_VARIABLE, str(path))
    results.publish("cnn.course_accuracy", 0.99)
    results.publish("explore.kernel.median_ms", 12)
    lines = [json.loads(line) for line in path.read_text().splitlines()]
    assert lines == [{"name": "cnn.course_accuracy", "value": 0.99},
                     {"name": "explore.kernel.median_ms", "value": 12.0}]


@pytest.mark.parametrize("name", ["accuracy", "CNN.acc", "cnn.", "cnn course"])
def test_publish_rejects_bad_names(name):
    with pytest.raises(ValueError, match="dotted"):
        results.publish(name, 1.0)


def test_publish_rejects_non_finite_values():
    with pytest.raises(ValueError, match="finite"):
        results.publish("cnn.course_accuracy", float("nan"))
