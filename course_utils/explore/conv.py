"""The explorer of lesson 01: a 3x3 filter on a photo (``conv.filter_image`` behind sliders)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
from matplotlib.figure import Figure

from course_utils import conv, data
from course_utils.explore._base import Explorer, FigureView, hide_ticks, show_image

__all__ = ["KernelExplorer"]

_CUSTOM = "custom"


class KernelExplorer(Explorer):
    """Pick a photo and a 3x3 filter (a preset or your own nine weights), stride and padding.

    The filtered image and its shape update live (lesson 01). The output is shown with
    its own grey scale: black at its 0.5th percentile, white at its 99.5th. ``conv2d`` is
    the convolution it runs (the learner's own, once it passes; loops are slow, so give a
    small ``size`` then).
    """

    name = "kernel"

    def __init__(self, photo: str = "camera", preset: str = "sobel x", size: int = 256,
                 conv2d: Callable[..., np.ndarray] = conv.conv2d):
        import ipywidgets

        super().__init__()
        self.conv2d = conv2d
        if preset not in conv.PRESETS:
            raise ValueError(f"unknown preset {preset!r}: choose one of "
                             f"{', '.join(conv.PRESETS)}")
        # every photo loaded once, so switching photos is as quick as any other change
        self.photos = {name: data.load_photo(name, size=size) for name in data.PHOTOS}
        self.controls = {
            "photo": ipywidgets.Dropdown(options=list(data.PHOTOS), value=photo,
                                         description="photo"),
            "preset": ipywidgets.Dropdown(options=[*conv.PRESETS, _CUSTOM], value=preset,
                                          description="filter"),
            "stride": ipywidgets.IntSlider(value=1, min=1, max=4, description="stride"),
            "padding": ipywidgets.Dropdown(options=["valid", "same"], value="valid",
                                           description="padding"),
        }
        for row in range(3):
            for column in range(3):
                self.controls[f"w{row}{column}"] = ipywidgets.FloatText(
                    value=float(conv.PRESETS[preset][row, column]), step=0.5,
                    layout=ipywidgets.Layout(width="70px"))

        figure = Figure(figsize=(8.5, 3.3))
        grid = figure.add_gridspec(1, 3, width_ratios=[4, 2.2, 4])
        self._input_axis, self._kernel_axis, self._output_axis = (
            figure.add_subplot(grid[0, index]) for index in range(3))
        image = self.photos[photo]
        self._input = self._input_axis.imshow(image, cmap="gray", vmin=0, vmax=1,
                                                  interpolation="nearest")
        self._output = self._output_axis.imshow(image, cmap="gray",
                                                   interpolation="nearest")
        self._kernel = self._kernel_axis.imshow(np.zeros((3, 3)), cmap="RdBu", vmin=-2, vmax=2)
        hide_ticks(self._kernel_axis)
        self._weight_texts = [[self._kernel_axis.text(column, row, "", ha="center",
                                                      va="center", fontsize=10)
                               for column in range(3)] for row in range(3)]
        hide_ticks(self._input_axis)
        hide_ticks(self._output_axis)
        figure.subplots_adjust(left=0.02, right=0.98, bottom=0.03, top=0.85, wspace=0.15)
        # the filter and its output move with every change (the output's axes have no
        # ticks, so a new shape needs no full drawing); the input only with the photo
        moving = [self._output, self._output_axis.title, self._kernel,
                  self._kernel_axis.title, *(text for row in self._weight_texts for text in row)]
        self.view = FigureView(figure, dpi=72, animated=moving)
        self._syncing = False
        self.redraw()
        self.watch_controls()
        weights = ipywidgets.GridBox(
            [self.controls[f"w{row}{column}"] for row in range(3) for column in range(3)],
            layout=ipywidgets.Layout(grid_template_columns="repeat(3, 75px)"))
        left = ipywidgets.VBox([self.controls[name]
                                for name in ("photo", "preset", "stride", "padding")])
        self.widget = ipywidgets.VBox([
            ipywidgets.HBox([left, ipywidgets.VBox([ipywidgets.Label("weights"), weights])]),
            self.view.image])

    def weights(self) -> np.ndarray:
        """The nine weights in the controls, as a (3, 3) array."""
        return np.array([[self.controls[f"w{row}{column}"].value for column in range(3)]
                         for row in range(3)], dtype=np.float32)

    def output(self) -> np.ndarray:
        """The filtered photo for the current controls: (H_out, W_out)."""
        return conv.filter_image(self.photos[self.controls["photo"].value], self.weights(),
                                 self.controls["stride"].value, self.controls["padding"].value,
                                 self.conv2d)

    def sweep(self) -> list[tuple[str, Any]]:
        """Every control, including edits of a corner and of the centre weight."""
        edits = [("w00", 1.5), ("w11", -3.0)]
        return super().sweep() + edits

    def _sync(self, moved: str) -> None:
        """A preset sets the nine weights; a weight edited by hand makes the filter custom."""
        self._syncing = True  # one redraw for the nine weights, not nine
        try:
            preset = self.controls["preset"].value
            if moved == "preset" and preset != _CUSTOM:
                for row in range(3):
                    for column in range(3):
                        self.controls[f"w{row}{column}"].value = float(
                            conv.PRESETS[preset][row, column])
            elif (moved.startswith("w") and preset != _CUSTOM
                  and not np.allclose(self.weights(), conv.PRESETS[preset])):
                self.controls["preset"].value = _CUSTOM
        finally:
            self._syncing = False

    def redraw(self, moved: str | None = None) -> None:
        if self._syncing:
            return
        if moved is not None:
            self._sync(moved)
        photo = self.controls["photo"].value
        image = self.photos[photo]
        weights = self.weights()
        output = self.output()
        if moved in (None, "photo"):
            self._input.set_data(image)
            self._input_axis.set_title(f"input '{photo}': {image.shape[0]}x{image.shape[1]}",
                                       fontsize=10)
        show_image(self._output_axis, self._output, output)
        self._output_axis.set_title(
            f"output: {output.shape[0]}x{output.shape[1]} (stride "
            f"{self.controls['stride'].value}, '{self.controls['padding'].value}')\n"
            f"values {output.min():.2f} to {output.max():.2f}", fontsize=10)
        self._kernel.set_data(weights)
        for row in range(3):
            for column in range(3):
                text = self._weight_texts[row][column]
                text.set_text(f"{weights[row, column]:.2g}")
                text.set_color("white" if abs(weights[row, column]) > 1.2 else "black")
        self._kernel_axis.set_title(f"filter: {self.controls['preset'].value}", fontsize=10)
        # the input image is drawn only in full drawings: a new photo needs one
        self.view.refresh(full=moved in (None, "photo"))
