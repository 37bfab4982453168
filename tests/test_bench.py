"""The benchmark harness measures what it claims, on tiny throwaway notebooks."""

import json
import sys
from pathlib import Path

import nbformat
import pytest

from benchmarks import measure, report, run
from course_utils import results


def write_notebook(path: Path, *sources: str) -> Path:
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(s) for s in sources])
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                       "language": "python"}
    nbformat.write(notebook, path)
    return path


PUBLISH = "from course_utils import results\n"


@pytest.mark.slow
def test_a_sleeping_allocating_notebook_gives_its_time_memory_and_figures(tmp_path):
    notebook = write_notebook(
        tmp_path / "sleepy.ipynb",
        "import time\nimport numpy as np\nx = np.ones(200 * 2**20 // 8)  # 200 MiB, touched\n"
        "time.sleep(1.0)",
        PUBLISH + "import os\nresults.publish('test.answer', 42)\n"
        "results.publish('test.tf_log_level', float(os.environ['TF_CPP_MIN_LOG_LEVEL']))\n"
        "results.publish('test.inline_backend', 'inline' in os.environ.get('MPLBACKEND', ''))",
    )
    entry = measure.run_notebook(notebook, cap_mib=2048)  # a cap far above: no effect
    assert entry["status"] == "ok", entry["error"]
    assert 1.0 <= entry["seconds"] < 60
    assert 200 < entry["peak_mib"] < 200 + 400  # the array plus an idle kernel with numpy
    assert 0 < entry["cpu_seconds"] < entry["seconds"] * 4
    assert entry["killed_at_mib"] is None
    assert entry["figures"] == {"test.answer": 42.0, "test.tf_log_level": 2.0,
                                "test.inline_backend": 1.0}
    assert entry["kernel_python"] == sys.executable  # the course's environment, not another


@pytest.mark.slow
def test_a_failing_notebook_is_reported_as_failed_not_timed(tmp_path):
    notebook = write_notebook(
        tmp_path / "broken.ipynb",
        PUBLISH + "results.publish('test.before', 1)",
        "raise ValueError('boom')",
        PUBLISH + "results.publish('test.after', 1)",
    )
    entry = measure.run_notebook(notebook)
    assert entry["status"] == "failed"
    assert entry["seconds"] is None
    assert entry["error"] == "ValueError: boom"
    assert entry["figures"] == {"test.before": 1.0}
    entry["binder"] = None
    assembled = run.assemble({"broken": entry}, None, load_start=0.0)
    assert assembled["figures"] == {}  # a broken lesson's figures are not reported as results
    assert "FAILED" in report.markdown(assembled)


@pytest.mark.slow
def test_the_memory_cap_kills_a_notebook_that_allocates_beyond_it(tmp_path):
    notebook = write_notebook(
        tmp_path / "greedy.ipynb",
        "import time\nimport numpy as np\nx = np.ones(600 * 2**20 // 8)\ntime.sleep(120)",
        PUBLISH + "results.publish('test.after', 1)",
    )
    entry = measure.run_notebook(notebook, cap_mib=300)
    assert entry["status"] == "killed"
    assert entry["seconds"] is None
    assert entry["seconds_until_stop"] < 90  # killed mid-cell, not after the sleep
    assert 300 <= entry["killed_at_mib"] < 600
    assert entry["figures"] == {}  # nothing after the allocation ran


@pytest.mark.slow
def test_a_notebook_over_the_binder_cap_is_measured_again_without_it(tmp_path):
    notebook = write_notebook(tmp_path / "heavy.ipynb",
                              "import numpy as np\nx = np.ones(400 * 2**20 // 8)",
                              PUBLISH + "results.publish('test.after', 1)")
    entry = run.bench_notebook(notebook, cap_mib=300, timeout=60)
    assert entry["binder"]["status"] == "killed"
    assert entry["status"] == "ok" and entry["peak_mib"] > 400
    assert entry["figures"] == {"test.after": 1.0}
    assert report.notebook_verdict(entry) == "over (Binder)"


@pytest.mark.slow
def test_one_notebook_is_merged_into_the_existing_results(tmp_path, root):
    previous = {"startup": {"import_course_utils_seconds": 0.05},
                "notebooks": {"00_start_here": {"status": "ok", "seconds": 50.0,
                                                "peak_mib": 900.0, "figures": {"start.x": 3.0}},
                              "99_removed_lesson": {"status": "ok", "seconds": 1.0,
                                                    "peak_mib": 1.0, "figures": {}}}}
    output = tmp_path / "results.json"
    output.write_text(json.dumps(previous))
    notebook = write_notebook(tmp_path / "05_broken.ipynb", "1 / 0")
    status = run.main([str(notebook), "--output", str(output), "--markdown",
                       str(tmp_path / "BENCHMARKS.md"), "--cap-mib", "0", "--skip-startup"])
    assert status == 1
    merged = json.loads(output.read_text())
    assert set(merged["notebooks"]) == {"00_start_here", "05_broken"}
    assert merged["notebooks"]["05_broken"]["status"] == "failed"
    assert merged["figures"] == {"start.x": 3.0}
    assert merged["startup"] == previous["startup"]
    for key in ("seconds", "peak_mib", "status"):
        assert key in merged["notebooks"]["05_broken"]
    text = (tmp_path / "BENCHMARKS.md").read_text()
    assert "| 05_broken | failed |" in text and "ZeroDivisionError" in text


