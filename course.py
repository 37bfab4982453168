"""The course's commands, with nothing but Python 3.11: `python course.py help` lists them.

    python course.py lab         install (first time) and open JupyterLab at the start lesson
    python course.py test        the whole test suite, phase by phase, with each phase's time

It works the same on Linux, macOS and Windows (PowerShell: `py -3.11 course.py lab`); the
Makefile's targets are aliases of these commands. It uses only the standard library, so it
runs before anything is installed: `env` creates the virtual environment .venv and installs
the pinned packages into it; every other command runs from that environment.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import re
import shutil
import subprocess
import sys
import time
import xml.etree.ElementTree as ElementTree
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
STAMP_NAME = ".installed"
REQUIREMENTS = ("requirements.txt", "requirements-dev.txt", "requirements-cff.txt",
                "pyproject.toml", "hub/package-lock.json", "tools/devcontainer/package-lock.json",
                "binder/overrides.json")
START_LESSON = "notebooks/00_start_here.ipynb"
ARTIFACTS = ROOT / "test-artifacts"
EXECUTED = ARTIFACTS / "executed"  # lessons as the notebook tests ran them (tests/test_site.py)
# npm packages, each folder with its package-lock.json: the hub's proxy, the dev-container CLI
NPM_FOLDERS = ("hub", "tools/devcontainer")
# TensorFlow's C++ start-up banner stays out of the notebooks; real errors still show.
QUIET = {"TF_CPP_MIN_LOG_LEVEL": "2", "TF_ENABLE_ONEDNN_OPTS": "0",
         "PIP_DISABLE_PIP_VERSION_CHECK": "1"}
# TensorFlow and BLAS on one thread: a verdict must not change with the thread count.
ONE_THREAD = {"TF_NUM_INTRAOP_THREADS": "1", "TF_NUM_INTEROP_THREADS": "1",
              "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
NBVAL = ["--nbval-lax", "--nbval-current-env", "--nbval-sanitize-with", "tests/sanitize.cfg",
         "--nbval-cell-timeout=900"]


class CourseError(Exception):
    """A problem the person at the keyboard can fix; the message says how."""


def say(message: str) -> None:
    print(f">> {message}", flush=True)


# ---------------------------------------------------------------- the virtual environment


def venv_bin(venv: Path = VENV, windows: bool | None = None) -> Path:
    """Where a venv keeps its programs: Scripts\\ on Windows, bin/ elsewhere."""
    windows = os.name == "nt" if windows is None else windows
    return venv / ("Scripts" if windows else "bin")


def venv_program(name: str, venv: Path = VENV, windows: bool | None = None) -> Path:
    windows = os.name == "nt" if windows is None else windows
    return venv_bin(venv, windows) / (f"{name}.exe" if windows else name)


def check_python(version: tuple[int, ...] = tuple(sys.version_info[:3]),
                 executable: str = sys.executable) -> None:
    if tuple(version[:2]) != (3, 11):
        shown = ".".join(str(part) for part in version)
        raise CourseError(
            f"the course needs Python 3.11, and {executable} is Python {shown}. Install Python "
            "3.11 and run this command with it: `python3.11 course.py ...` (Linux, macOS), "
            "`py -3.11 course.py ...` (Windows), or `make ... PYTHON=/path/to/python3.11`")


def requirements_digest(root: Path = ROOT) -> str:
    """What the environment was installed from: it is reinstalled when this changes."""
    digest = hashlib.sha256()
    for name in REQUIREMENTS:
        if (root / name).exists():
            digest.update(name.encode() + b"\0" + (root / name).read_bytes())
    return digest.hexdigest()


def is_installed(venv: Path = VENV, root: Path = ROOT) -> bool:
    stamp = venv / STAMP_NAME
    return (venv_program("python", venv).exists() and stamp.exists()
            and stamp.read_text().strip() == requirements_digest(root))


def run(command: list[str | Path], environment: dict[str, str] | None = None,
        check: bool = True) -> int:
    shown = " ".join(str(part) for part in command)
    print(shown, flush=True)
    done = subprocess.run([str(part) for part in command], cwd=ROOT,
                          env=environment or course_environment())
    if check and done.returncode != 0:
        raise CourseError(f"`{shown}` failed (exit {done.returncode}); its output is above")
    return done.returncode


def course_environment(threads: str | None = None) -> dict[str, str]:
    environment = dict(os.environ)
    for name, value in QUIET.items():
        environment.setdefault(name, value)
    if threads == "1":
        environment.update(ONE_THREAD)
    return environment


def install_extras(python: Path) -> None:
    """Steps after pip: cffconvert in a folder of its own (it needs an old jsonschema), the
    course's JupyterLab settings and the hub's proxy, each when its files are present."""
    if (ROOT / "requirements-cff.txt").exists():
        run([python, "-m", "pip", "install", "--quiet", "--upgrade", "--no-deps",
             "--target", VENV / "cffconvert", "-r", "requirements-cff.txt"])
    if (ROOT / "tools" / "lab_settings.py").exists():
        run([python, "-m", "tools.lab_settings", "install", "--prefix", VENV])
    folders = [folder for folder in NPM_FOLDERS if (ROOT / folder / "package.json").exists()]
    npm = shutil.which("npm")
    if folders and npm is None:
        print("!! npm not found: the classroom hub (python course.py hub) and the dev-container "
              "check need Node.js and npm; the lessons work without them", flush=True)
        return
    for folder in folders:
        run([npm, "ci", "--prefix", ROOT / folder, "--no-audit", "--no-fund"])


def ensure_environment(force: bool = False) -> Path:
    """Create .venv and install the pinned packages once; return the venv's python."""
    python = venv_program("python")
    if is_installed() and not force:
        return python
    check_python()
    say(f"Python: {sys.executable} ({sys.version.split()[0]})")
    if not python.exists():
        say(f"creating the virtual environment {VENV.name}")
        run([sys.executable, "-m", "venv", VENV])
    say(f"installing the pinned requirements into {VENV.name} (the first time takes a few "
        "minutes)")
    run([python, "-m", "pip", "install", "--quiet", "--upgrade", "pip"])
    run([python, "-m", "pip", "install", "--quiet", "-r", "requirements.txt",
         "-r", "requirements-dev.txt"])
    say("installing course_utils (editable)")
    run([python, "-m", "pip", "install", "--quiet", "--no-deps", "-e", "."])
    install_extras(python)
    (VENV / STAMP_NAME).write_text(requirements_digest() + "\n")
    return python


