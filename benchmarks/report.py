"""The budgets every measured figure is held to, the ratios derived from them, and the report.

Budgets come from the course's promises: a lesson runs in 2 minutes and 1.5 GB on a 2-core
laptop and survives Binder's 2 GB, an explorer answers within 100 ms, and each model reaches
the quality its lesson states.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

NOTEBOOK_SECONDS = 120
NOTEBOOK_PEAK_MIB = 1536  # 1.5 GiB
BINDER_CAP_MIB = 2048
EXPLORER_MS = 100
TRIVIAL_ADDING_MSE = 1 / 6  # always answering 1.0, the mean of a sum of two uniform numbers

# Names other tools read from results.json: add freely, rename none.
CONTRACT = (
    "cnn.article_accuracy", "cnn.course_accuracy",
    "rnn.persistence_mae", "rnn.linear_mae", "rnn.article_mae", "rnn.course_mae",
    "adding.simple_mse", "adding.lstm_mse", "adding.gru_mse",
    "gan.article_conf90", "gan.article_classes", "gan.course_conf90", "gan.course_classes",
    "gan.real_frechet", "gan.article_frechet", "gan.course_frechet",
    "gan.unconditional_conf90", "gan.unconditional_classes", "gan.unconditional_frechet",
    "augment.baseline_accuracy", "augment.gan_accuracy",
)

# Comparisons measured in the same run: ratio name -> (numerator, denominator).
RATIOS = {
    "cnn.course_over_article_accuracy": ("cnn.course_accuracy", "cnn.article_accuracy"),
    # per epoch over the same 4,000 digits: the two CNNs train for different numbers of epochs
    "cnn.course_over_article_epoch_seconds": ("cnn.course_epoch_seconds",
                                              "cnn.article_epoch_seconds"),
    "rnn.article_over_persistence_mae": ("rnn.article_mae", "rnn.persistence_mae"),
    "rnn.linear_over_persistence_mae": ("rnn.linear_mae", "rnn.persistence_mae"),
    "rnn.course_over_persistence_mae": ("rnn.course_mae", "rnn.persistence_mae"),
    "rnn.course_over_linear_mae": ("rnn.course_mae", "rnn.linear_mae"),
    "rnn.course_over_article_mae": ("rnn.course_mae", "rnn.article_mae"),
    "adding.lstm_over_simple_mse": ("adding.lstm_mse", "adding.simple_mse"),
    "adding.gru_over_simple_mse": ("adding.gru_mse", "adding.simple_mse"),
    "gan.course_over_article_conf90": ("gan.course_conf90", "gan.article_conf90"),
    "gan.course_over_article_classes": ("gan.course_classes", "gan.article_classes"),
    "gan.course_over_article_frechet": ("gan.course_frechet", "gan.article_frechet"),
    "gan.article_over_real_frechet": ("gan.article_frechet", "gan.real_frechet"),
    "gan.unconditional_over_article_conf90": ("gan.unconditional_conf90", "gan.article_conf90"),
    "gan.unconditional_over_article_classes": ("gan.unconditional_classes", "gan.article_classes"),
    "gan.unconditional_over_article_frechet": ("gan.unconditional_frechet", "gan.article_frechet"),
    "gan.course_over_real_frechet": ("gan.course_frechet", "gan.real_frechet"),
    "augment.gan_over_baseline_accuracy": ("augment.gan_accuracy", "augment.baseline_accuracy"),
}

_EXPLORER = re.compile(r"^explore\.([a-z0-9_]+)\.(median_ms|p95_ms)$")


def _at_least(limit: float) -> tuple[str, Callable[[float], bool]]:
    return f">= {limit:g}", lambda value: value >= limit


def _at_most(limit: float) -> tuple[str, Callable[[float], bool]]:
    return f"<= {limit:g}", lambda value: value <= limit


# Quality targets the lesson issues name: figure -> (text, test).
TARGETS: dict[str, tuple[str, Callable[[float], bool]]] = {
    "cnn.course_accuracy": _at_least(0.985),
    "rnn.course_over_persistence_mae": _at_most(0.5),
    "rnn.course_over_linear_mae": _at_most(1.0),
    "adding.best_gated_mse": ("< 0.01", lambda value: value < 0.01),
    "adding.simple_over_trivial_mse": ("0.75 to 1.25 (SimpleRNN stays near 0.167)",
                                       lambda value: 0.75 <= value <= 1.25),
    "gan.course_conf90": _at_least(0.85),
    "gan.course_classes": _at_least(9.5),
    "explore.worst_median_ms": _at_most(EXPLORER_MS),
    "explore.worst_p95_ms": _at_most(EXPLORER_MS),
}


def target(name: str) -> tuple[str, Callable[[float], bool]] | None:
    """The budget or quality target a figure is held to, or None if it is only reported."""
    if _EXPLORER.match(name):
        return _at_most(EXPLORER_MS)
    return TARGETS.get(name)


def derive(figures: dict[str, float]) -> dict[str, float]:
    """Ratios and summaries computed from published figures (only those that can be)."""
    derived = {}
    for name, (numerator, denominator) in RATIOS.items():
        if numerator in figures and figures.get(denominator):
            derived[name] = figures[numerator] / figures[denominator]
    gated = [figures[name] for name in ("adding.lstm_mse", "adding.gru_mse") if name in figures]
    if gated:
        derived["adding.best_gated_mse"] = min(gated)
    if "adding.simple_mse" in figures:
        derived["adding.simple_over_trivial_mse"] = figures["adding.simple_mse"] / \
            TRIVIAL_ADDING_MSE
    for kind in ("median_ms", "p95_ms"):
        values = [value for name, value in figures.items()
                  if (match := _EXPLORER.match(name)) and match.group(2) == kind]
        if values:
            derived[f"explore.worst_{kind}"] = max(values)
    return derived


def verdict(name: str, value: float | None) -> str:
    """'within', 'over', or '' when the figure has no target (or was not measured)."""
    rule = target(name)
    if rule is None or value is None:
        return ""
    return "within" if rule[1](value) else "over"


def notebook_verdict(entry: dict[str, Any]) -> str:
    """One word for a notebook row: within, over (which budget), or its failure."""
    if entry["status"] != "ok":
        return entry["status"].upper()
    over = []
    if entry["seconds"] > NOTEBOOK_SECONDS:
        over.append("time")
    if entry["peak_mib"] is not None and entry["peak_mib"] > NOTEBOOK_PEAK_MIB:
        over.append("memory")
    if (entry.get("binder") or {}).get("status") == "killed":
        over.append("Binder")
    return "within" if not over else "over (" + ", ".join(over) + ")"


def _number(value: float | None) -> str:
    if value is None:
        return "-"
    if value == int(value) and abs(value) < 1e6:
        return f"{int(value)}"
    return f"{value:.4g}"


def _binder(entry: dict[str, Any]) -> str:
    binder = entry.get("binder")
    if not binder:
        return "not checked"
    if binder["status"] == "killed":
        return f"**killed** at {binder['killed_at_mib']:.0f} MiB"
    return binder["status"]


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    return lines + ["| " + " | ".join(row) + " |" for row in rows]


def notebook_table(results: dict[str, Any]) -> list[str]:
    rows = []
    for name, entry in sorted(results["notebooks"].items()):
        rows.append([name, entry["status"], _number(entry["seconds"]),
                     _number(entry.get("cpu_seconds")), _number(entry["peak_mib"]),
                     _binder(entry), notebook_verdict(entry)])
    return _table(["notebook", "status", f"seconds (<= {NOTEBOOK_SECONDS})", "CPU seconds",
                   f"peak MiB (<= {NOTEBOOK_PEAK_MIB})", f"Binder {BINDER_CAP_MIB} MiB cap",
                   "verdict"], rows)


def figure_table(results: dict[str, Any]) -> list[str]:
    figures, ratios = results["figures"], results["ratios"]
    source = {figure: notebook for notebook, entry in results["notebooks"].items()
              for figure in entry.get("figures", {})}
    expected = list(CONTRACT) + [f"explore.{explorer}.{kind}"
                                 for explorer in results.get("explorers", [])
                                 for kind in ("median_ms", "p95_ms")]
    names = expected + sorted(set(figures) - set(expected))
    rows = []
    for name in names:
        value = figures.get(name)
        rule = target(name)
        missing = "not measured"
        if value is None and name in source:
            missing += f" ({results['notebooks'][source[name]]['status']})"
        rows.append([f"`{name}`", _number(value), rule[0] if rule else "-",
                     verdict(name, value) or (missing if value is None else ""),
                     source.get(name, "")])
    derived_targets = {name for name in TARGETS if name not in CONTRACT}
    for name in sorted(set(RATIOS) | set(ratios) | derived_targets):
        value = ratios.get(name)
        rule = target(name)
        if value is None and rule is None:
            continue
        rows.append([f"`{name}`", _number(value), rule[0] if rule else "-",
                     verdict(name, value) or ("not measured" if value is None else ""),
                     "derived"])
    return _table(["figure", "value", "target", "verdict", "from"], rows)


def startup_table(results: dict[str, Any]) -> list[str]:
    startup = results.get("startup") or {}
    status = startup.get("preflight_status", "not run")
    steps = [
        ("`import course_utils` (fresh interpreter)", "import_course_utils_seconds", None),
        ("`from course_utils import data, checks, explore`", "import_lesson_modules_seconds",
         None),
        (f"pre-flight check, `python -m course_utils` ({status})", "preflight_seconds",
         "preflight_cpu_seconds"),
    ]
    rows = [[label, _number(startup.get(wall)), _number(startup.get(cpu)) if cpu else "-"]
            for label, wall, cpu in steps]
    return _table(["step", "seconds", "CPU seconds"], rows)


def _kernel_python(results: dict[str, Any]) -> str:
    pythons = {entry.get("kernel_python") for entry in results["notebooks"].values()}
    return ", ".join(sorted(python for python in pythons if python)) or "not started"


def _load_verdict(machine: dict) -> str:
    """Whether other work shared the machine during the run, from its load averages."""
    if max(machine["load_start"], machine["load_end"]) > machine["cpu_count"]:
        return "above the core count, other work slowed the run down: compare CPU seconds"
    return "within the core count: a quiet machine"


def hub_section(results: dict[str, Any]) -> list[str]:
    """A room on one hub (python -m benchmarks.hub): each step of each sweep, and the sizing."""
    hub = results.get("hub")
    if not hub:
        return []
    steps = [step for sweep in hub["sweeps"] for step in sweep["steps"]]
    machine = dict(hub["machine"], load_start=min(step["load_start"] for step in steps),
                   load_end=max(step["load_end"] for step in steps))
    lines = [
        "## A room on one hub",
        "",
        f"Measured by `python -m benchmarks.hub` on {hub['date']} (1-minute load average "
        f"from {machine['load_start']:.2f} to {machine['load_end']:.2f} over the steps: "
        f"{_load_verdict(machine)}). K simulated learners sign in to the course's hub "
        "(hub/jupyterhub_config.py) at once, start their servers, open the lesson and, "
        "when every kernel answers, all press Run All together (hub/loadtest.py). "
        "**slowdown** is a learner's Run All time over the time of one learner alone; "
        "**peak MiB/learner** is the largest resident memory of one learner's server and "
        "kernel; **machine MiB** is the whole machine's memory in use at the step's peak, "
        "other work included. Curve: [benchmarks/hub_slowdown.png](benchmarks/hub_slowdown.png).",
        "",
        "![slowdown and memory against learners](benchmarks/hub_slowdown.png)",
        "",
    ]
    for sweep in hub["sweeps"]:
        rows = [[str(step["learners"]), _number(step["login_to_kernel_s"]["median"]) + " / " +
                 _number(step["login_to_kernel_s"]["max"]),
                 _number(step["run_all_s"]["median"]) + " / " + _number(step["run_all_s"]["max"]),
                 _number(step["slowdown_max"]), _number(step["per_learner_cpu_s"]),
                 _number(step["per_learner_peak_mib"]), _number(step["machine_peak_used_mib"]),
                 str(step["failures"]), _number(step["load_start"]) + " / " +
                 _number(step["load_end"])] for step in sweep["steps"]]
        lines += [f"### {sweep['lesson']}", "",
                  *_table(["learners", "sign-in to kernel s (median / max)",
                           "Run All s (median / max)", "slowdown (max)", "CPU s per learner",
                           "peak MiB/learner", "machine MiB", "failures", "load start / end"],
                          rows),
                  "", f"Stopped: {sweep['stopped']}.", ""]
        failed = [f"- {record['name']}: {record['failure']}" for step in sweep["steps"]
                  for record in step["records"] if record.get("failure")]
        lines += [*failed, ""] if failed else []
    sizing = hub["sizing"]
    lines += ["### Figures and sizing", "",
              *_table(["figure", "value"], [[f"`{name}`", _number(value)]
                                            for name, value in hub["figures"].items()]),
              "",
              f"Per learner, at lesson 03: {sizing['cores_per_learner']:g} cores (so that "
              "everyone's Run All stays within 2x its solo time) and "
              f"{sizing['memory_per_learner_gib']:g} GiB, plus {sizing['hub_reserve_gib']} GiB "
              "for the hub and the system.", "",
              *_table(["learners", "cores", "memory GiB"],
                      [[learners, str(room["cores"]), str(room["memory_gib"])]
                       for learners, room in sizing["rooms"].items()]), ""]
    return lines


def markdown(results: dict[str, Any]) -> str:
    """BENCHMARKS.md: machine, versions, date, and every figure against its budget."""
    machine, versions = results["machine"], results["versions"]
    lines = [
        "# Benchmarks",
        "",
        f"Measured by `python course.py bench` on {results['date']}; regenerate with "
        "`python course.py bench` (every lesson) or `python course.py bench-one "
        "notebooks/NN_name.ipynb` (one lesson, merged into the others). The numbers are in "
        "`benchmarks/results.json`.",
        "",
        "## Machine",
        "",
        f"- CPU: {machine['cpu_model']}, {machine['cpu_count']} cores",
        f"- memory: {machine['memory_gib']:.1f} GiB; {machine['platform']}",
        f"- load average (1 min) at start and end: {machine['load_start']:.2f}, "
        f"{machine['load_end']:.2f} ({_load_verdict(machine)})",
        f"- kernel: `{_kernel_python(results)}`",
        "- versions: " + ", ".join(f"{name} {version}" for name, version in versions.items()),
        "",
        "## How it is measured",
        "",
        "Each notebook runs top to bottom in a fresh `python3` kernel of the course's virtual "
        "environment (nbclient, working directory `notebooks/`, the launcher's TensorFlow "
        "variables), as a learner's *Restart Kernel and Run All Cells* would. "
        "**seconds** is wall time from the kernel's start to the last cell's reply, reported "
        "only when every cell succeeded; **CPU seconds** is user + system time of the kernel "
        "and its children, less distorted by a busy machine. **peak MiB** is the larger of "
        "(a) the resident set of the kernel process plus its children, sampled with psutil "
        "every 20 ms, and (b) the kernel's high-water mark `VmHWM` kept by the operating "
        "system in `/proc/<pid>/status`, which no sample can miss. "
        f"**Binder**: the same watch kills the kernel and its children (SIGKILL) as soon as "
        f"that memory passes {BINDER_CAP_MIB} MiB, as Binder's memory limit would; a notebook "
        "killed this way is run again without the cap so that its time and peak are still "
        "known. (`RLIMIT_AS` cannot cap TensorFlow, which reserves far more address space "
        "than it uses; and a limit that makes allocation fail raises MemoryError instead of "
        "killing, unlike Binder.) Binder's limit counts the whole container, the Jupyter "
        "server (about 100-200 MiB) included, so a kernel close to the cap is at risk "
        "there even when it survives here. Figures are published by the notebooks themselves with "
        "`course_utils.results.publish`, never typed; ratios are computed from figures of "
        "the same run.",
        "",
        f"## Notebooks (budget: {NOTEBOOK_SECONDS} s, {NOTEBOOK_PEAK_MIB} MiB, survives "
        f"Binder's {BINDER_CAP_MIB} MiB)",
        "",
        *notebook_table(results),
        "",
        "## Start-up",
        "",
        *startup_table(results),
        "",
        f"## Figures (explorer updates: <= {EXPLORER_MS} ms)",
        "",
        *figure_table(results),
        "",
    ]
    slow = [f"- {name}: " + "; ".join(f"cell {cell['cell']} `{cell['first_line']}` "
                                      f"{cell['seconds']:.1f} s"
                                      for cell in entry.get("slowest_cells", []))
            for name, entry in sorted(results["notebooks"].items())
            if entry.get("slowest_cells")]
    if slow:
        lines += ["## Slowest cells", "", *slow, ""]
    failures = [f"- {name}: {entry['status']}: {entry['error']}"
                for name, entry in sorted(results["notebooks"].items()) if entry.get("error")]
    if failures:
        lines += ["## Failures", "", *failures, ""]
    lines += hub_section(results)
    lines += spread_section()
    return "\n".join(lines)


def spread_section(path: Path | None = None) -> list[str]:
    """How far each training-based verdict moves (benchmarks/spread.json), if measured."""
    from benchmarks import spread

    path = path or spread.SPREAD
    if not path.exists():
        return []
    measured = json.loads(path.read_text())
    return ["", "## Verdicts that training can move",
            "",
            "Measured by `python course.py spread`: every figure an exercise judge, a unit test "
            "or a checked notebook output decides on, for seeds 0-4, once with TensorFlow and "
            "BLAS on one thread and once at the default. *margin*: the distance from the "
            "threshold to the nearest case (to the mean, for a verdict on a mean of runs), in "
            "standard deviations over the seeds; for a verdict at one fixed seed with no "
            "training (one step, a shipped checkpoint), in units of the largest difference "
            "between 1 thread and the default, *exact* when there was none. Each must be at "
            f"least {spread.REQUIRED_SIGMAS:g}.",
            "", spread.table(measured), ""]
