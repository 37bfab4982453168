"""Shared test settings: quiet TensorFlow, headless matplotlib, the repository root."""

import os
from pathlib import Path

import matplotlib
import pytest

# headless plotting in this process only: kernels started by the tests (nbval, JupyterLab)
# inherit the environment and must draw inline figures, as a learner's do
matplotlib.use("Agg")

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")

ROOT = Path(__file__).resolve().parent.parent


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "slow: executes notebooks or trains models (minutes)")


@pytest.fixture
def root() -> Path:
    return ROOT
