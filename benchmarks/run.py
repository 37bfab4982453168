"""Measure every lesson: run time, memory, Binder fit, model quality, explorer latency.

    python -m benchmarks.run                          every notebook under notebooks/ (make bench)
    python -m benchmarks.run notebooks/03_x.ipynb     some notebooks, merged into the existing
                                                      results (make bench-one NOTEBOOK=...)

Writes benchmarks/results.json (the contract other tools read) and BENCHMARKS.md, and prints
the tables. The exit status is 1 when a notebook did not run to the end.
results.json holds: "notebooks" (one entry per notebook, keyed by its file name without
.ipynb, with "seconds", "peak_mib", "status" and more), "figures" (every figure the notebooks
published, by name, from notebooks that ran to the end), "ratios" (comparisons derived from
them), "explorers" (every explorer in course_utils.explore, each expected to publish its
latency), "startup", "machine", "versions", "date".
"""

from __future__ import annotations

import argparse
import datetime
import importlib.metadata
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import psutil

from benchmarks import measure, report
from course_utils import env

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results.json"
MARKDOWN = ROOT / "BENCHMARKS.md"
_PACKAGES = ("tensorflow", "tensorflow-cpu", "keras", "numpy", "matplotlib", "ipywidgets",
             "ipykernel", "nbclient", "jupyter_client", "psutil", "course_utils")


def machine(load_start: float) -> dict[str, Any]:
    model = platform.processor() or "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {"cpu_model": model, "cpu_count": os.cpu_count(),
            "memory_gib": round(psutil.virtual_memory().total / 2**30, 1),
            "platform": platform.platform(), "load_start": round(load_start, 2),
            "load_end": round(os.getloadavg()[0], 2)}


def versions() -> dict[str, str]:
    found = {"python": platform.python_version()}
    for package in _PACKAGES:
        try:
            found[package] = importlib.metadata.version(package)
        except importlib.metadata.PackageNotFoundError:
            continue
    return found


def _python_seconds(code: str, repeats: int = 3) -> float:
    """Median time a fresh interpreter spends in ``code``, timed inside that interpreter."""
    timed = ("import time\n_start = time.perf_counter()\n" + code +
             "\nprint(time.perf_counter() - _start)")
    times = []
    for _ in range(repeats):
        output = subprocess.run([sys.executable, "-c", timed], capture_output=True, text=True,
                                check=True, cwd=ROOT, env=env.quiet_environment())
        times.append(float(output.stdout.strip().splitlines()[-1]))
    return statistics.median(times)


def _children_cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def startup() -> dict[str, Any]:
    """Import time of course_utils and the wall time of the pre-flight check."""
    timings: dict[str, Any] = {
        "import_course_utils_seconds": round(_python_seconds("import course_utils"), 3),
        "import_lesson_modules_seconds": round(_python_seconds(
            "import course_utils\nfrom course_utils import data, checks, explore"), 3),
    }
    start, cpu_start = time.perf_counter(), _children_cpu_seconds()
    preflight = subprocess.run([sys.executable, "-m", "course_utils"], capture_output=True,
                               text=True, cwd=ROOT, env=env.quiet_environment())
    timings["preflight_seconds"] = round(time.perf_counter() - start, 2)
    timings["preflight_cpu_seconds"] = round(_children_cpu_seconds() - cpu_start, 2)
    timings["preflight_status"] = "ok" if preflight.returncode == 0 else "failed"
    return timings


_LIST_EXPLORERS = """
import importlib, inspect, json, pkgutil
import course_utils.explore as package
from course_utils.explore import Explorer
names = set()
for module in pkgutil.iter_modules(package.__path__):
    if not module.name.startswith("_"):
        loaded = importlib.import_module(f"course_utils.explore.{module.name}")
        names |= {cls.name for _, cls in inspect.getmembers(loaded, inspect.isclass)
                  if issubclass(cls, Explorer) and cls is not Explorer}
print(json.dumps(sorted(names - {Explorer.name})))
"""


def explorers() -> list[str]:
    """The name of every explorer in course_utils.explore: each should publish its latency."""
    listed = subprocess.run([sys.executable, "-c", _LIST_EXPLORERS], capture_output=True,
                            text=True, cwd=ROOT, env=env.quiet_environment())
    if listed.returncode != 0:
        print("!! could not list the explorers:", listed.stderr.strip().splitlines()[-1:])
        return []
    return json.loads(listed.stdout.strip().splitlines()[-1])


