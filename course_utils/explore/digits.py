"""The digit explorer (lesson 03): move, turn and blur a test digit, watch the CNN's belief."""

from __future__ import annotations

from typing import Any

import numpy as np
from matplotlib.figure import Figure
from scipy import ndimage

from course_utils import _arrays
from course_utils._arrays import callable_model, given, run_first
from course_utils.explore._base import Explorer, FigureView, hide_ticks

__all__ = ["transform_digit", "DigitExplorer"]


def transform_digit(image: np.ndarray, shift_x: float = 0.0, shift_y: float = 0.0,
                    rotation_degrees: float = 0.0, noise: float = 0.0,
                    seed: int = 0) -> np.ndarray:
    """A digit rotated about its centre, shifted, then with Gaussian noise added.

    image: (28, 28) in [0, 1]. shift_x/shift_y in pixels (right/down are positive),
    rotation_degrees anticlockwise, noise the standard deviation of the added noise
    (the same noise pattern for a given ``seed``). Returns float32 (28, 28) clipped to [0, 1].
    """
    image = np.asarray(image, dtype=np.float32)
    if image.shape != (28, 28):
        raise ValueError(f"expected one digit of shape (28, 28), got {image.shape}: "
                         "pick one image, e.g. x_test[0]")
    noise = _arrays.non_negative_number(noise, "noise",
                                        hint="it is a standard deviation, 0 for none")
    moved = image
    if rotation_degrees:
        moved = ndimage.rotate(moved, rotation_degrees, reshape=False, order=1,
                               mode="constant", cval=0.0)
    if shift_x or shift_y:
        moved = ndimage.shift(moved, (shift_y, shift_x), order=1, mode="constant", cval=0.0)
    if noise:
        moved = moved + noise * np.random.default_rng(seed).standard_normal(moved.shape)
    return np.clip(moved, 0.0, 1.0).astype(np.float32)


class DigitExplorer(Explorer):
    """Pick a test digit, shift, rotate or add noise to it; the ten probabilities update live.

    model: a Keras digit classifier, (N, 28, 28, 1) in [0, 1] -> (N, 10) probabilities,
    called directly (never ``model.predict``). images: (N, 28, 28); labels: (N,).
    """

    name = "digit"

    def __init__(self, model: Any, images: np.ndarray, labels: np.ndarray, index: int = 0):
        import ipywidgets

        super().__init__()
        callable_model(model, "model", "a Keras digit classifier such as classifier",
                       run_first("The course CNN, fully trained: a shipped checkpoint"))
        data_first = run_first("The data: 5,000 real handwritten digits")
        given(images, "images", "the test digits x_test, of shape (N, 28, 28)", data_first)
        given(labels, "labels", "the test labels y_test, of shape (N,)", data_first)
        self.model = model
        self.images = np.asarray(images, dtype=np.float32)
        self.labels = np.asarray(labels)
        if self.images.ndim != 3 or self.images.shape[1:] != (28, 28):
            raise ValueError(f"images must be digits of shape (N, 28, 28) such as x_test, got "
                             f"{self.images.shape}: {data_first}")
        if self.labels.shape != (len(self.images),):
            raise ValueError(f"{len(self.images)} images but labels of shape "
                             f"{self.labels.shape}: pass x_test with y_test ({data_first})")
        if not 0 <= index < len(self.images):
            raise ValueError(f"index must be between 0 and {len(self.images) - 1}, got {index}")
        slider = ipywidgets.IntSlider
        self.controls = {
            "index": slider(value=index, min=0, max=len(self.images) - 1,
                            description="test digit"),
            "shift_x": slider(value=0, min=-8, max=8, description="shift right"),
            "shift_y": slider(value=0, min=-8, max=8, description="shift down"),
            "rotation": slider(value=0, min=-90, max=90, step=5, description="rotate (°)"),
            "noise": ipywidgets.FloatSlider(value=0.0, min=0.0, max=0.8, step=0.05,
                                            description="noise"),
        }
        figure = Figure(figsize=(6.4, 2.6))
        left, right = figure.subplots(1, 2, gridspec_kw={"width_ratios": [1, 1.6]})
        self._image = left.imshow(self.images[index], cmap="gray_r", vmin=0, vmax=1)
        hide_ticks(left)
        self._left, self._right = left, right
        self._bars = right.bar(range(10), np.zeros(10), color="#bbbbbb")
        right.set_xticks(range(10))
        right.set_ylim(0, 1.05)
        right.set_yticks([0, 0.5, 1])  # few ticks: every redraw lays out each tick label
        right.set_xlabel("digit class")
        right.set_ylabel("probability")
        left.set_title("true label 0")
        self._text = right.set_title("prediction 0 (100%): right")
        figure.tight_layout()
        # the axes stay; the digit, the bars and the two titles move
        self.view = FigureView(figure, animated=[self._image, *self._bars, left.title,
                                                 self._text])
        self.redraw()
        self.watch_controls()
        self.widget = ipywidgets.HBox([
            ipywidgets.VBox(list(self.controls.values())), self.view.image])

    def probabilities(self, image: np.ndarray) -> np.ndarray:
        """The model's ten probabilities for one (28, 28) image, by a direct call."""
        return np.asarray(self.model(image[None, :, :, None], training=False))[0]

    def current_image(self) -> np.ndarray:
        """The digit as the controls transform it, (28, 28) in [0, 1]."""
        values = {name: control.value for name, control in self.controls.items()}
        return transform_digit(self.images[values["index"]], values["shift_x"],
                                values["shift_y"], values["rotation"], values["noise"],
                                seed=values["index"])

    def redraw(self, moved: str | None = None) -> None:
        image = self.current_image()
        probabilities = self.probabilities(image)
        label = int(self.labels[self.controls["index"].value])
        guess = int(probabilities.argmax())
        for digit, bar in enumerate(self._bars):
            bar.set_height(probabilities[digit])
            # blue: the true class; orange: a wrong guess; grey: the rest (colourblind-safe)
            bar.set_color("#0072b2" if digit == label else
                          "#e69f00" if digit == guess else "#bbbbbb")
        self._image.set_data(image)
        self._left.set_title(f"true label {label}")
        verdict = "right" if guess == label else "wrong"
        self._text.set_text(f"prediction {guess} ({probabilities[guess]:.0%}): {verdict}")
        self.view.refresh(full=moved is None)
