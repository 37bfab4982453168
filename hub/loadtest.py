"""A room on one machine: K simulated learners sign in and Run All one lesson at the same moment.

K goes 1, 2, 4, 8, ... Each step signs in K new learners at once, starts their servers, opens
the lesson, waits until every kernel answers, then has them all Run All together (as when the
instructor says "now run it"), and stops their servers. Measured per learner: sign-in to
kernel-ready time, Run All time and its ratio to the K = 1 time, peak memory of their
processes (server + kernel), CPU seconds; per step: the whole machine's peak memory, failures
(a refused sign-in, a missing server, a cell error, a dead kernel, a cell past the deadline).

Bounded and self-stopping, loopback only: the sweep stops after the first step with a failure,
when a step would not fit the time left (the next step is assumed to take twice as long), when
the next step's memory would not fit in what the machine has free (with a reserve), and never
passes ``max_learners``. A watchdog kills the learners' kernels if the machine's free memory
falls under the reserve during a step, so a load test never runs the machine out of memory.

    python -m hub.loadtest notebooks/01_convolution.ipynb --max-learners 4 --seconds 300
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import statistics
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import psutil

from hub.learner import Learner, LearnerError
from hub.server import Hub

MIB = 2**20
SAMPLE_SECONDS = 0.5
RESERVE_MIB = 3072  # free memory never to touch: the hub, the OS, other work on the machine


class StartTogether:
    """Hold each ready learner until every learner is ready or has failed, then let all go.

    Unlike threading.Barrier, a learner that fails before the start does not break it for the
    others: it only stops being waited for.
    """

    def __init__(self, learners: int):
        self.waiting = learners
        self._condition = threading.Condition()

    def arrive(self) -> None:
        with self._condition:
            self.waiting -= 1
            self._condition.notify_all()

    def wait(self, timeout: float) -> None:
        self.arrive()
        with self._condition:
            self._condition.wait_for(lambda: self.waiting <= 0, timeout=timeout)


class RoomWatch:
    """Peak memory and CPU time of each learner's processes, and of the whole machine.

    A learner's processes are those whose environment names them (JUPYTERHUB_USER, set by the
    hub in their server and inherited by its kernels). Kills every learner's kernel if free
    memory falls under ``reserve_mib``, and says so in ``memory_abort``.
    """

    def __init__(self, names: set[str], reserve_mib: float = RESERVE_MIB):
        self.names = names
        self.reserve = reserve_mib * MIB
        self.owner: dict[tuple[int, float], str | None] = {}
        self.peak: dict[str, int] = dict.fromkeys(names, 0)
        self.cpu: dict[tuple[int, float], float] = {}
        self.cpu_owner: dict[tuple[int, float], str] = {}
        memory = psutil.virtual_memory()
        self.baseline_used = memory.total - memory.available
        self.machine_peak_used = self.baseline_used
        self.memory_abort: str | None = None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _learner(self, process: psutil.Process) -> str | None:
        key = (process.pid, process.info["create_time"])
        if key not in self.owner:
            try:
                self.owner[key] = process.environ().get("JUPYTERHUB_USER")
            except (psutil.NoSuchProcess, psutil.AccessDenied):
                self.owner[key] = None
        name = self.owner[key]
        return name if name in self.names else None

    def sample(self) -> None:
        now: dict[str, int] = dict.fromkeys(self.names, 0)
        kernels = []
        for process in psutil.process_iter(["create_time", "memory_info", "cpu_times"]):
            name = self._learner(process)
            if name is None or process.info["memory_info"] is None:
                continue
            now[name] += process.info["memory_info"].rss
            key = (process.pid, process.info["create_time"])
            times = process.info["cpu_times"]
            self.cpu[key] = times.user + times.system + times.children_user + \
                times.children_system
            self.cpu_owner[key] = name
            kernels.append(process)
        for name, rss in now.items():
            self.peak[name] = max(self.peak[name], rss)
        memory = psutil.virtual_memory()
        self.machine_peak_used = max(self.machine_peak_used, memory.total - memory.available)
        if memory.available < self.reserve and self.memory_abort is None:
            self.memory_abort = (f"free memory fell to {memory.available / MIB:.0f} MiB: the "
                                 "load test killed the learners' kernels")
            for process in kernels:
                if "ipykernel" in " ".join(process.cmdline()):
                    process.kill()

    def cpu_seconds(self, name: str) -> float:
        return sum(value for key, value in self.cpu.items() if self.cpu_owner[key] == name)

    def _run(self) -> None:
        while not self._stop.wait(SAMPLE_SECONDS):
            try:
                self.sample()
            except psutil.Error:
                continue

    def __enter__(self) -> RoomWatch:
        self._thread.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self._stop.set()
        self._thread.join()


def _learner_run(hub: Hub, name: str, lesson: str, start_together: StartTogether,
                 deadline: float, record: dict[str, Any]) -> None:
    """One learner's whole visit; fills ``record``; always arrives at the start once."""
    learner = Learner(hub.url, name, secrets.token_hex(8))
    arrived = False
    kernel = None
    try:
        start = time.monotonic()
        if not learner.sign_in(hub.room_password):
            raise LearnerError("sign-in refused")
        learner.start_server(timeout=max(10, deadline - time.monotonic()))
        kernel = learner.open_lesson(lesson)
        kernel.wait_ready(timeout=max(10, deadline - time.monotonic()))
        record["login_to_kernel_s"] = round(time.monotonic() - start, 2)
        arrived = True
        start_together.wait(timeout=max(1, deadline - time.monotonic()))
        result = kernel.run_all(cell_timeout=max(1, deadline - time.monotonic()))
        record.update(run_all_s=round(result.seconds, 2), cells=result.cells,
                      kernel_died=result.kernel_died)
        if result.kernel_died:
            record["failure"] = "kernel died"
        elif result.errors:
            record["failure"] = "cell errors: " + ", ".join(result.errors[:3])
    except (LearnerError, OSError, ValueError) as error:
        record["failure"] = f"{type(error).__name__}: {error}"[:300]
        if not arrived:
            start_together.arrive()  # the others start without this learner
    finally:
        if kernel is not None:
            kernel.close()
        try:  # give the machine back before the next step
            learner.session.delete(f"{hub.url}/hub/api/users/{name}/server",
                                   headers=learner._xsrf_headers(), timeout=60)
        except OSError:
            pass


