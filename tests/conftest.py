"""Shared test settings: quiet TensorFlow, headless matplotlib, the repository root."""

import time
from pathlib import Path
from typing import Any

import matplotlib
import pytest

import course_utils  # noqa: F401  before any test imports TensorFlow: it sets the quiet defaults
from benchmarks import report
from course_utils import explore

# headless plotting in this process only: kernels started by the tests (nbval, JupyterLab)
# inherit the environment and must draw inline figures, as a learner's do
matplotlib.use("Agg")

ROOT = Path(__file__).resolve().parent.parent


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "slow: executes notebooks or trains models (minutes)")


@pytest.fixture
def root() -> Path:
    return ROOT


def assert_within_latency_budget(explorer: explore.Explorer, repeats: int = 1) -> dict[str, Any]:
    """Measure an explorer's latency and hold each update to the benchmark's budget
    (benchmarks.report.EXPLORER_MS); returns explore.measure_latency's figures.

    The budget is held on CPU time per update: the benchmark holds the wall-clock figures to
    it on a quiet machine, and a loaded test machine stretches those but not the work an
    update does (threads count in full, so this errs on the strict side).
    """
    cpu_start = time.process_time()
    timing = explore.measure_latency(explorer, repeats=repeats)
    cpu_ms = (time.process_time() - cpu_start) * 1000 / timing["changes"]
    assert cpu_ms <= report.EXPLORER_MS, (f"{explorer.name}: {cpu_ms:.0f} ms of CPU per update, "
                                          f"over the {report.EXPLORER_MS} ms budget")
    return timing
