"""Run one notebook in a fresh kernel, as a learner would, and measure it.

Wall time runs from the kernel's start to the reply of the last cell (what "Restart Kernel
and Run All Cells" costs a learner). Memory is the resident set of the kernel process and
its children, sampled every 20 ms with psutil, combined with the kernel's own high-water
mark (VmHWM in /proc/<pid>/status, kept by the operating system, so a spike between two
samples is not missed). With a cap, the same watch kills the kernel and its children as
soon as that memory passes the cap: the notebook dies mid-cell, as it would on Binder.
"""

from __future__ import annotations

import os
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import nbformat
import psutil
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

from course_utils import env, results

MIB = 2**20
SAMPLE_SECONDS = 0.02
CHILDREN_SCAN_SECONDS = 0.5
CELL_TIMEOUT_SECONDS = 900


def _status_bytes(pid: int) -> dict[str, int]:
    """VmRSS and VmHWM of a process, in bytes, from /proc/<pid>/status (Linux)."""
    found = {}
    with open(f"/proc/{pid}/status", encoding="ascii", errors="replace") as file:
        for line in file:
            key, _, rest = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                found[key] = int(rest.split()[0]) * 1024
    return found


class MemoryWatch:
    """Track the peak memory and CPU time of a process tree; kill it above ``cap_mib``."""

    def __init__(self, pid: int, cap_mib: float | None = None,
                 interval: float = SAMPLE_SECONDS) -> None:
        self.process = psutil.Process(pid)
        self.cap_bytes = None if not cap_mib else int(cap_mib * MIB)
        self.interval = interval
        self.peak_sampled = 0  # kernel + children, summed at the same instant
        self.peak_kernel_hwm = 0  # the kernel's own high-water mark, from the OS
        self.cpu_seconds = 0.0
        self.samples = 0
        self.killed_at_mib: float | None = None
        self._children: list[psutil.Process] = []
        self._last_scan = 0.0
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)

    @property
    def peak_mib(self) -> float:
        return max(self.peak_sampled, self.peak_kernel_hwm) / MIB

    @property
    def killed(self) -> bool:
        return self.killed_at_mib is not None

    def start(self) -> MemoryWatch:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()

    def _loop(self) -> None:
        while not self._stop.is_set():
            self.sample()
            self._stop.wait(self.interval)

    def sample(self) -> None:
        """Take one reading (also called by the runner after every cell)."""
        with self._lock:
            now = time.monotonic()
            try:
                if now - self._last_scan > CHILDREN_SCAN_SECONDS:
                    self._children = self.process.children(recursive=True)
                    self._last_scan = now
                kernel = _status_bytes(self.process.pid)
                times = self.process.cpu_times()
            except (psutil.Error, OSError):
                return  # the kernel has exited
            total = kernel.get("VmRSS", 0)
            cpu = times.user + times.system + times.children_user + times.children_system
            for child in self._children:
                try:
                    total += child.memory_info().rss
                    child_times = child.cpu_times()
                    cpu += child_times.user + child_times.system
                except psutil.Error:
                    continue
            self.samples += 1
            self.cpu_seconds = max(self.cpu_seconds, cpu)
            self.peak_sampled = max(self.peak_sampled, total)
            self.peak_kernel_hwm = max(self.peak_kernel_hwm, kernel.get("VmHWM", 0))
            if self.cap_bytes and not self.killed and \
                    max(total, self.peak_kernel_hwm) > self.cap_bytes:
                self.killed_at_mib = max(total, self.peak_kernel_hwm) / MIB
                self._kill()

    def _kill(self) -> None:
        for process in [*self._children, self.process]:
            try:
                process.kill()
            except psutil.Error:
                pass  # already gone: that is the goal


def kernel_environment(results_file: Path) -> dict[str, str]:
    """The environment a learner's kernel gets, plus the file published figures go to."""
    environment = env.kernel_environment()
    environment[results.RESULTS_FILE_VARIABLE] = str(results_file)
    return environment