# ---------------------------------------------------------------- the test suite in phases


@dataclass
class Phase:
    name: str
    pytest_args: list[str]
    seconds: float = 0.0
    counts: dict[str, int] = field(default_factory=dict)
    returncode: int | None = None


def test_phases(threads_one: bool = True) -> list[Phase]:
    """The suite, in the order a failure is cheapest to find."""
    later = ["tests/test_browser.py", "tests/test_site.py", "tests/test_solved_notebooks.py",
             "tests/test_hub.py"]
    # one kernel keeps about 1.2 cores busy: two lessons at a time use a 2-core machine fully;
    # the unit tests, many of them single-threaded numpy, gain as much from two processes
    workers = min(2, os.cpu_count() or 1)
    parallel = ["-n", str(workers)] if workers > 1 else []
    unit = ["tests", *[f"--ignore={path}" for path in later if (ROOT / path).exists()]]
    phases = [Phase("unit", [*unit, *parallel])]
    if threads_one:
        # the verdicts that depend on floating-point rounding, once more on one thread
        phases.append(Phase("unit, 1 thread", ["tests/test_exercises.py", "tests/test_models_gan.py",
                                               "tests/test_models_digits.py",
                                               "tests/test_models_forecasters.py",
                                               "tests/test_models_conditional_gan.py",
                                               "tests/test_explore_adversarial.py",
                                               "tests/test_adversarial.py",
                                               "tests/test_quality.py", *parallel]))
    # the notebook run keeps each lesson it executed whole, for the site phase to render
    phases += [Phase("notebooks", ["notebooks", "templates", *NBVAL, *parallel,
                                   *(["--dist", "loadscope"] if parallel else []),
                                   "-p", "tests.executed_notebooks",
                                   f"--save-executed={EXECUTED.relative_to(ROOT)}"]),
               Phase("solved notebooks", ["tests/test_solved_notebooks.py", *parallel])]
    if (ROOT / "tests" / "test_hub.py").exists():
        phases.append(Phase("hub", ["tests/test_hub.py"]))
    phases += [Phase("browser", ["tests/test_browser.py"]),
               Phase("site", ["tests/test_site.py"])]
    return phases


def junit_counts(path: Path) -> dict[str, int]:
    """passed / failed / skipped / errors from a pytest JUnit XML report."""
    if not path.exists():
        return {"passed": 0, "failed": 0, "skipped": 0, "errors": 0}
    suites = ElementTree.parse(path).getroot()
    suites = [suites] if suites.tag == "testsuite" else list(suites)
    total = {"tests": 0, "failures": 0, "skipped": 0, "errors": 0}
    for suite in suites:
        for key in total:
            total[key] += int(suite.get(key, 0))
    return {"passed": total["tests"] - total["failures"] - total["skipped"] - total["errors"],
            "failed": total["failures"], "skipped": total["skipped"], "errors": total["errors"]}


