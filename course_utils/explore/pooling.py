"""The explorer of lesson 02: pooling a photo, and what pooling keeps when the input moves."""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from course_utils import conv, data
from course_utils.explore._base import Explorer, FigureView, hide_ticks, show_image

__all__ = ["shift_change", "PoolingExplorer"]


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
        edges = conv.filter_image(self.photo, conv.PRESETS["sobel x"])
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
            hide_ticks(axis)
        self._bars = self._bar_axis.bar(["feature\nmap", "pooled\nfeature map"], [0, 0],
                                        color=["#e66101", "#5e3c99"])
        self._bar_axis.set_ylim(0, 1.9)
        self._bar_axis.set_yticks([0, 0.5, 1, 1.5])
        self._bar_axis.set_ylabel("relative change after the shift")
        self._bar_labels = [self._bar_axis.text(bar.get_x() + bar.get_width() / 2, 0, "",
                                                ha="center", va="bottom") for bar in self._bars]
        figure.subplots_adjust(left=0.02, right=0.97, bottom=0.08, top=0.9, wspace=0.25,
                               hspace=0.3)
        # everything but the bar chart's axes moves; the image axes have no ticks, so a new
        # shape needs no full drawing (show_image fits the box)
        moving = [*self._images.values(), *(axis.title for axis in self._axes.values()),
                  *self._bars, *self._bar_labels, self._bar_axis.title]
        self.view = FigureView(figure, dpi=72, animated=moving)
        self.redraw()
        self.watch_controls()
        self.widget = ipywidgets.VBox([
            ipywidgets.HBox([self.controls["pool_size"], self.controls["stride"]]),
            ipywidgets.HBox([self.controls["mode"], self.controls["shift"]]),
            self.view.image])

    def measure(self) -> dict[str, float]:
        """Relative change of the feature map and of the pooled one, for the current controls."""
        return shift_change(self.feature_map, self.controls["shift"].value,
                            self.controls["pool_size"].value, self.controls["stride"].value,
                            self.controls["mode"].value, self.max_shift)

    def redraw(self, moved: str | None = None) -> None:
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
            show_image(self._axes[key], self._images[key], image)
            self._axes[key].set_title(f"{titles[key]}: {image.shape[0]}x{image.shape[1]}",
                                      fontsize=9)
        for bar, label, value in zip(self._bars, self._bar_labels, changes, strict=True):
            bar.set_height(value)
            label.set_y(min(value, 1.8))
            label.set_text(f"{value:.2f}")
        self._bar_axis.set_title(f"{mode} pooling {size}x{size}, stride {stride}\n"
                                 f"shift {shift} px", fontsize=9)
        self.view.refresh(full=moved is None)
