"""Explorers for lessons 01 and 02: a 3x3 filter on a photo, and pooling under small shifts."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
from matplotlib.figure import Figure

from course_utils import conv, data
from course_utils.explore._base import Explorer, FigureView

__all__ = ["PRESETS", "filter_image", "shift_change", "KernelExplorer", "PoolingExplorer"]

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


def _relative_change(after: np.ndarray, before: np.ndarray) -> float:
    return float(np.mean(np.abs(after - before)) / max(np.mean(np.abs(before)), 1e-12))


def shift_change(feature_map: np.ndarray, shift: int, pool_size: int = 2,
                 stride: int | None = None, mode: str = "max", max_shift: int = 4
                 ) -> dict[str, float]:
    """How much a feature map and its pooled version change when the input moves ``shift`` px.

    feature_map: (H, W), the response of a filter to the whole image. Two crops of width
    W - max_shift, ``shift`` columns apart, are what the filter returns for the image and
    for the image moved left by ``shift`` pixels ('valid' convolution commutes with
    cropping). Returns the relative change, mean |after - before| / mean |before|, of the
    feature map (key "conv") and of its pooled version (key "pooled"), cell by cell.
    """
    feature_map = np.asarray(feature_map, dtype=np.float32)
    if not 0 <= shift <= max_shift < feature_map.shape[1]:
        raise ValueError(f"shift must be between 0 and max_shift={max_shift}, got {shift}")
    width = feature_map.shape[1] - max_shift
    before, after = feature_map[:, :width], feature_map[:, shift:shift + width]
    pooled_before, pooled_after = (conv.pool2d(crop[None, :, :, None], pool_size, stride,
                                               mode=mode)[0, :, :, 0]
                                   for crop in (before, after))
    return {"conv": _relative_change(after, before),
            "pooled": _relative_change(pooled_after, pooled_before)}


def _image_axes(axis: Any) -> None:
    # no tick labels: drawing them costs more than the whole convolution
    axis.set_xticks([])
    axis.set_yticks([])


def _show(axis: Any, shown: Any, image: np.ndarray) -> None:
    """Replace an AxesImage's data, resizing the axes when the shape changed."""
    height, width = image.shape
    shown.set_data(image)
    shown.set_extent((-0.5, width - 0.5, height - 0.5, -0.5))
    axis.set_xlim(-0.5, width - 0.5)
    axis.set_ylim(height - 0.5, -0.5)
    # the 0.5th to 99.5th percentile: a few extreme cells would leave the rest one grey
    low, high = (float(value) for value in np.percentile(image, [0.5, 99.5]))
    shown.set_clim(low, high if high > low else low + 1e-6)


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
        _image_axes(self._kernel_axis)
        self._weight_texts = [[self._kernel_axis.text(column, row, "", ha="center",
                                                      va="center", fontsize=10)
                               for column in range(3)] for row in range(3)]
        _image_axes(self._input_axis)
        _image_axes(self._output_axis)
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
        _show(self._output_axis, self._output, output)
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


