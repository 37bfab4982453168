"""Paths through a generator's latent space (lesson 08)."""

from __future__ import annotations

import numpy as np

from course_utils import _arrays

__all__ = ["slerp"]


def slerp(start: np.ndarray, end: np.ndarray, mix: float) -> np.ndarray:
    """Spherical interpolation between two latent vectors (D,): mix 0 -> start, 1 -> end.

    Noise vectors of a 100-d Gaussian all have length about 10; a straight line between
    two of them passes through shorter vectors the generator rarely saw, the arc does not.
    """
    start, end = np.asarray(start, np.float64), np.asarray(end, np.float64)
    if start.shape != end.shape or start.ndim != 1:
        raise ValueError(f"start and end must be vectors of the same length, got "
                         f"{start.shape} and {end.shape}")
    mix = _arrays.fraction(mix, "mix")
    cosine = np.dot(start, end) / (np.linalg.norm(start) * np.linalg.norm(end))
    angle = np.arccos(np.clip(cosine, -1.0, 1.0))
    if angle < 1e-6:
        return (1 - mix) * start + mix * end
    return (np.sin((1 - mix) * angle) * start + np.sin(mix * angle) * end) / np.sin(angle)