def bench_notebook(path: Path, cap_mib: float | None, timeout: int) -> dict[str, Any]:
    """Run under the Binder cap; if the cap kills it, run again uncapped to measure it."""
    entry = measure.run_notebook(path, cap_mib=cap_mib, timeout=timeout)
    if not cap_mib:
        entry["binder"] = None
        return entry
    if entry["status"] == "killed":
        killed_at = entry["killed_at_mib"]
        entry = measure.run_notebook(path, cap_mib=None, timeout=timeout)
        entry["binder"] = {"cap_mib": cap_mib, "status": "killed", "killed_at_mib": killed_at}
    else:
        outcome = "survives" if entry["status"] == "ok" else f"not known ({entry['status']})"
        entry["binder"] = {"cap_mib": cap_mib, "status": outcome}
    return entry


def assemble(notebooks: dict[str, dict[str, Any]], startup_timings: dict[str, Any] | None,
             load_start: float, explorer_names: list[str] | None = None) -> dict[str, Any]:
    """The whole results file from per-notebook entries; figures only from notebooks that ran."""
    figures: dict[str, float] = {}
    for name in sorted(notebooks):
        entry = notebooks[name]
        if entry["status"] != "ok":
            continue
        for figure, value in entry.get("figures", {}).items():
            if figure in figures:
                print(f"!! {figure} is published by more than one notebook; {name} wins")
            figures[figure] = value
    return {
        "date": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": machine(load_start),
        "versions": versions(),
        "budgets": {"notebook_seconds": report.NOTEBOOK_SECONDS,
                    "notebook_peak_mib": report.NOTEBOOK_PEAK_MIB,
                    "binder_cap_mib": report.BINDER_CAP_MIB,
                    "explorer_ms": report.EXPLORER_MS},
        "startup": startup_timings,
        "explorers": explorer_names or [],
        "notebooks": {name: notebooks[name] for name in sorted(notebooks)},
        "figures": dict(sorted(figures.items())),
        "ratios": dict(sorted(report.derive(figures).items())),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("notebooks", nargs="*", type=Path,
                        help="notebooks to measure (default: every notebooks/*.ipynb); "
                             "their entries replace those already in the results file")
    parser.add_argument("--output", type=Path, default=RESULTS)
    parser.add_argument("--markdown", type=Path, default=MARKDOWN)
    parser.add_argument("--cap-mib", type=float, default=report.BINDER_CAP_MIB,
                        help="memory at which the kernel is killed, as on Binder (0: no cap)")
    parser.add_argument("--timeout", type=int, default=measure.CELL_TIMEOUT_SECONDS,
                        help="seconds one cell may run")
    parser.add_argument("--skip-startup", action="store_true",
                        help="do not time the import and the pre-flight check")
    args = parser.parse_args(argv)

    load_start = os.getloadavg()[0]
    merge = bool(args.notebooks)
    paths = args.notebooks or sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    previous: dict[str, Any] = {}
    if merge and args.output.exists():
        previous = json.loads(args.output.read_text())
    for path in paths:
        if not path.exists():
            parser.error(f"no notebook at {path}")

    startup_timings = previous.get("startup")
    if not args.skip_startup and (not merge or not startup_timings):
        print(">> timing `import course_utils` and the pre-flight check", flush=True)
        startup_timings = startup()

    notebooks = {name: entry for name, entry in previous.get("notebooks", {}).items()
                 if (ROOT / "notebooks" / f"{name}.ipynb").exists()}
    for number, path in enumerate(paths, start=1):
        print(f">> [{number}/{len(paths)}] {path}", flush=True)
        entry = bench_notebook(path, args.cap_mib or None, args.timeout)
        notebooks[path.stem] = entry
        print(f"   {entry['status']}: {report._number(entry['seconds_until_stop'])} s, "
              f"{report._number(entry['cpu_seconds'])} CPU s, "
              f"{report._number(entry['peak_mib'])} MiB peak, "
              f"{len(entry['figures'])} figures" +
              (f"; {entry['error']}" if entry["error"] else ""), flush=True)

    results = assemble(notebooks, startup_timings, load_start, explorers())
    if args.output.exists():
        # the classroom hub's load test (python -m benchmarks.hub) is measured on its own:
        # a run of the lessons keeps its figures
        hub = json.loads(args.output.read_text()).get("hub")
        if hub is not None:
            results["hub"] = hub
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(results, indent=1) + "\n")
    text = report.markdown(results)
    args.markdown.write_text(text)
    print()
    print(text)
    print(f"wrote {args.output} and {args.markdown}")
    return 0 if all(notebooks[path.stem]["status"] == "ok" for path in paths) else 1


if __name__ == "__main__":
    sys.exit(main())