class PoolingExplorer(Explorer):
    """Pool a photo and a feature map; move the input a pixel or two and measure what changes.

    The feature map is the photo through a Sobel x filter with ReLU (vertical edges).
    Bars show the relative change, cell by cell, of the feature map and of its pooled
    version when the photo moves left by ``shift`` pixels (lesson 02).
    """

    name = "pooling"
    max_shift = 4

    def __init__(self, photo: str = "camera", size: int = 256):
        import ipywidgets

        super().__init__()
        self.photo = data.load_photo(photo, size=size)
        edges = filter_image(self.photo, PRESETS["sobel x"])
        self.feature_map = np.maximum(edges, 0.0)
        self.controls = {
            "pool_size": ipywidgets.IntSlider(value=2, min=1, max=8, description="pool size"),
            "stride": ipywidgets.IntSlider(value=2, min=1, max=8, description="stride"),
            "mode": ipywidgets.Dropdown(options=["max", "average"], value="max",
                                        description="pooling"),
            "shift": ipywidgets.IntSlider(value=1, min=0, max=self.max_shift,
                                          description="shift (px)"),
        }
        figure = Figure(figsize=(7.6, 5.4))
        grid = figure.add_gridspec(2, 3, width_ratios=[3, 3, 2])
        self._axes = {key: figure.add_subplot(grid[row, column]) for key, (row, column) in {
            "photo": (0, 0), "pooled_photo": (0, 1), "feature": (1, 0),
            "pooled_feature": (1, 1)}.items()}
        self._bar_axis = figure.add_subplot(grid[:, 2])
        self._images = {key: axis.imshow(self.feature_map, cmap="gray" if "photo" in key
                                         else "viridis", interpolation="nearest")
                        for key, axis in self._axes.items()}
        for axis in self._axes.values():
            _image_axes(axis)
        self._bars = self._bar_axis.bar(["feature\nmap", "pooled\nfeature map"], [0, 0],
                                        color=["#e66101", "#5e3c99"])
        self._bar_axis.set_ylim(0, 1.9)
        self._bar_axis.set_yticks([0, 0.5, 1, 1.5])
        self._bar_axis.set_ylabel("relative change after the shift")
        self._bar_labels = [self._bar_axis.text(bar.get_x() + bar.get_width() / 2, 0, "",
                                                ha="center", va="bottom") for bar in self._bars]
        figure.subplots_adjust(left=0.02, right=0.97, bottom=0.08, top=0.9, wspace=0.25,
                               hspace=0.3)
        self.view = FigureView(figure, dpi=72)
        self._update()
        for control in self.controls.values():
            control.observe(self._update, names="value")
        self.widget = ipywidgets.VBox([
            ipywidgets.HBox([self.controls["pool_size"], self.controls["stride"]]),
            ipywidgets.HBox([self.controls["mode"], self.controls["shift"]]),
            self.view.image])

    def measure(self) -> dict[str, float]:
        """Relative change of the feature map and of the pooled one, for the current controls."""
        return shift_change(self.feature_map, self.controls["shift"].value,
                            self.controls["pool_size"].value, self.controls["stride"].value,
                            self.controls["mode"].value, self.max_shift)

    def _update(self, change: dict | None = None) -> None:
        shift, size = self.controls["shift"].value, self.controls["pool_size"].value
        stride, mode = self.controls["stride"].value, self.controls["mode"].value
        width = self.feature_map.shape[1] - self.max_shift

        def pool(image: np.ndarray) -> np.ndarray:
            return conv.pool2d(image[None, :, :, None], size, stride, mode=mode)[0, :, :, 0]

        photo = self.photo[:, shift:shift + width + 2]
        feature, unshifted = (self.feature_map[:, start:start + width] for start in (shift, 0))
        shown = {"photo": photo, "pooled_photo": pool(photo), "feature": feature,
                 "pooled_feature": pool(feature)}
        # the same numbers as shift_change(), reusing the pooled map already computed
        changes = [_relative_change(feature, unshifted),
                   _relative_change(shown["pooled_feature"], pool(unshifted))]
        titles = {"photo": f"photo moved {shift} px left", "pooled_photo": "pooled photo",
                  "feature": "feature map (edges)",
                  "pooled_feature": "pooled feature map"}
        for key, image in shown.items():
            _show(self._axes[key], self._images[key], image)
            self._axes[key].set_title(f"{titles[key]}: {image.shape[0]}x{image.shape[1]}",
                                      fontsize=9)
        for bar, label, value in zip(self._bars, self._bar_labels, changes, strict=True):
            bar.set_height(value)
            label.set_y(min(value, 1.8))
            label.set_text(f"{value:.2f}")
        self._bar_axis.set_title(f"{mode} pooling {size}x{size}, stride {stride}\n"
                                 f"shift {shift} px", fontsize=9)
        self.view.refresh()
