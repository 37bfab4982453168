"""Shared test settings: quiet TensorFlow, headless matplotlib, the repository root."""

from pathlib import Path

import matplotlib
import pytest

import course_utils  # noqa: F401  before any test imports TensorFlow: it sets the quiet defaults

# headless plotting in this process only: kernels started by the tests (nbval, JupyterLab)
# inherit the environment and must draw inline figures, as a learner's do
matplotlib.use("Agg")

ROOT = Path(__file__).resolve().parent.parent


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "slow: executes notebooks or trains models (minutes)")


@pytest.fixture
def root() -> Path:
    return ROOT