def run_step(hub: Hub, lesson: str, learners: int, deadline: float, tag: str) -> dict[str, Any]:
    """K learners at once; their records and the step's summary."""
    names = [f"{tag}-k{learners}-{index}" for index in range(learners)]
    records = {name: {"name": name} for name in names}
    start_together = StartTogether(learners)
    load_start = os.getloadavg()[0]
    began = time.monotonic()
    with RoomWatch(set(names)) as watch:
        threads = [threading.Thread(target=_learner_run, daemon=True,
                                    args=(hub, name, lesson, start_together, deadline,
                                          records[name])) for name in names]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=max(1, deadline - time.monotonic()) + 120)
        time.sleep(2 * SAMPLE_SECONDS)  # the servers' last moments are in the peaks too
    for name in names:
        records[name]["peak_mib"] = round(watch.peak[name] / MIB, 1)
        records[name]["cpu_s"] = round(watch.cpu_seconds(name), 1)
        if watch.memory_abort and "failure" not in records[name]:
            records[name]["failure"] = watch.memory_abort
        if "run_all_s" not in records[name] and "failure" not in records[name]:
            records[name]["failure"] = "did not finish before the deadline"
    learners_list = list(records.values())
    done = [record["run_all_s"] for record in learners_list
            if "run_all_s" in record and "failure" not in record]
    ready = [record["login_to_kernel_s"] for record in learners_list
             if "login_to_kernel_s" in record]
    return {
        "learners": learners,
        "wall_s": round(time.monotonic() - began, 1),
        "login_to_kernel_s": {"median": _median(ready), "max": max(ready, default=None)},
        "run_all_s": {"median": _median(done), "max": max(done, default=None)},
        "per_learner_peak_mib": max((record["peak_mib"] for record in learners_list),
                                    default=None),
        "per_learner_cpu_s": _median([record["cpu_s"] for record in learners_list]),
        "machine_peak_used_mib": round(watch.machine_peak_used / MIB),
        "machine_used_before_mib": round(watch.baseline_used / MIB),
        "failures": sum("failure" in record for record in learners_list),
        "load_start": round(load_start, 2), "load_end": round(os.getloadavg()[0], 2),
        "records": learners_list,
    }


