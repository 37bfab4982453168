"""set_seed and the pre-flight check."""

import subprocess
import sys

import numpy as np
import pytest

from course_utils import env


def test_set_seed_repeats_numpy_and_keras():
    import keras

    env.set_seed(7)
    first = (np.random.rand(3), keras.random.uniform((3,)).numpy())
    env.set_seed(7)
    second = (np.random.rand(3), keras.random.uniform((3,)).numpy())
    assert np.array_equal(first[0], second[0]) and np.array_equal(first[1], second[1])


@pytest.mark.parametrize("seed", [-1, 1.5, "0", True])
def test_set_seed_rejects_bad_seeds(seed):
    with pytest.raises(ValueError, match="non-negative int"):
        env.set_seed(seed)


def test_check_lines_say_what_to_do():
    line = env.Check("ipywidgets", False, "cannot import", "pip install ipywidgets").line()
    assert line.startswith("[FAIL] ipywidgets") and "-> pip install ipywidgets" in line
    assert env.Check("free memory", False, "0.5 GiB", "close programs", required=False
                     ).line().startswith("[WARN]")


def _preflight(prelude: str = "") -> subprocess.CompletedProcess:
    code = f"{prelude}\nimport sys\nfrom course_utils import env\nsys.exit(0 if env.preflight() else 1)"
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120)


@pytest.mark.slow
def test_preflight_command_passes_here():
    result = subprocess.run([sys.executable, "-m", "course_utils"], capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Ready for the course." in result.stdout
    for name in ("python", "tensorflow", "keras", "ipywidgets", "jupyterlab", "widgets render",
                 "CPU/GPU", "free memory", "data: MNIST digits", "tiny training step"):
        assert f"] {name}" in result.stdout, f"no line for {name}"


@pytest.mark.slow
def test_preflight_fails_readably_without_ipywidgets():
    result = _preflight("import sys; sys.modules['ipywidgets'] = None")
    assert result.returncode == 1
    assert "[FAIL] ipywidgets: cannot import" in result.stdout
    assert "[FAIL] widgets render: missing ipywidgets" in result.stdout
    assert "pip install ipywidgets" in result.stdout
    assert "Not ready: fix the FAIL lines above." in result.stdout
    assert "Traceback" not in result.stdout + result.stderr