def test_ratios_are_derived_only_from_figures_that_exist():
    figures = {"cnn.article_accuracy": 0.95, "cnn.course_accuracy": 0.988,
               "rnn.persistence_mae": 1.0, "rnn.course_mae": 0.4,
               "adding.simple_mse": 0.16, "adding.lstm_mse": 0.02, "adding.gru_mse": 0.004,
               "explore.kernel.median_ms": 30.0, "explore.kernel.p95_ms": 80.0,
               "explore.pooling.median_ms": 120.0, "explore.pooling.p95_ms": 150.0}
    derived = report.derive(figures)
    assert derived["cnn.course_over_article_accuracy"] == pytest.approx(0.988 / 0.95)
    assert derived["rnn.course_over_persistence_mae"] == pytest.approx(0.4)
    assert "rnn.course_over_linear_mae" not in derived  # no linear baseline published
    assert derived["adding.best_gated_mse"] == 0.004
    assert derived["adding.simple_over_trivial_mse"] == pytest.approx(0.96)
    assert derived["explore.worst_median_ms"] == 120.0
    assert derived["explore.worst_p95_ms"] == 150.0


@pytest.mark.parametrize(("name", "value", "expected"), [
    ("cnn.course_accuracy", 0.986, "within"), ("cnn.course_accuracy", 0.98, "over"),
    ("rnn.course_over_persistence_mae", 0.6, "over"), ("rnn.course_over_linear_mae", 0.9, "within"),
    ("adding.best_gated_mse", 0.01, "over"), ("adding.simple_over_trivial_mse", 0.5, "over"),
    ("gan.course_conf90", 0.85, "within"), ("gan.course_classes", 9.0, "over"),
    ("explore.kernel.median_ms", 99.0, "within"), ("explore.kernel.p95_ms", 101.0, "over"),
    ("gan.real_frechet", 3.0, ""), ("cnn.course_accuracy", None, ""),
])
def test_each_figure_is_held_to_its_target(name, value, expected):
    assert report.verdict(name, value) == expected


def test_a_notebook_row_names_the_budget_it_breaks():
    entry = {"status": "ok", "seconds": 130.0, "peak_mib": 1600.0,
             "binder": {"status": "survives"}}
    assert report.notebook_verdict(entry) == "over (time, memory)"
    assert report.notebook_verdict({**entry, "seconds": 100.0, "peak_mib": 1000.0}) == "within"
    assert report.notebook_verdict({**entry, "status": "timeout"}) == "TIMEOUT"


def test_published_figures_are_read_back_the_last_value_winning(tmp_path, monkeypatch):
    path = tmp_path / "published.jsonl"
    monkeypatch.setenv(results.RESULTS_FILE_VARIABLE, str(path))
    results.publish("test.one", 1)
    results.publish("test.two", 2.5)
    results.publish("test.one", 3)
    assert results.read(path) == {"test.one": 3.0, "test.two": 2.5}
    assert results.read(tmp_path / "absent.jsonl") == {}
    path.write_text("not json\n")
    with pytest.raises(ValueError, match="line 1"):
        results.read(path)


def test_every_explorer_of_the_package_is_expected_to_publish_its_latency():
    names = run.explorers()
    assert "threshold" in names and "explorer" not in names
    figures = {"explore.threshold.median_ms": 12.0, "explore.threshold.p95_ms": 20.0}
    entry = {"status": "ok", "seconds": 10.0, "peak_mib": 100.0, "figures": figures,
             "error": None, "binder": None}
    text = report.markdown(run.assemble({"00_start_here": entry}, None, 0.0, ["threshold",
                                                                             "kernel"]))
    assert "| `explore.threshold.median_ms` | 12 | <= 100 | within | 00_start_here |" in text
    assert "| `explore.kernel.p95_ms` | - | <= 100 | not measured |  |" in text


@pytest.mark.parametrize("load, verdict", [(0.9, "within the core count"),
                                           (3.5, "above the core count")])
def test_the_report_says_whether_the_machine_was_busy(load, verdict):
    entry = {"status": "ok", "seconds": 10.0, "peak_mib": 100.0, "figures": {},
             "error": None, "binder": None}
    assembled = run.assemble({"00_start_here": entry}, None, load)
    assembled["machine"].update(cpu_count=2, load_start=load, load_end=load)
    text = report.markdown(assembled)
    line = next(line for line in text.splitlines() if line.startswith("- load average"))
    assert verdict in line, line
