"""Temperature explorer (lesson 06): names from a character model, novelty against plausibility.

Sampling a few hundred names takes a moment, so the names are sampled, and the figure drawn,
once for each temperature of a grid when the explorer is built; moving the slider only picks
one of those pictures.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from matplotlib.figure import Figure

from course_utils import sequences
from course_utils.explore._base import Explorer, FigureView

__all__ = ["temperature_sweep", "TemperatureExplorer"]

_SHOWN = 24  # names listed in the figure
_NOVEL_COLOR, _KNOWN_COLOR = "#00306f", "#8a8a8a"


def temperature_sweep(model: Callable[..., Any], vocabulary: Sequence[str],
                      training_words: Sequence[str], temperatures: Sequence[float],
                      count: int = 100, seed: int = 0) -> dict[str, Any]:
    """Sample ``count`` names at each temperature (one batch) and measure them.

    Returns {"temperatures": (K,), "names": K lists of count names, "novelty": (K,),
    "plausibility": (K,)}.
    """
    temperatures = np.asarray(temperatures, dtype=np.float64)
    if temperatures.ndim != 1 or len(temperatures) < 2:
        raise ValueError(f"temperatures must be a list of at least two values, got "
                         f"{temperatures.tolist()!r}")
    if not np.all(np.diff(temperatures) > 0):
        raise ValueError("temperatures must increase, e.g. numpy.linspace(0.2, 2.0, 10)")
    every = sequences.sample_names(model, vocabulary, count * len(temperatures),
                                   np.repeat(temperatures, count), seed=seed)
    names = [every[row * count:(row + 1) * count] for row in range(len(temperatures))]
    return {"temperatures": temperatures, "names": names,
            "novelty": np.array([sequences.novelty(group, training_words) for group in names]),
            "plausibility": np.array([sequences.plausibility(group, training_words)
                                      for group in names])}


class TemperatureExplorer(Explorer):
    """A temperature slider over names sampled in advance; novel names are shown in blue."""

    name = "temperature"

    def __init__(self, model: Callable[..., Any], vocabulary: Sequence[str],
                 training_words: Sequence[str], temperatures: Sequence[float] | None = None,
                 count: int = 100, seed: int = 0, start: float = 1.0):
        import ipywidgets

        super().__init__()
        if temperatures is None:
            temperatures = np.round(np.linspace(0.2, 2.0, 10), 2)
        self.sweep_result = temperature_sweep(model, vocabulary, training_words, temperatures,
                                              count=count, seed=seed)
        self.known = set(training_words)
        grid = self.sweep_result["temperatures"]
        self.controls = {"temperature": ipywidgets.SelectionSlider(
            options=[(f"{value:.1f}", float(value)) for value in grid],
            value=float(grid[np.argmin(np.abs(grid - start))]), description="temperature",
            continuous_update=True)}
        figure = Figure(figsize=(8.4, 3.6))
        curves, listing = figure.subplots(1, 2, gridspec_kw={"width_ratios": [1.25, 1]})
        curves.plot(grid, 100 * self.sweep_result["novelty"], "o-", color="#0072b2",
                    label="novel (not in the list)")
        curves.plot(grid, 100 * self.sweep_result["plausibility"], "s--", color="#e69f00",
                    label="well formed")
        self._marker = curves.axvline(grid[0], color="black", linewidth=1)
        curves.set(xlabel="temperature", ylabel="share of sampled names (%)", ylim=(-3, 103),
                   title=f"{count} names per temperature")
        curves.legend(loc="upper center", bbox_to_anchor=(0.5, -0.2), ncol=2, fontsize=8)
        listing.set_axis_off()
        self._title = listing.set_title("", fontsize=10)
        self._texts = [listing.text(0.02 + 0.5 * (slot // 12), 0.95 - 0.08 * (slot % 12), "",
                                    transform=listing.transAxes, fontsize=10, family="monospace",
                                    va="top") for slot in range(_SHOWN)]
        figure.tight_layout()
        self.view = FigureView(figure)
        self._frames = []  # one picture per temperature, drawn once: the slider only swaps them
        for row in range(len(grid)):
            self._show_row(row)
            self._frames.append(self.view.png())
        self.redraw()
        self.watch_controls()
        caption = ipywidgets.HTML("Names in <b style='color:#00306f'>blue</b> are new; "
                                  "<span style='color:#8a8a8a'>grey</span> ones are in the "
                                  "training list.")
        self.widget = ipywidgets.VBox([self.controls["temperature"], self.view.image, caption])

    def redraw(self, moved: str | None = None) -> None:
        grid = self.sweep_result["temperatures"]
        row = int(np.argmin(np.abs(grid - float(self.controls["temperature"].value))))
        self._show_row(row)  # the figure matches the picture, for a static copy of it
        self.view.image.value = self._frames[row]

    def _show_row(self, row: int) -> None:
        """Set the figure's artists to the names and measures of temperature number ``row``."""
        grid = self.sweep_result["temperatures"]
        self._marker.set_xdata([grid[row], grid[row]])
        shown = self.sweep_result["names"][row][:_SHOWN]
        for text, name in zip(self._texts, shown):
            text.set_text(name if name else "(empty)")
            text.set_color(_KNOWN_COLOR if name in self.known else _NOVEL_COLOR)
        self._title.set_text(f"temperature {grid[row]:.1f}: "
                             f"{100 * self.sweep_result['novelty'][row]:.0f}% novel, "
                             f"{100 * self.sweep_result['plausibility'][row]:.0f}% well formed")
