"""The learner's environment: reproducible seeds and the pre-flight check (lesson 00).

Run the pre-flight check from a shell with ``python -m course_utils`` (or
``make preflight``), or from a notebook with ``env.preflight()``.
"""

from __future__ import annotations

import dataclasses
import importlib
import os
import platform
import sys
import time
from collections.abc import Callable

__all__ = ["set_seed", "PYTHON_TESTED", "PYTHON_INSTALLABLE", "QUIET_TENSORFLOW",
           "quiet_tensorflow", "quiet_environment", "kernel_environment", "preflight", "Check",
           "run_checks"]

# What a lesson needs, with the version the course is tested with.
_REQUIRED = {
    "tensorflow": "2.21",
    "keras": "3.15",
    "numpy": "2.4",
    "matplotlib": "3.11",
    "ipywidgets": "8.1",
    "jupyterlab": "4.6",
}
# The Python versions every pin of requirements.txt has wheels for, on Linux x86_64, Windows
# x86_64 and macOS arm64 (checked with `pip download --only-binary=:all: --python-version`):
# TensorFlow 2.21 has none for 3.14, numpy 2.4 none for 3.10. The tests run on 3.11 only.
PYTHON_TESTED = (3, 11)
PYTHON_INSTALLABLE = ((3, 11), (3, 12), (3, 13))
_INSTALL_HINT = "run `python course.py lab` (or `pip install -r requirements.txt`) in the course folder"


# TensorFlow's logging defaults: keep errors, hide the C++ INFO/WARNING banner
QUIET_TENSORFLOW = {"TF_CPP_MIN_LOG_LEVEL": "2", "TF_ENABLE_ONEDNN_OPTS": "0"}


def quiet_tensorflow() -> None:
    """Set TensorFlow's logging defaults before it is imported (lesson 00).

    Keeps errors, hides the C++ INFO/WARNING banner. Has no effect once TensorFlow
    is imported, which is why ``import course_utils`` already does this.
    """
    for name, value in QUIET_TENSORFLOW.items():
        os.environ.setdefault(name, value)


def quiet_environment() -> dict[str, str]:
    """This process's environment with TensorFlow's quiet defaults, for a child process."""
    return {**QUIET_TENSORFLOW, **os.environ}


def kernel_environment() -> dict[str, str]:
    """The environment for a kernel that runs a lesson as JupyterLab runs it: quiet_environment()
    without MPLBACKEND (a headless backend set for a server or a test run would hide every
    figure; without it the kernel draws inline)."""
    environment = quiet_environment()
    environment.pop("MPLBACKEND", None)
    return environment


def set_seed(seed: int = 0) -> None:
    """Seed Python, numpy's global generator and TensorFlow, so a notebook repeats (lesson 00).

    Results repeat bit for bit on the same machine and library versions only.
    ``numpy.random.default_rng`` generators are not affected: give them a seed.
    """
    from course_utils import _arrays

    seed = _arrays.seed(seed)
    quiet_tensorflow()
    import keras

    keras.utils.set_random_seed(seed)


@dataclasses.dataclass(frozen=True)
class Check:
    """One line of the pre-flight report."""

    name: str
    ok: bool
    detail: str
    fix: str = ""
    required: bool = True

    def line(self, color: bool = False) -> str:
        mark = "OK  " if self.ok else ("FAIL" if self.required else "WARN")
        if color:
            code = "32" if self.ok else ("31" if self.required else "33")
            mark = f"\033[{code}m{mark}\033[0m"
        text = f"[{mark}] {self.name}: {self.detail}"
        if not self.ok and self.fix:
            text += f"\n       -> {self.fix}"
        return text


def _version_check(package: str, expected: str) -> Check:
    try:
        module = importlib.import_module(package)
    except Exception as error:  # an install can be broken in many ways
        return Check(package, False, f"cannot import ({type(error).__name__}: {error})",
                     f"{package} is missing: {_INSTALL_HINT}")
    version = getattr(module, "__version__", "unknown")
    if not str(version).startswith(expected):
        return Check(package, True, f"{version} (the course is tested with {expected}.x; "
                     "it will probably work)")
    return Check(package, True, str(version))