def _median(values: list[float]) -> float | None:
    return round(statistics.median(values), 2) if values else None


def sweep(lesson: str, max_learners: int = 64, seconds: float = 900,
          data: Path | None = None, tag: str = "l", first: int = 1,
          solo_s: float | None = None) -> dict[str, Any]:
    """Steps K = first, 2 first, 4 first, ... on one hub until a stop rule.

    Slowdowns are against ``solo_s`` if given (a K = 1 step of an earlier sweep, to carry a
    sweep on), else against this sweep's first step.
    """
    sweep_deadline = time.monotonic() + seconds
    steps: list[dict[str, Any]] = []
    stopped = f"reached {max_learners} learners, the most this run allows"
    with tempfile.TemporaryDirectory(prefix="course-hub-load-") as scratch:
        with Hub(Path(data or scratch) / "hub", secrets.token_urlsafe(12)) as hub:
            learners = first
            while learners <= max_learners:
                print(f">> {lesson}: {learners} learner(s)", flush=True)
                step = run_step(hub, lesson, learners, sweep_deadline, tag)
                solo = solo_s or (steps[0] if steps else step)["run_all_s"]["median"]
                for record in step["records"]:
                    if "run_all_s" in record and solo:
                        record["slowdown"] = round(record["run_all_s"] / solo, 2)
                slowdowns = [record.get("slowdown") for record in step["records"]]
                step["slowdown_max"] = max((value for value in slowdowns if value),
                                           default=None)
                step["within_2x"] = (step["failures"] == 0 and None not in slowdowns
                                     and max(slowdowns) <= 2.0)
                steps.append(step)
                print(f"   login->kernel {step['login_to_kernel_s']}, Run All "
                      f"{step['run_all_s']}, slowdown {step['slowdown_max']}, peak "
                      f"{step['per_learner_peak_mib']} MiB/learner, machine "
                      f"{step['machine_peak_used_mib']} MiB, failures {step['failures']}, "
                      f"{step['wall_s']} s", flush=True)
                if step["failures"]:
                    stopped = f"{step['failures']} failure(s) at {learners} learners"
                    break
                if time.monotonic() + 2 * step["wall_s"] > sweep_deadline:
                    stopped = (f"the next step ({2 * learners} learners) would not fit the "
                               f"{seconds:.0f} s this sweep may take")
                    break
                per_learner = step["per_learner_peak_mib"] or 0
                needed = 2 * learners * per_learner + RESERVE_MIB
                free = psutil.virtual_memory().available / MIB
                if needed > free:
                    stopped = (f"the next step ({2 * learners} learners) would need about "
                               f"{needed:.0f} MiB free, the machine has {free:.0f}")
                    break
                learners *= 2
            survivors = hub
    return {"lesson": lesson, "steps": steps, "stopped": stopped,
            "solo_run_all_s": solo_s or (steps[0]["run_all_s"]["median"] if steps else None),
            "processes_left": survivors.survivors}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("lesson", help="notebook path, e.g. notebooks/03_cnn_classifier.ipynb")
    parser.add_argument("--max-learners", type=int, default=64)
    parser.add_argument("--seconds", type=float, default=900, help="the sweep's time bound")
    parser.add_argument("--output", type=Path, help="write the sweep as JSON here")
    args = parser.parse_args(argv)
    result = sweep(args.lesson, args.max_learners, args.seconds)
    print(f">> stopped: {result['stopped']}")
    if args.output:
        args.output.write_text(json.dumps(result, indent=1))
    return 0 if result["steps"] and not result["processes_left"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
