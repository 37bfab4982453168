"""The explorer of lesson 01: a 3x3 filter on a photo."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
from matplotlib.figure import Figure

from course_utils import conv, data
from course_utils.explore._base import Explorer, FigureView, hide_ticks, show_image

__all__ = ["PRESETS", "filter_image", "KernelExplorer"]

PRESETS: dict[str, np.ndarray] = {
    "identity": np.array([[0, 0, 0], [0, 1, 0], [0, 0, 0]], dtype=np.float32),
    "blur": np.full((3, 3), 1 / 9, dtype=np.float32),
    "sharpen": np.array([[0, -1, 0], [-1, 5, -1], [0, -1, 0]], dtype=np.float32),
    "sobel x": np.array([[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]], dtype=np.float32),
    "sobel y": np.array([[-1, -2, -1], [0, 0, 0], [1, 2, 1]], dtype=np.float32),
    "laplacian": np.array([[0, 1, 0], [1, -4, 1], [0, 1, 0]], dtype=np.float32),
    "emboss": np.array([[-2, -1, 0], [-1, 1, 1], [0, 1, 2]], dtype=np.float32),
}
_CUSTOM = "custom"


def filter_image(image: np.ndarray, weights: np.ndarray, stride: int = 1,
                 padding: str = "valid", conv2d: Callable[..., np.ndarray] = conv.conv2d
                 ) -> np.ndarray:
    """One grey image through one filter: image (H, W), weights (kh, kw) -> (H_out, W_out).

    conv2d: the convolution to use, with the signature of ``conv.conv2d`` (lesson 01's
    own loops once they pass their check).
    """
    image = np.asarray(image, dtype=np.float32)
    weights = np.asarray(weights, dtype=np.float32)
    if image.ndim != 2 or weights.ndim != 2:
        raise ValueError(f"image and weights must be 2-D (H, W) and (kh, kw), got shapes "
                         f"{image.shape} and {weights.shape}")
    return np.asarray(conv2d(image[None, :, :, None], weights[:, :, None, None],
                             stride=stride, padding=padding))[0, :, :, 0]


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
        if preset not in PRESETS:
            raise ValueError(f"unknown preset {preset!r}: choose one of {', '.join(PRESETS)}")
        # every photo loaded once, so switching photos is as quick as any other change
        self.photos = {name: data.load_photo(name, size=size) for name in data.PHOTOS}
        self._syncing = False
        self.controls = {
            "photo": ipywidgets.Dropdown(options=list(data.PHOTOS), value=photo,
                                         description="photo"),
            "preset": ipywidgets.Dropdown(options=[*PRESETS, _CUSTOM], value=preset,
                                          description="filter"),
            "stride": ipywidgets.IntSlider(value=1, min=1, max=4, description="stride"),
            "padding": ipywidgets.Dropdown(options=["valid", "same"], value="valid",
                                           description="padding"),
        }
        for row in range(3):
            for column in range(3):
                self.controls[f"w{row}{column}"] = ipywidgets.FloatText(
                    value=float(PRESETS[preset][row, column]), step=0.5,
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
        self.view = FigureView(figure, dpi=72)
        self._update()

        self.controls["preset"].observe(self._on_preset, names="value")
        for name, control in self.controls.items():
            if name.startswith("w"):
                control.observe(self._on_weight, names="value")
            elif name != "preset":
                control.observe(self._on_change, names="value")
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
        return filter_image(self.photos[self.controls["photo"].value], self.weights(),
                            self.controls["stride"].value, self.controls["padding"].value,
                            self.conv2d)

    def sweep(self) -> list[tuple[str, Any]]:
        """Every control, including edits of a corner and of the centre weight."""
        edits = [("w00", 1.5), ("w11", -3.0)]
        return super().sweep() + edits

    def _on_preset(self, change: dict) -> None:
        if change["new"] == _CUSTOM:
            return
        self._syncing = True  # one redraw for the nine weights, not nine
        try:
            for row in range(3):
                for column in range(3):
                    self.controls[f"w{row}{column}"].value = float(
                        PRESETS[change["new"]][row, column])
        finally:
            self._syncing = False
        self._update()

    def _on_weight(self, change: dict) -> None:
        if self._syncing:
            return
        preset = self.controls["preset"].value
        if preset != _CUSTOM and not np.allclose(self.weights(), PRESETS[preset]):
            # a weight edited by hand: the filter is no longer the preset
            self._syncing = True
            try:
                self.controls["preset"].value = _CUSTOM
            finally:
                self._syncing = False
        self._update()

    def _on_change(self, change: dict) -> None:
        self._update()

    def _update(self) -> None:
        photo = self.controls["photo"].value
        image = self.photos[photo]
        weights = self.weights()
        output = self.output()
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
        self.view.refresh()
