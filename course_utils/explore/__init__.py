"""Interactive explorers, one module per concept; each is an ``Explorer`` (see ``_base``).

    explore.start        a digit through a threshold: a first widget         lesson 00
    explore.conv         a 3x3 filter on a photo                             lesson 01
    explore.pooling      pooling a photo, and what survives small shifts     lesson 02
    explore.digits       move, turn and blur a digit, watch the CNN's belief lesson 03
    explore.recurrence   step through a recurrence, scale its memory         lesson 04
    explore.forecast     forecasts h steps ahead against the baselines       lesson 05
    explore.gated        names from a character model at any temperature     lesson 06
    explore.adversarial  a GAN learning 2-D points, watched live             lesson 07
    explore.gan          walk a generator's latent space                     lesson 08

Each module is reached as an attribute, ``explore.conv.KernelExplorer(...)``, and imported
the first time it is used: only the lesson's own widgets are loaded.

``explore.measure_latency(explorer)`` times control changes until the figure is updated;
``explore.report_latency(explorer)`` also publishes the figures for the benchmark.
"""

from course_utils import results
from course_utils._lazy import submodule_getter
from course_utils.explore._base import Explorer, FigureView, measure_latency

__all__ = ["Explorer", "FigureView", "measure_latency", "report_latency"]

__getattr__ = submodule_getter(__name__, __path__, "explorer")


def report_latency(explorer: Explorer, repeats: int = 3) -> str:
    """Measure an explorer's update latency, publish it, and return a one-line summary."""
    timing = measure_latency(explorer, repeats=repeats)
    results.publish(f"explore.{explorer.name}.median_ms", timing["median_ms"])
    results.publish(f"explore.{explorer.name}.p95_ms", timing["p95_ms"])
    return (f"{explorer.name}: median {timing['median_ms']:.0f} ms, "
            f"95th percentile {timing['p95_ms']:.0f} ms over {timing['changes']} updates")
