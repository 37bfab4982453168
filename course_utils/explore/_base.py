"""What every explorer shares: a figure drawn once and updated in place, and its latency.

An explorer is a plain compute function plus a thin UI, so that a test can call the one
and drive the other by setting a control's ``.value``: subclass ``Explorer``, build
``self.controls`` (name -> ipywidget) and a ``FigureView``, then call ``self.redraw()``
once and ``self.watch_controls()``.

The one redraw hook is ``redraw(moved: str | None = None) -> None``. ``moved`` is the name
of the control that changed (a key of ``controls``); None means "draw everything" (the
first drawing, or after training). It updates only what that control moves, with
``set_data`` and the like, then ``FigureView.refresh()``: a full drawing when limits, ticks
or static artists changed, otherwise ``full=False`` (only the animated artists).
"""

from __future__ import annotations

import contextlib
import io
import statistics
import time
from collections.abc import Iterable
from typing import Any

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from PIL import Image

__all__ = ["Explorer", "FigureView", "hide_ticks", "measure_latency", "show_image"]


class FigureView:
    """A matplotlib Figure shown in an ``ipywidgets.Image`` and refreshed in place.

    The figure is not registered with pyplot, so it never appears twice in a notebook.
    ``animated`` artists are the ones an update changes: a refresh with ``full=False``
    pastes the last full drawing (axes, ticks, labels: most of the time) and draws only
    them on top, which is how matplotlib animations stay fast (blitting). ``overlay``
    artists are drawn over those: ``overlay_only=True`` pastes the last drawing of the
    animated artists and draws only the overlay, for a change that moves nothing else.
    """

    def __init__(self, figure: Figure, dpi: int = 80, animated: Iterable[Any] = (),
                 overlay: Iterable[Any] = ()):
        import ipywidgets

        self.figure = figure
        figure.set_dpi(dpi)
        FigureCanvasAgg(figure)
        self.animated, self.overlay = list(animated), list(overlay)
        # the frame of an axes with moving content goes over it, as in a full drawing
        axes = list(dict.fromkeys(artist.axes for artist in self.animated + self.overlay
                                  if artist.axes is not None))
        self.animated += [spine for axis in axes for spine in axis.spines.values()
                          if spine.get_visible()]
        for artist in self.animated + self.overlay:
            artist.set_animated(True)  # left out of full drawings, drawn on top of them
        self._background = None
        self._under_overlay = None
        self.image = ipywidgets.Image(format="png", layout=ipywidgets.Layout(width="auto"))
        self.refresh()

    def png(self, full: bool = True, overlay_only: bool = False) -> bytes:
        """The figure as it is now, as PNG bytes.

        full=False redraws only the animated and overlay artists over the last full
        drawing: use it when nothing else changed (no new limits, ticks or static artists).
        overlay_only=True redraws only the overlay artists over the last drawing of the
        animated ones: use it when only the overlay changed.
        """
        canvas = self.figure.canvas
        blitting = bool(self.animated or self.overlay)
        if full or self._background is None:
            canvas.draw()
            if blitting:
                self._background = canvas.copy_from_bbox(self.figure.bbox)
            overlay_only = False
        elif not (overlay_only and self._under_overlay is not None):
            canvas.restore_region(self._background)
            overlay_only = False
        if overlay_only:
            canvas.restore_region(self._under_overlay)
        else:
            for artist in self.animated:
                self.figure.draw_artist(artist)
            if self.overlay:
                self._under_overlay = canvas.copy_from_bbox(self.figure.bbox)
        for artist in self.overlay:
            self.figure.draw_artist(artist)
        buffer = io.BytesIO()
        # light compression: the PNG is sent once and shown once, encoding time matters more
        Image.fromarray(np.asarray(canvas.buffer_rgba())).save(buffer, format="png",
                                                              compress_level=1)
        return buffer.getvalue()

    def refresh(self, full: bool = True, overlay_only: bool = False) -> None:
        self.image.value = self.png(full, overlay_only)


def hide_ticks(axis: Any) -> None:
    """No ticks on an image's axes: drawing tick labels costs more than a whole convolution."""
    axis.set_xticks([])
    axis.set_yticks([])


def show_image(axis: Any, shown: Any, image: np.ndarray) -> None:
    """Replace an AxesImage's data, resizing the axes when the shape changed.

    The grey scale runs from the image's 0.5th to its 99.5th percentile: a few extreme
    cells would otherwise leave the rest one grey. The axes' box is fitted to the new shape
    at once, so the image can be redrawn alone (``FigureView.refresh(full=False)``).
    """
    height, width = image.shape
    shown.set_data(image)
    shown.set_extent((-0.5, width - 0.5, height - 0.5, -0.5))
    axis.set_xlim(-0.5, width - 0.5)
    axis.set_ylim(height - 0.5, -0.5)
    axis.apply_aspect()  # what a full drawing would do first
    low, high = (float(value) for value in np.percentile(image, [0.5, 99.5]))
    shown.set_clim(low, high if high > low else low + 1e-6)