def run_notebook(path: str | os.PathLike, cap_mib: float | None = None,
                 timeout: int = CELL_TIMEOUT_SECONDS) -> dict[str, Any]:
    """Execute the notebook at ``path`` in a fresh python3 kernel and measure it.

    Returns a dict with
      status: "ok"; "failed" (a cell raised), "killed" (the memory cap killed the kernel),
        "died" (the kernel died otherwise) or "timeout";
      seconds: wall time, None unless ok; seconds_until_stop: the same for any status;
      peak_mib: the larger of peak_sampled_mib (kernel and children, summed at each sample)
        and kernel_hwm_mib (the kernel's high-water mark);
      cpu_seconds: user + system time of the kernel and its children;
      kernel_start_seconds (included in seconds), cap_mib, killed_at_mib;
      slowest_cells: the three longest code cells (index, seconds, first line);
      figures: name -> value, as published by the notebook; error; kernel_python.
    """
    path = Path(path)
    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(notebook, timeout=timeout, kernel_name="python3",
                            resources={"metadata": {"path": str(path.resolve().parent)}})
    watch: MemoryWatch | None = None
    kernel_python = None
    kernel_ready = None
    last_reply = None

    def on_start(**_: Any) -> None:
        nonlocal watch, kernel_python, kernel_ready
        kernel_ready = time.perf_counter()
        pid = client.km.provisioner.pid
        kernel_python = psutil.Process(pid).cmdline()[0]
        watch = MemoryWatch(pid, cap_mib).start()

    cell_started: dict[int, float] = {}
    cell_seconds: list[tuple[float, int, str]] = []

    def on_execute(cell_index: int, **_: Any) -> None:
        cell_started[cell_index] = time.perf_counter()

    def on_executed(cell: Any, cell_index: int, **_: Any) -> None:
        nonlocal last_reply
        last_reply = time.perf_counter()
        first_line = next((line for line in cell.source.splitlines() if line.strip()), "")
        cell_seconds.append((last_reply - cell_started.get(cell_index, last_reply), cell_index,
                             first_line[:60].replace("`", "'")))
        if watch is not None:
            watch.sample()

    client.on_notebook_start = on_start
    client.on_cell_execute = on_execute
    client.on_cell_executed = on_executed
    status, error = "ok", None
    with tempfile.TemporaryDirectory(prefix="course-bench-") as folder:
        results_file = Path(folder) / "published.jsonl"
        start = time.perf_counter()
        try:
            client.execute(env=kernel_environment(results_file))
        except CellTimeoutError as exception:
            status, error = "timeout", _first_line(exception)
        except CellExecutionError as exception:
            status, error = "failed", _cell_error(exception)
        except DeadKernelError:
            status, error = "died", "the kernel died"
        except Exception as exception:  # a broken notebook file or kernel start
            status, error = "failed", f"{type(exception).__name__}: {_first_line(exception)}"
        stop = time.perf_counter()
        if watch is not None:
            watch.stop()
        figures = results.read(results_file)
    if watch is not None and watch.killed:
        status = "killed"  # whatever nbclient reported while the kernel went down
        error = f"the kernel was killed at {watch.killed_at_mib:.0f} MiB (cap {cap_mib:.0f} MiB)"
    until = (last_reply if status == "ok" and last_reply else stop) - start
    return {
        "status": status,
        "seconds": round(until, 2) if status == "ok" else None,
        "seconds_until_stop": round(until, 2),
        "peak_mib": round(watch.peak_mib, 1) if watch else None,
        "peak_sampled_mib": round(watch.peak_sampled / MIB, 1) if watch else None,
        "kernel_hwm_mib": round(watch.peak_kernel_hwm / MIB, 1) if watch else None,
        "cpu_seconds": round(watch.cpu_seconds, 2) if watch else None,
        "kernel_start_seconds": round(kernel_ready - start, 2) if kernel_ready else None,
        "cap_mib": cap_mib,
        "killed_at_mib": round(watch.killed_at_mib, 1) if watch and watch.killed else None,
        "slowest_cells": [{"cell": index, "seconds": round(seconds, 2), "first_line": line}
                          for seconds, index, line in sorted(cell_seconds, reverse=True)[:3]],
        "figures": figures,
        "error": error,
        "kernel_python": kernel_python,
    }


def _first_line(exception: BaseException) -> str:
    text = str(exception).strip()
    return text.splitlines()[0] if text else type(exception).__name__


def _cell_error(exception: CellExecutionError) -> str:
    """'ValueError: boom' from nbclient's long report of a failed cell."""
    name = getattr(exception, "ename", None)
    value = getattr(exception, "evalue", None)
    if name:
        return f"{name}: {value}"
    return _first_line(exception)