def _check_python(version: tuple[int, int] | None = None) -> Check:
    version = version or sys.version_info[:2]
    shown = (platform.python_version() if version == sys.version_info[:2]
             else ".".join(map(str, version)))
    if version == PYTHON_TESTED:
        return Check("python", True, shown)
    tested = ".".join(map(str, PYTHON_TESTED))
    if version in PYTHON_INSTALLABLE:
        return Check("python", False, f"{shown} is untested: the pinned packages install on "
                     f"it, but the course is tested on Python {tested} only",
                     f"if a lesson fails, use Python {tested} (or the Binder link in the README)",
                     required=False)
    return Check("python", False, f"{shown}: the pinned packages do not install on it",
                 f"install Python {tested}, then `python course.py lab` (or use the Binder link in the README)")


def _check_widgets() -> Check:
    try:
        import ipywidgets
        import jupyterlab_widgets  # the front-end half; without it widgets print as text
    except ImportError as error:
        return Check("widgets render", False, f"missing {error.name}",
                     f"`pip install ipywidgets=={_REQUIRED['ipywidgets']}.*`, then restart "
                     "JupyterLab and reload the page")
    front = getattr(jupyterlab_widgets, "__version__", "?")
    return Check("widgets render", True,
                 f"ipywidgets {ipywidgets.__version__} with JupyterLab extension {front}")


def _check_memory() -> Check:
    import psutil

    available = psutil.virtual_memory().available / 2**30
    ok = available >= 1.5
    return Check("free memory", ok, f"{available:.1f} GiB available (a lesson needs up to 1.5 GiB)",
                 "close other programs or browser tabs, then run the check again", required=False)


def _check_devices() -> Check:
    import tensorflow as tf

    cores = os.cpu_count() or 1
    gpus = tf.config.list_physical_devices("GPU")
    detail = f"{cores} CPU cores, " + (f"{len(gpus)} GPU(s)" if gpus else "no GPU (not needed)")
    return Check("CPU/GPU", True, detail)


def _check_data() -> list[Check]:
    from course_utils import data

    checks = []
    for name, load in data.LOADERS.items():
        try:
            load()
            checks.append(Check(f"data: {name}", True, "loads offline"))
        except Exception as error:
            checks.append(Check(f"data: {name}", False, f"{type(error).__name__}: {error}",
                                _INSTALL_HINT))
    return checks


def _check_training() -> Check:
    import numpy as np

    quiet_tensorflow()
    import keras

    rng = np.random.default_rng(0)
    x = rng.random((64, 28, 28, 1), dtype=np.float32)
    y = rng.integers(0, 10, size=64)
    model = keras.Sequential([
        keras.Input((28, 28, 1)),
        keras.layers.Conv2D(8, 3, activation="relu"),
        keras.layers.Flatten(),
        keras.layers.Dense(10, activation="softmax"),
    ])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    model.train_on_batch(x, y)  # the first step builds the graph; time the second
    start = time.perf_counter()
    model.train_on_batch(x, y)
    milliseconds = (time.perf_counter() - start) * 1000
    ok = milliseconds < 2000
    return Check("tiny training step", ok, f"{milliseconds:.0f} ms",
                 "training is very slow here: close other programs, or use Binder", required=False)


def run_checks() -> list[Check]:
    """Run every pre-flight check and return the results, in report order."""
    steps: list[Callable[[], Check | list[Check]]] = [_check_python]
    steps += [lambda p=p, v=v: _version_check(p, v) for p, v in _REQUIRED.items()]
    steps += [_check_widgets, _check_devices, _check_memory, _check_data, _check_training]
    results: list[Check] = []
    for step in steps:
        try:
            outcome = step()
        except Exception as error:
            name = getattr(step, "__name__", "check").removeprefix("_check_")
            outcome = Check(name, False, f"{type(error).__name__}: {error}", _INSTALL_HINT)
        results.extend(outcome if isinstance(outcome, list) else [outcome])
    return results


def preflight(color: bool | None = None) -> bool:
    """Print the pre-flight report; return True when everything a lesson needs is there."""
    if color is None:
        color = sys.stdout.isatty()
    start = time.perf_counter()
    print("Pre-flight check for 'CNN, RNN and GAN, by doing'")
    results = []
    for check in run_checks():
        results.append(check)
        print(check.line(color=color))
    ready = all(check.ok for check in results if check.required)
    seconds = time.perf_counter() - start
    verdict = "Ready for the course." if ready else "Not ready: fix the FAIL lines above."
    print(f"{verdict} ({seconds:.1f} s)")
    return ready


if __name__ == "__main__":
    sys.exit(0 if preflight() else 1)
