"""Interactive explorers, one module per concept; each is an ``Explorer`` (see ``_base``).

    explore.start       a first widget (lesson 00)

``explore.measure_latency(explorer)`` times control changes until the figure is updated;
``explore.report_latency(explorer)`` also publishes the figures for the benchmark.
"""

from course_utils import results
from course_utils.explore._base import Explorer, FigureView, measure_latency

__all__ = ["Explorer", "FigureView", "measure_latency", "report_latency"]


def report_latency(explorer: Explorer, repeats: int = 3) -> str:
    """Measure an explorer's update latency, publish it, and return a one-line summary."""
    timing = measure_latency(explorer, repeats=repeats)
    results.publish(f"explore.{explorer.name}.median_ms", timing["median_ms"])
    results.publish(f"explore.{explorer.name}.p95_ms", timing["p95_ms"])
    return (f"{explorer.name}: median {timing['median_ms']:.0f} ms, "
            f"95th percentile {timing['p95_ms']:.0f} ms over {timing['changes']} updates")