def run_phase(python: Path, phase: Phase, extra: list[str]) -> Phase:
    report = ARTIFACTS / "phases" / (re.sub(r"\W+", "_", phase.name) + ".xml")
    report.parent.mkdir(parents=True, exist_ok=True)
    report.unlink(missing_ok=True)
    if phase.name == "notebooks":
        shutil.rmtree(EXECUTED, ignore_errors=True)  # no lesson from an earlier run
    threads = "1" if phase.name.endswith("1 thread") else None
    say(f"phase {phase.name}: pytest {' '.join(phase.pytest_args)}")
    start = time.perf_counter()
    phase.returncode = run([python, "-m", "pytest", *phase.pytest_args, f"--junitxml={report}",
                            *extra], environment=course_environment(threads), check=False)
    phase.seconds = time.perf_counter() - start
    phase.counts = junit_counts(report)
    return phase


def phase_table(timed: list[tuple[str, float, str]]) -> str:
    width = max(len(name) for name, _, _ in timed)
    rows = [f"{'phase':{width}}  {'time':>9}  result"]
    rows += [f"{name:{width}}  {_minutes(seconds):>9}  {result}" for name, seconds, result in timed]
    rows.append(f"{'total':{width}}  {_minutes(sum(s for _, s, _ in timed)):>9}")
    return "\n".join(rows)


def _minutes(seconds: float) -> str:
    return f"{int(seconds // 60)}:{seconds % 60:04.1f}"


def _counts(counts: dict[str, int]) -> str:
    return ", ".join(f"{value} {key}" for key, value in counts.items() if value) or "no tests"


def command_test(args: argparse.Namespace) -> int:
    start = time.perf_counter()
    python = ensure_environment()
    timed = [("install", time.perf_counter() - start, "ok")]
    start = time.perf_counter()
    lint = lint_command(python)
    timed.append(("lint", time.perf_counter() - start, "ok" if lint == 0 else "failed"))
    phases = [phase for phase in test_phases(threads_one=not args.no_single_thread)
              if not args.phase or phase.name in args.phase]
    for phase in phases:
        run_phase(python, phase, args.pytest_args)
        timed.append((phase.name, phase.seconds, _counts(phase.counts)))
    total = {key: sum(phase.counts.get(key, 0) for phase in phases)
             for key in ("passed", "failed", "skipped", "errors")}
    print("\n" + phase_table(timed), flush=True)
    failed = [phase.name for phase in phases if phase.returncode not in (0, None)]
    if lint != 0:
        failed.insert(0, "lint")
    if failed:
        print(f"!! failed: {', '.join(failed)}")
    # one closing line for the whole suite, in pytest's words
    print(f"{total['passed']} passed, {total['failed'] + total['errors']} failed"
          + (f", {total['skipped']} skipped" if total["skipped"] else ""), flush=True)
    return 1 if failed else 0


def lint_command(python: Path) -> int:
    say("ruff (course_utils, tests, tools, notebooks)")
    paths = [path for path in ("course.py", "course_utils", "tests", "tools", "benchmarks",
                               "notebooks", "templates", "hub") if (ROOT / path).exists()]
    return run([venv_program("ruff"), "check", *paths], check=False)


# ---------------------------------------------------------------- the other commands


def command_env(args: argparse.Namespace) -> int:
    ensure_environment(force=args.force)
    say(f"ready: {VENV.name} has the course's packages")
    return 0


def command_lab(args: argparse.Namespace) -> int:
    python = ensure_environment()
    say(f"starting JupyterLab on http://127.0.0.1:{args.port} (token authentication on; "
        "Ctrl-C stops it)")
    say("open the link with ?token=... that JupyterLab prints below")
    root_flag = ["--allow-root"] if hasattr(os, "geteuid") and os.geteuid() == 0 else []
    try:
        return run([python, "-m", "jupyter", "lab", "--ip=127.0.0.1", f"--port={args.port}",
                    f"--ServerApp.root_dir={ROOT}", *root_flag, START_LESSON], check=False)
    except KeyboardInterrupt:
        return 0


def command_preflight(args: argparse.Namespace) -> int:
    python = ensure_environment()
    say("pre-flight check")
    return run([python, "-m", "course_utils"], check=False)


def command_test_fast(args: argparse.Namespace) -> int:
    python = ensure_environment()
    if lint_command(python) != 0:
        return 1
    say("pytest: unit tests only")
    return run([python, "-m", "pytest", "tests", "-m", "not slow", *args.pytest_args],
               environment=course_environment(args.threads), check=False)


def command_test_notebook(args: argparse.Namespace) -> int:
    python = ensure_environment()
    say(f"nbval on {args.notebook}")
    return run([python, "-m", "pytest", args.notebook, *NBVAL, *args.pytest_args], check=False)


def _module_command(module: str, message: str) -> Callable[[argparse.Namespace], int]:
    def command(args: argparse.Namespace) -> int:
        python = ensure_environment()
        say(message)
        return run([python, "-m", module, *args.arguments], check=False)

    return command


