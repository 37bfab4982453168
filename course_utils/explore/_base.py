"""What every explorer shares: a figure drawn once and updated in place, and its latency.

An explorer is a plain compute function plus a thin UI (see STYLE.md): subclass
``Explorer``, build ``self.controls`` (name -> ipywidget) and a ``FigureView``, and
redraw with ``set_data`` + ``FigureView.refresh()`` when a control changes.
"""

from __future__ import annotations

import io
import statistics
import time
from collections.abc import Iterable
from typing import Any

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

__all__ = ["Explorer", "FigureView", "measure_latency"]


class FigureView:
    """A matplotlib Figure shown in an ``ipywidgets.Image`` and refreshed in place.

    The figure is not registered with pyplot, so it never appears twice in a notebook.
    """

    def __init__(self, figure: Figure, dpi: int = 80):
        import ipywidgets

        self.figure = figure
        self.dpi = dpi
        FigureCanvasAgg(figure)
        self.image = ipywidgets.Image(format="png", layout=ipywidgets.Layout(width="auto"))
        self.refresh()

    def png(self) -> bytes:
        buffer = io.BytesIO()
        # light compression: the PNG is sent once and shown once, encoding time matters more
        self.figure.savefig(buffer, format="png", dpi=self.dpi, pil_kwargs={"compress_level": 1})
        return buffer.getvalue()

    def refresh(self) -> None:
        self.image.value = self.png()


class Explorer:
    """Base of the course's explorers: ``controls``, a ``view`` and a ``widget`` to show.

    Displaying an explorer shows the live widget in JupyterLab and, for static
    renderers (GitHub, a built HTML page), a PNG of its current state.
    """

    name = "explorer"

    def __init__(self) -> None:
        self.controls: dict[str, Any] = {}
        self.view: FigureView | None = None
        self.widget: Any = None

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
        if isinstance(value, int):
            steps = np.unique(np.round(steps).astype(int))
        return [type(value)(step) for step in steps if step != value] + [value]
    return []


def measure_latency(explorer: Explorer, repeats: int = 3) -> dict[str, float]:
    """Time each control change until the figure is updated; median and 95th percentile in ms.

    Setting a widget's value from the kernel runs its observers synchronously, so the
    time covers the computation and the redraw of the image the learner sees.
    """
    changes = explorer.sweep()
    if not changes:
        raise ValueError(f"{explorer.name}: no controls to change")
    milliseconds = []
    for _ in range(repeats):
        for name, value in changes:
            start = time.perf_counter()
            explorer.controls[name].value = value
            milliseconds.append((time.perf_counter() - start) * 1000)
    ordered = sorted(milliseconds)
    p95 = ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]
    return {"median_ms": statistics.median(ordered), "p95_ms": p95, "changes": len(ordered)}
