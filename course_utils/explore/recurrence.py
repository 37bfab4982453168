"""Step through a recurrence (lesson 04): the hidden state, the output, and the memory of step 0.

A slider walks over the time steps; a second control rescales the recurrent weights U to a
chosen spectral radius, so the learner sees the memory of the first input fade (radius < 1)
or blow up (radius > 1). Every setting is computed once, up front: moving a control only
updates the figure.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from matplotlib import ticker
from matplotlib.figure import Figure

from course_utils import recurrence
from course_utils._arrays import given, run_first
from course_utils.explore._base import Explorer, FigureView

__all__ = ["RecurrenceExplorer", "RADII"]

RADII = (0.5, 0.8, 1.0, 1.2, 1.5, 2.0)
_MEMORY_RANGE = (1e-12, 1e4)


class RecurrenceExplorer(Explorer):
    """A time-step slider and a spectral-radius control over a precomputed recurrence.

    x: (T, D) the input sequence (the first feature is drawn); W: (D, H), U: (H, H), b: (H,)
    the layer's weights as ``SimpleRNN.get_weights()`` returns them; U is rescaled to each of
    ``radii``. readout: (H,) output weights, the mean of the units if None. forward: the
    forward pass that computes the states, as for ``recurrence.unroll`` (the learner's, once
    it passes).
    """

    name = "recurrence"

    def __init__(self, x: np.ndarray, W: np.ndarray, U: np.ndarray, b: np.ndarray,
                 readout: np.ndarray | None = None, radii: tuple[float, ...] = RADII,
                 radius: float = 1.0, step: int | None = None,
                 forward: Callable[..., np.ndarray] | None = None):
        import ipywidgets

        super().__init__()
        section = run_first("Explorer: watch the memory fade or explode")
        for name, value in (("x", x), ("W", W), ("U", U), ("b", b)):
            given(value, name, "an array such as pulse, memory_W, memory_U or memory_b", section)
        x = np.asarray(x, dtype=np.float64)
        if x.ndim != 2 or len(x) < 2:
            raise ValueError(f"x must be one sequence of shape (T, D) with T >= 2, such as "
                             f"pulse, got shape {x.shape}: {section}")
        units = np.shape(U)[0]
        readout = np.full(units, 1.0 / units) if readout is None else readout
        if radius not in radii:
            raise ValueError(f"radius must be one of {radii}, got {radius!r}")
        self.x = x
        self.runs = {value: recurrence.unroll(x, W, recurrence.with_spectral_radius(U, value),
                                              b, readout, forward)
                     for value in radii}
        steps = len(x)
        step = steps - 1 if step is None else step
        self.controls = {
            "step": ipywidgets.IntSlider(value=step, min=0, max=steps - 1, description="time step",
                                         continuous_update=True),
            "radius": ipywidgets.SelectionSlider(options=list(radii), value=radius,
                                                 description="radius of U",
                                                 continuous_update=True),
        }
        self._build_figure(units)
        self.redraw()
        self.watch_controls()
        self.widget = ipywidgets.VBox([ipywidgets.HBox(list(self.controls.values())),
                                       self.view.image])

    def _build_figure(self, units: int) -> None:
        steps = len(self.x)
        figure = Figure(figsize=(7, 5.2))
        # no shared axes and few ticks: drawing tick labels is most of the cost of a redraw
        axes = figure.subplots(3, 1, gridspec_kw={"height_ratios": [1, 1.3, 1]})
        signals, strip, memory = axes
        signals.plot(np.arange(steps), self.x[:, 0], color="0.82", lw=1)
        (self._input_line,) = signals.plot([], [], color="#0072B2", marker="o", ms=3, lw=1.2)
        (self._output_line,) = signals.plot([], [], color="#D55E00", marker="s", ms=3, lw=1.2)
        values = np.concatenate([self.x[:, 0]] + [run["outputs"] for run in self.runs.values()])
        margin = 0.1 * (values.max() - values.min()) + 0.05
        signals.set_ylim(values.min() - margin, values.max() + margin)
        signals.yaxis.set_major_locator(ticker.MaxNLocator(3))
        # coloured words instead of a legend: a legend costs a tenth of every redraw
        signals.text(0.99, 0.95, "input x(t)", color="#0072B2", ha="right", va="top",
                     fontsize=9, transform=signals.transAxes)
        signals.text(0.99, 0.78, "output y(t)", color="#D55E00", ha="right", va="top",
                     fontsize=9, transform=signals.transAxes)
        self._title = signals.set_title("", fontsize=10)
        self._strip = strip.imshow(np.full((units, steps), np.nan), cmap="RdBu_r", vmin=-1, vmax=1,
                                   aspect="auto", interpolation="nearest",
                                   extent=(-0.5, steps - 0.5, units - 0.5, -0.5))
        strip.set_ylabel(f"hidden state\n{units} units")
        strip.set_yticks([])
        (self._memory_line,) = memory.semilogy([], [], color="#009E73", marker="o", ms=3)
        memory.set_ylim(*_MEMORY_RANGE)
        memory.set_yticks([1e-12, 1e-8, 1e-4, 1, 1e4], ["1e-12", "1e-8", "1e-4", "1", "1e4"])
        memory.yaxis.set_minor_locator(ticker.NullLocator())  # fewer ticks, faster redraws
        self._unit_line = memory.axhline(1.0, color="0.6", lw=0.8, ls="--")
        memory.set_ylabel(r"memory of $x_0$" "\n" r"$\|\partial h_t / \partial x_0\|$")
        memory.set_xlabel("time step t")
        memory.xaxis.set_major_locator(ticker.MaxNLocator(6, integer=True))
        for axis in axes:
            axis.set_xlim(-0.5, steps - 0.5)
        signals.set_xticks([])
        strip.set_xticks([])
        self._cursors = [axis.axvline(0, color="0.3", lw=0.8, ls=":") for axis in axes]
        figure.subplots_adjust(left=0.13, right=0.97, top=0.93, bottom=0.1, hspace=0.12)
        # the axes, the grey input and the dashed line stay; the rest moves with the sliders
        moving = [self._input_line, self._output_line, self._strip, self._memory_line,
                  self._unit_line, self._title, *self._cursors]  # the dashed line over the curve
        self.view = FigureView(figure, animated=moving)

    def redraw(self, moved: str | None = None) -> None:
        step = self.controls["step"].value
        radius = self.controls["radius"].value
        run = self.runs[radius]
        shown = np.arange(step + 1)
        self._input_line.set_data(shown, self.x[: step + 1, 0])
        strip = np.full(run["states"].T.shape, np.nan)  # steps not reached yet stay blank
        strip[:, : step + 1] = run["states"][: step + 1].T
        self._strip.set_data(strip)
        self._output_line.set_data(shown, run["outputs"][: step + 1])
        memory = np.clip(run["memory"][: step + 1], *_MEMORY_RANGE)
        self._memory_line.set_data(shown, memory)
        for cursor in self._cursors:
            cursor.set_xdata([step, step])
        self._title.set_text(f"radius {radius:g}, step {step}: |h(t)| = "
                             f"{np.linalg.norm(run['states'][step]):.2f}, memory of x(0) = "
                             f"{run['memory'][step]:.1e}")
        self.view.refresh(full=moved is None)
