"""A first explorer (lesson 00): a digit seen through a brightness threshold."""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from course_utils._arrays import given, run_first
from course_utils.explore._base import Explorer, FigureView, hide_ticks

__all__ = ["threshold", "ThresholdExplorer"]


def threshold(image: np.ndarray, level: float) -> np.ndarray:
    """Pixels brighter than ``level`` become 1, the others 0. image: (H, W) in [0, 1]."""
    image = np.asarray(image, dtype=np.float32)
    if image.ndim != 2:
        raise ValueError(f"image must have shape (H, W), got {image.shape}")
    return (image > level).astype(np.float32)


class ThresholdExplorer(Explorer):
    """A slider that thresholds a digit; the picture and the count of 'on' pixels update."""

    name = "threshold"

    def __init__(self, image: np.ndarray, level: float = 0.5):
        import ipywidgets

        super().__init__()
        given(image, "image", "one digit of shape (28, 28), e.g. x_train[0]",
              run_first("A first look at the data"))
        self.image = np.asarray(image, dtype=np.float32)
        if self.image.ndim != 2 or min(self.image.shape) < 8:
            # a digit is a picture; a row of numbers (a window of a series) is not
            raise ValueError(f"image must be one digit of shape (28, 28), e.g. x_train[0], got "
                             f"shape {self.image.shape}: "
                             f"{run_first('A first look at the data')}")
        self.controls = {"level": ipywidgets.FloatSlider(
            value=level, min=0.0, max=0.95, step=0.05, description="threshold",
            continuous_update=True)}
        figure = Figure(figsize=(5, 2.6))
        left, right = figure.subplots(1, 2)
        left.imshow(self.image, cmap="gray_r", vmin=0, vmax=1)
        left.set_title("digit")
        self._shown = right.imshow(threshold(self.image, level), cmap="gray_r", vmin=0, vmax=1)
        for axis in (left, right):
            hide_ticks(axis)
        self._right = right
        figure.tight_layout()
        # only the thresholded picture and its title move
        self.view = FigureView(figure, animated=[self._shown, right.title])
        self.redraw()
        self.watch_controls()
        self.widget = ipywidgets.VBox([self.controls["level"], self.view.image])

    def redraw(self, moved: str | None = None) -> None:
        level = self.controls["level"].value
        binary = threshold(self.image, level)
        self._shown.set_data(binary)
        self._right.set_title(f"above {level:.2f}: {int(binary.sum())} pixels on")
        self.view.refresh(full=moved is None)
