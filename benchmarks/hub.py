"""A room on this machine: the hub's load test, the figures it publishes, the sizing they give.

    python -m benchmarks.hub              run the sweeps (about 20 minutes), then report
    python -m benchmarks.hub --report     rewrite the report from benchmarks/results.json

Two sweeps of hub.loadtest, K = 1, 2, 4, ... learners pressing Run All together: lesson 03
(the heaviest) and lesson 01 (a light one). Results go under "hub" in benchmarks/results.json
(the sweeps, the figures, the sizing), BENCHMARKS.md gets a "A room on one hub" section, and
benchmarks/hub_slowdown.png draws the slowdown curve. Published figures:
hub.learners_within_2x (most learners whose every Run All of lesson 03 took at most twice the
solo time), hub.per_learner_peak_mib (one learner's server + kernel at lesson 03),
hub.login_to_kernel_s (sign-in to a kernel that answers, one learner alone), and more.
"""

from __future__ import annotations

import argparse
import datetime
import json
import math
import os
import sys
from pathlib import Path
from typing import Any

from benchmarks import report
from benchmarks.run import MARKDOWN, RESULTS, machine
from hub import loadtest

ROOT = Path(__file__).resolve().parent.parent
PLOT = ROOT / "benchmarks" / "hub_slowdown.png"
HEAVY = "notebooks/03_cnn_classifier.ipynb"
LIGHT = "notebooks/01_convolution.ipynb"
SLOWDOWN_LIMIT = 2.0
ROOM_SIZES = (10, 30, 100)
HUB_RESERVE_GIB = 2  # the hub, the proxy and the operating system


def _largest(steps: list[dict], rule) -> int:
    """The largest K whose step, and every smaller step, satisfies ``rule``."""
    best = 0
    for step in steps:
        if not rule(step):
            break
        best = step["learners"]
    return best


def figures(heavy: dict[str, Any], light: dict[str, Any], memory_gib: float, cores: int,
            quiet_solo_s: dict[str, float] | None = None) -> dict[str, float]:
    """The published hub.* figures from the two sweeps.

    ``quiet_solo_s``: each lesson's Run All on a quiet machine (the notebook benchmark), for
    the CPU estimate: K learners need K times one learner's CPU seconds, which ``cores``
    deliver within twice the quiet solo time while K <= 2 * cores * solo / CPU seconds.
    That estimate does not depend on what else the machine was doing during the sweep.
    """
    found: dict[str, float] = {}
    for prefix, sweep in (("hub", heavy), ("hub.light", light)):
        steps = sweep["steps"]
        if not steps:
            continue
        found[f"{prefix}.learners_within_2x"] = _largest(steps, lambda step: step["within_2x"])
        found[f"{prefix}.learners_without_failure"] = _largest(
            steps, lambda step: step["failures"] == 0)
        found[f"{prefix}.per_learner_peak_mib"] = max(step["per_learner_peak_mib"] or 0
                                                      for step in steps)
        found[f"{prefix}.login_to_kernel_s"] = steps[0]["login_to_kernel_s"]["median"]
        found[f"{prefix}.login_to_kernel_worst_s"] = max(
            step["login_to_kernel_s"]["max"] or 0 for step in steps)
        found[f"{prefix}.solo_run_all_s"] = sweep["solo_run_all_s"]
        found[f"{prefix}.per_learner_cpu_s"] = steps[0]["per_learner_cpu_s"]
        solo = (quiet_solo_s or {}).get(Path(sweep["lesson"]).stem)
        if solo and found[f"{prefix}.per_learner_cpu_s"]:
            found[f"{prefix}.learners_within_2x_cpu_estimate"] = math.floor(
                2 * cores * solo / found[f"{prefix}.per_learner_cpu_s"])
        # memory alone would hold this many at once (the sweep may have stopped earlier)
        found[f"{prefix}.learners_memory_bound"] = math.floor(
            (memory_gib - HUB_RESERVE_GIB) * 1024 / found[f"{prefix}.per_learner_peak_mib"])
    return found


def sizing(found: dict[str, float], cores: int) -> dict[str, Any]:
    """Cores and memory per learner, and a server for 10, 30, 100 learners, from lesson 03."""
    within = found.get("hub.learners_within_2x") or 1
    cores_per_learner = cores / within  # what kept every Run All within 2x its solo time
    memory_per_learner_gib = math.ceil(found["hub.per_learner_peak_mib"] / 1024 * 4) / 4
    rooms = {}
    for learners in ROOM_SIZES:
        rooms[str(learners)] = {
            "cores": math.ceil(learners * cores_per_learner),
            "memory_gib": math.ceil(learners * memory_per_learner_gib + HUB_RESERVE_GIB)}
    return {"cores_per_learner": round(cores_per_learner, 2),
            "memory_per_learner_gib": memory_per_learner_gib,
            "hub_reserve_gib": HUB_RESERVE_GIB, "rooms": rooms}