class Explorer:
    """Base of the course's explorers: ``controls``, a ``view`` and a ``widget`` to show.

    Displaying an explorer shows the live widget in JupyterLab and, for static
    renderers (GitHub, a built HTML page), a PNG of its current state.

    Subclasses implement one hook, ``redraw(moved=None)``, and call ``watch_controls()``
    so that every control change calls it with the control's name.
    """

    name = "explorer"

    def __init__(self) -> None:
        self.controls: dict[str, Any] = {}
        self.view: FigureView | None = None
        self.widget: Any = None

    def redraw(self, moved: str | None = None) -> None:
        """Bring the figure up to date after control ``moved`` changed (None: everything).

        Redraw only what that control moves; leave static artists and unchanged results be.
        """
        raise NotImplementedError(f"{type(self).__name__} must define redraw(moved=None)")

    def watch_controls(self) -> None:
        """Call ``redraw(name)`` whenever the control ``name`` changes value."""
        for name, control in self.controls.items():
            control.observe(lambda change, name=name: self.redraw(name), names="value")

    def sweep(self) -> list[tuple[str, Any]]:
        """Control changes that exercise every control, for latency measurements."""
        changes: list[tuple[str, Any]] = []
        for name, control in self.controls.items():
            changes += [(name, value) for value in _candidate_values(control)]
        return changes

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, Any]:
        bundle = self.widget._repr_mimebundle_(include=include, exclude=exclude)
        data = bundle[0] if isinstance(bundle, tuple) else bundle
        if self.view is not None:
            data = dict(data)
            data["image/png"] = self.view.png()
        return data


def _candidate_values(control: Any) -> Iterable[Any]:
    options = getattr(control, "options", None)
    if options:
        values = [item[1] if isinstance(item, tuple) else item for item in options]
        return values[1:] + values[:1]
    value = control.value
    if isinstance(value, bool):
        return [not value, value]
    if hasattr(control, "min") and hasattr(control, "max") and not isinstance(value, tuple):
        steps = np.linspace(control.min, control.max, 6)
        step = getattr(control, "step", None)
        if step:
            # only values the slider can show: the browser snaps others to its grid and
            # sends the snapped value back, which would redraw after the sweep is over
            steps = control.min + np.round((steps - control.min) / step) * step
            steps = np.round(steps, 10)
        if isinstance(value, int):
            steps = np.round(steps).astype(int)
        steps = np.unique(steps)
        return [type(value)(step) for step in steps if step != value] + [value]
    return []


def _widgets(explorer: Explorer) -> list[Any]:
    """Every widget of an explorer: its controls, its figure and whatever its layout holds."""
    found: dict[int, Any] = {}
    pending = [*explorer.controls.values(), explorer.widget]
    if explorer.view is not None:
        pending.append(explorer.view.image)
    while pending:
        widget = pending.pop()
        if widget is None or id(widget) in found or not hasattr(widget, "hold_sync"):
            continue
        found[id(widget)] = widget
        pending.extend(getattr(widget, "children", ()))
    return list(found.values())


def _restore(explorer: Explorer, values: dict[str, Any]) -> None:
    """Put every control back where it was (twice: one control may move another)."""
    for _ in range(2):
        for name, value in values.items():
            explorer.controls[name].value = value
    moved = [name for name, value in values.items() if explorer.controls[name].value != value]
    if moved:
        raise RuntimeError(f"{explorer.name}: controls {moved} could not be put back after "
                           "the latency sweep")


def measure_latency(explorer: Explorer, repeats: int = 3) -> dict[str, float]:
    """Time each control change until the figure is updated; median and 95th percentile in ms.

    Setting a widget's value from the kernel runs its observers synchronously, so the
    time covers the computation and the redraw of the image the learner sees. Afterwards
    every control is back at its starting value, so the explorer looks as it did.
    """
    changes = explorer.sweep()
    if not changes:
        raise ValueError(f"{explorer.name}: no controls to change")
    milliseconds = []
    with contextlib.ExitStack() as held:
        # The browser receives only the final state (the one the sweep ends on), not
        # every intermediate figure: a burst of updates left a displayed explorer out of
        # step with the kernel. Sending a message is asynchronous and takes well under a
        # millisecond, so holding them back does not change what is measured.
        for widget in _widgets(explorer):
            held.enter_context(widget.hold_sync())
        initial = {name: control.value for name, control in explorer.controls.items()}
        for _ in range(repeats):
            for name, value in changes:
                start = time.perf_counter()
                explorer.controls[name].value = value
                milliseconds.append((time.perf_counter() - start) * 1000)
        _restore(explorer, initial)
    ordered = sorted(milliseconds)
    p95 = ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]
    return {"median_ms": statistics.median(ordered), "p95_ms": p95, "changes": len(ordered)}