def command_clean_notebooks(args: argparse.Namespace) -> int:
    python = ensure_environment()
    notebooks = sorted(str(path.relative_to(ROOT)) for path in (ROOT / "notebooks").glob("*.ipynb"))
    return run([python, "-m", "tools.nbtools", "clean", *notebooks], check=False)


def command_site(args: argparse.Namespace) -> int:
    python = ensure_environment()
    say("executing every lesson and rendering the static site into _site/ (a few minutes)")
    return run([python, "-m", "tools.build_site", "--out", "_site", *args.arguments], check=False)


COMMANDS: dict[str, tuple[str, Callable[[argparse.Namespace], int]]] = {
    "lab": ("install (first time) and open JupyterLab at the start-here lesson", command_lab),
    "test": ("the whole test suite, phase by phase: lint, unit tests (also on one thread), "
             "every notebook, solved notebooks, browser, site", command_test),
    "test-fast": ("lint and unit tests only (no notebooks)", command_test_fast),
    "test-notebook": ("one lesson's tests: test-notebook notebooks/01_convolution.ipynb",
                      command_test_notebook),
    "preflight": ("check this machine is ready for the course", command_preflight),
    "env": ("create .venv and install the pinned packages (done by every command)", command_env),
    "bench": ("measure every lesson: time, memory, model quality (slow)",
              _module_command("benchmarks.run", "benchmark: every lesson in a fresh kernel, "
                                                "under Binder's 2 GB cap (slow)")),
    "bench-one": ("measure one lesson: bench-one notebooks/05_forecasting.ipynb",
                  _module_command("benchmarks.run", "benchmark of one lesson, merged into "
                                                    "benchmarks/results.json")),
    "spread": ("measure how far each training-based verdict moves between seeds and threads",
               _module_command("benchmarks.spread", "spread of every training-based verdict: "
                                                    "5 seeds, 1 thread and default (slow)")),
    "site": ("execute every lesson and render them as web pages in _site/", command_site),
    "hub": ("serve the course to a room from this machine (JupyterHub)",
            _module_command("hub", "the course's hub for a room (Ctrl-C stops it)")),
    "bench-hub": ("load-test the classroom hub with simulated learners (slow)",
                  _module_command("benchmarks.hub", "load test of a classroom hub on this "
                                                    "machine (loopback only; slow)")),
    "clean-notebooks": ("strip outputs from every notebook (keeps checked outputs)",
                        command_clean_notebooks),
}


def parser() -> argparse.ArgumentParser:
    main = argparse.ArgumentParser(prog="python course.py", description=__doc__.split("\n\n")[0])
    commands = main.add_subparsers(dest="command", metavar="COMMAND")
    commands.add_parser("help", help="list the commands")
    for name, (summary, function) in COMMANDS.items():
        command = commands.add_parser(name, help=summary, description=summary)
        command.set_defaults(function=function)
        if name == "env":
            command.add_argument("--force", action="store_true", help="reinstall even if ready")
        elif name == "lab":
            command.add_argument("--port", type=int, default=8888)
        elif name == "test":
            command.add_argument("--phase", action="append",
                                 help="run only this phase (repeatable): "
                                      + ", ".join(phase.name for phase in test_phases()))
            command.add_argument("--no-single-thread", action="store_true",
                                 help="skip the second, single-thread run of the unit tests")
            command.add_argument("pytest_args", nargs=argparse.REMAINDER,
                                 help="passed on to pytest (after --)")
        elif name == "test-fast":
            command.add_argument("--threads", choices=["1", "default"], default="default",
                                 help="1: TensorFlow and BLAS on one thread")
            command.add_argument("pytest_args", nargs=argparse.REMAINDER)
        elif name == "test-notebook":
            command.add_argument("notebook", help="notebooks/NN_name.ipynb")
            command.add_argument("pytest_args", nargs=argparse.REMAINDER)
        elif name not in ("preflight", "clean-notebooks"):
            command.add_argument("arguments", nargs=argparse.REMAINDER)
    return main


def main(argv: list[str] | None = None) -> int:
    arguments = parser()
    args = arguments.parse_args(argv)
    if args.command in (None, "help"):
        print(f"usage: {arguments.prog} COMMAND\n")
        for name, (summary, _) in COMMANDS.items():
            print(f"  {name:16} {summary}")
        return 0
    for name in ("pytest_args", "arguments"):
        values = getattr(args, name, None)
        if values and values[0] == "--":
            setattr(args, name, values[1:])
    try:
        return args.function(args)
    except CourseError as problem:
        print(f"!! {problem}", file=sys.stderr, flush=True)
        return 1


if __name__ == "__main__":
    sys.exit(main())
