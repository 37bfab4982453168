"""Walk a generator's latent space (lesson 08): move along directions, slide between samples.

The compute functions are plain numpy (``gan.slerp`` from ``course_utils.models.gan``,
``latent_point``); ``LatentExplorer`` wraps them in sliders and calls the generator once
per change, on a batch of one.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from matplotlib.figure import Figure

from course_utils import _arrays
from course_utils._arrays import callable_model, run_first
from course_utils.explore._base import Explorer, FigureView, hide_ticks
from course_utils.models.gan import latent

__all__ = ["latent_directions", "latent_point", "LatentExplorer"]


def latent_directions(latent_dim: int, count: int, seed: int = 0) -> np.ndarray:
    """``count`` random orthonormal directions in latent space, shape (count, latent_dim)."""
    count = _arrays.whole_number(count, "count", 1, latent_dim,
                                 hint=f"at most latent_dim={latent_dim} directions are orthogonal")
    rng = np.random.default_rng(seed)
    basis, _ = np.linalg.qr(rng.normal(size=(latent_dim, count)))
    return basis.T


def latent_point(start: np.ndarray, end: np.ndarray, mix: float, directions: np.ndarray,
                 amounts: np.ndarray) -> np.ndarray:
    """slerp(start, end, mix) moved by amounts[i] along directions[i]; shape (D,).

    directions: (K, D) unit vectors; amounts: (K,) in units of one noise standard deviation.
    """
    directions, amounts = np.asarray(directions, np.float64), np.asarray(amounts, np.float64)
    if directions.ndim != 2 or amounts.shape != (len(directions),):
        raise ValueError(f"need directions (K, D) and amounts (K,), got {directions.shape} "
                         f"and {amounts.shape}")
    return latent.slerp(start, end, mix) + amounts @ directions


class LatentExplorer(Explorer):
    """Sliders over a generator's latent space; the image updates as they move.

    generator: a Keras model, noise (N, latent_dim) -> images (N, 28, 28[, 1]) in [0, 1].
    classifier: optional judge, images -> (N, 10) probabilities; its verdict is shown.
    The "pair" slider picks two samples A and B (noise drawn with ``seed + pair``), "A -> B"
    slides between them, and each "direction k" slider moves along a random direction.
    """

    name = "latent"

    def __init__(self, generator: Any, latent_dim: int = 100, directions: int = 3,
                 classifier: Any = None, seed: int = 0, pairs: int = 10):
        import ipywidgets
        import tensorflow as tf

        super().__init__()
        section = run_first("A better design: the DCGAN")
        callable_model(generator, "generator", "a Keras generator such as shipped_generator",
                       section)
        if classifier is not None:
            callable_model(classifier, "classifier", "a digit classifier such as judge",
                           run_first("Measure, do not eyeball"))
        self.generator, self.classifier = generator, classifier
        # A compiled direct call: a few ms for one image, where model.predict costs ~600 ms.
        self._call_generator = tf.function(lambda noise: generator(noise, training=False))
        self._judge = (None if classifier is None
                       else tf.function(lambda images: classifier(images, training=False)))
        self.latent_dim, self.seed = latent_dim, seed
        self.directions = latent_directions(latent_dim, directions, seed=seed + 10_000)
        self.controls = {"pair": ipywidgets.IntSlider(value=0, min=0, max=pairs - 1,
                                                      description="pair")}
        self.controls["mix"] = ipywidgets.FloatSlider(value=0.0, min=0.0, max=1.0, step=0.05,
                                                      description="A -> B")
        for index in range(directions):
            self.controls[f"direction_{index + 1}"] = ipywidgets.FloatSlider(
                value=0.0, min=-3.0, max=3.0, step=0.25, description=f"direction {index + 1}")
        figure = Figure(figsize=(5.4, 2.1))
        axes = figure.subplots(1, 3)
        blank = np.zeros((28, 28))
        self._images = [axis.imshow(blank, cmap="gray_r", vmin=0, vmax=1, interpolation="nearest")
                        for axis in axes]
        self._axes = axes
        for axis in axes:
            hide_ticks(axis)
        figure.tight_layout()
        # the axes stay; the three images and their titles move
        self.view = FigureView(figure, animated=[*self._images,
                                                 *(axis.title for axis in axes)])
        self._pair = None
        self.redraw()
        self.watch_controls()
        self.widget = ipywidgets.HBox([ipywidgets.VBox(list(self.controls.values())),
                                       self.view.image])

    def pair(self, index: int) -> tuple[np.ndarray, np.ndarray]:
        """The latent vectors A and B of pair ``index``, each of shape (latent_dim,)."""
        rng = np.random.default_rng(self.seed + index)
        return tuple(rng.normal(size=(2, self.latent_dim)))

    def point(self) -> np.ndarray:
        """The latent vector the sliders point at now, shape (latent_dim,)."""
        start, end = self.pair(self.controls["pair"].value)
        amounts = np.array([self.controls[f"direction_{k + 1}"].value
                            for k in range(len(self.directions))])
        return latent_point(start, end, self.controls["mix"].value, self.directions, amounts)

    def generate(self, noise: np.ndarray) -> np.ndarray:
        """Images (N, 28, 28) for noise (N, latent_dim): one direct call, no predict()."""
        images = self._call_generator(np.asarray(noise, np.float32))
        return np.asarray(images).reshape(len(noise), 28, 28)

    def _verdict(self, image: np.ndarray) -> str:
        if self._judge is None:
            return ""
        probabilities = np.asarray(self._judge(image[None, ..., None].astype(np.float32)))[0]
        return f": a {probabilities.argmax()} ({probabilities.max():.0%})"

    def redraw(self, moved: str | None = None) -> None:
        pair = self.controls["pair"].value
        if pair != self._pair:  # A and B change only with the pair: draw them in one batch
            start, end = self.pair(pair)
            ends = self.generate(np.stack([start, end]))
            for artist, axis, image, label in zip(self._images[::2], self._axes[::2], ends,
                                                  ("A", "B"), strict=True):
                artist.set_data(image)
                axis.set_title(f"sample {label}{self._verdict(image)}", fontsize=9)
            self._pair = pair
        image = self.generate(self.point()[None])[0]
        self._images[1].set_data(image)
        self._axes[1].set_title(f"now{self._verdict(image)}", fontsize=9)
        self.view.refresh(full=moved is None)