def plot(heavy: dict[str, Any], light: dict[str, Any], memory_gib: float, path: Path) -> None:
    """Slowdown and machine memory against the number of learners, both lessons."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, (left, right) = plt.subplots(1, 2, figsize=(11, 4.2))
    for sweep, color in ((heavy, "tab:red"), (light, "tab:blue")):
        steps = [step for step in sweep["steps"] if step["slowdown_max"]]
        name = Path(sweep["lesson"]).stem
        learners = [step["learners"] for step in steps]
        left.plot(learners, [step["slowdown_max"] for step in steps], "o-", color=color,
                  label=f"{name}: slowest learner")
        medians = [step["run_all_s"]["median"] / sweep["solo_run_all_s"] for step in steps]
        left.plot(learners, medians, "o--", color=color, alpha=0.5, label=f"{name}: median")
        right.plot([step["learners"] for step in sweep["steps"]],
                   [step["machine_peak_used_mib"] / 1024 for step in sweep["steps"]], "o-",
                   color=color, label=f"{name}: measured")
        first = sweep["steps"][0]
        per_learner = max(step["per_learner_peak_mib"] for step in sweep["steps"]) / 1024
        reach = [1, 2, 4, 8, 16, 32]
        right.plot(reach, [first["machine_used_before_mib"] / 1024 + learners * per_learner
                           for learners in reach], ":", color=color, alpha=0.6,
                   label=f"{name}: learners x {per_learner:.2f} GiB, all at peak at once")
    left.axhline(SLOWDOWN_LIMIT, color="gray", linestyle=":", label="2x the solo time")
    left.set(xscale="log", xlabel="learners pressing Run All together",
             ylabel="Run All time / solo time", title="Slowdown on a 2-core hub")
    right.axhline(memory_gib, color="gray", linestyle=":", label="the machine's memory")
    right.set(xscale="log", xlabel="learners pressing Run All together",
              ylabel="machine memory in use at peak (GiB)", title="Memory",
              ylim=(0, memory_gib * 1.5))
    for axis in (left, right):
        axis.set_xticks([1, 2, 4, 8, 16, 32], labels=["1", "2", "4", "8", "16", "32"])
        axis.grid(alpha=0.3)
        axis.legend(fontsize=8)
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--report", action="store_true",
                        help="only rewrite BENCHMARKS.md and the plot from results.json")
    parser.add_argument("--heavy-seconds", type=float, default=900)
    parser.add_argument("--light-seconds", type=float, default=420)
    parser.add_argument("--max-learners", type=int, default=32)
    parser.add_argument("--carry-on", type=int, nargs=2, metavar=("SWEEP", "K"),
                        help="carry a stored sweep (0: lesson 03, 1: lesson 01) on from K "
                             "learners, with its solo time as the reference, after it stopped "
                             "for time")
    args = parser.parse_args(argv)
    results = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    if args.carry_on and "hub" in results:
        index, first = args.carry_on
        stored = results["hub"]["sweeps"][index]
        seconds = args.heavy_seconds if index == 0 else args.light_seconds
        more = loadtest.sweep(stored["lesson"], args.max_learners, seconds, tag=f"more{index}",
                              first=first, solo_s=stored["solo_run_all_s"])
        results = json.loads(RESULTS.read_text())
        stored = results["hub"]["sweeps"][index]
        stored["steps"] += more["steps"]
        stored["stopped"] = f"{stored['stopped']}; carried on later from {first} learners: " \
                            f"{more['stopped']}"
        args.report = True
    if not args.report:
        load_start = os.getloadavg()[0]
        heavy = loadtest.sweep(HEAVY, args.max_learners, args.heavy_seconds, tag="heavy")
        light = loadtest.sweep(LIGHT, args.max_learners, args.light_seconds, tag="light")
        results = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
        results["hub"] = {
            "date": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"),
            "machine": machine(load_start), "slowdown_limit": SLOWDOWN_LIMIT,
            "sweeps": [heavy, light]}
    if "hub" not in results:
        print("!! no hub results in benchmarks/results.json: run `python -m benchmarks.hub`")
        return 1
    hub = results["hub"]
    # figures and sizing are always derived again from the sweeps, never edited by hand
    quiet = {name: entry["seconds"] for name, entry in results.get("notebooks", {}).items()
             if entry.get("status") == "ok"}
    hub["figures"] = figures(*hub["sweeps"], hub["machine"]["memory_gib"],
                             hub["machine"]["cpu_count"], quiet)
    hub["sizing"] = sizing(hub["figures"], hub["machine"]["cpu_count"])
    RESULTS.write_text(json.dumps(results, indent=1) + "\n")
    plot(*hub["sweeps"], hub["machine"]["memory_gib"], PLOT)
    MARKDOWN.write_text(report.markdown(results))
    print("\n".join(report.hub_section(results)))
    print(f"wrote {RESULTS}, {MARKDOWN} and {PLOT}")
    return 0 if all(sweep["steps"] for sweep in hub["sweeps"]) else 1


if __name__ == "__main__":
    sys.exit(main())
