"""How good are generated digits? Scores from a digit classifier used as a judge (lesson 08).

    digit_scores(classifier, images)   share of confident samples, classes covered
    frechet_distance(features_a, features_b)   distance between two clouds of features

The course's judge is ``models.digits.load_digit_classifier()``; its probabilities come from
``models.digits.digit_probabilities`` and its penultimate layer
(``models.digits.digit_features``) gives the features for the Frechet distance. Both
scores work with any classifier mapping (N, 28, 28, 1) images to (N, K) probabilities.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from course_utils import _arrays
from course_utils.models import digits

__all__ = ["classes_covered", "digit_scores", "frechet_distance"]


def classes_covered(histogram: Any) -> float:
    """exp(entropy) of a class histogram: the number of equally likely classes it is worth.

    10 equal counts give 10.0; all samples in one class give 1.0; two classes half and
    half give 2.0.
    """
    counts = np.asarray(histogram, dtype=np.float64)
    if counts.ndim != 1 or counts.sum() <= 0 or np.any(counts < 0):
        raise ValueError(f"histogram must be a 1-D array of non-negative counts with a "
                         f"positive total, got {counts!r}")
    shares = counts[counts > 0] / counts.sum()
    return float(np.exp(-np.sum(shares * np.log(shares))))


def digit_scores(classifier: Any, images: Any, threshold: float = 0.9) -> dict[str, Any]:
    """Judge generated (or real) digits with a classifier.

    classifier: maps (N, 28, 28, 1) images to (N, K) probabilities, e.g. the course's judge
    ``models.digits.load_digit_classifier()``.
    images: (N, 28, 28) or (N, 28, 28, 1) in [0, 1]. Returns a dict with
    ``conf90``: share of images whose top class has probability > ``threshold``;
    ``classes_covered``: exp(entropy) of the histogram of top classes (10 = every digit
    equally often, 1 = a single digit: mode collapse); ``histogram``: counts per class;
    ``predicted``: the top class of each image.
    """
    threshold = _arrays.fraction(threshold, "threshold", low_open=True, high_open=True)
    probabilities = digits.digit_probabilities(classifier, images).astype(np.float64)
    if probabilities.ndim != 2 or not np.allclose(probabilities.sum(axis=1), 1.0, atol=1e-3):
        raise ValueError(f"the classifier must return probabilities of shape (N, K) that sum "
                         f"to 1, got shape {probabilities.shape}: does it end with a softmax?")
    predicted = probabilities.argmax(axis=1)
    histogram = np.bincount(predicted, minlength=probabilities.shape[1])
    return {
        "conf90": float(np.mean(probabilities.max(axis=1) > threshold)),
        "classes_covered": classes_covered(histogram),
        "histogram": histogram,
        "predicted": predicted,
    }


def _sqrt_psd(matrix: np.ndarray) -> np.ndarray:
    """Symmetric square root of a symmetric positive semi-definite matrix (via eigh)."""
    values, vectors = np.linalg.eigh((matrix + matrix.T) / 2)
    return (vectors * np.sqrt(np.clip(values, 0.0, None))) @ vectors.T


def frechet_distance(features_a: Any, features_b: Any) -> float:
    """Frechet distance between Gaussians fitted to two feature sets (N, D) and (M, D).

    d = |mu_a - mu_b|^2 + Tr(S_a + S_b - 2 (S_a^1/2 S_b S_a^1/2)^1/2), the formula of the
    FID; 0 for identical sets. Square roots come from symmetric eigendecompositions, so
    the result is real and never negative. Both sets need at least 2 rows.
    """
    a = np.asarray(features_a, dtype=np.float64)
    b = np.asarray(features_b, dtype=np.float64)
    if a.ndim != 2 or b.ndim != 2 or a.shape[1] != b.shape[1]:
        raise ValueError(f"features must be two arrays (N, D) and (M, D) with the same D, "
                         f"got {a.shape} and {b.shape}")
    if len(a) < 2 or len(b) < 2:
        raise ValueError(f"each feature set needs at least 2 rows for a covariance, got "
                         f"{len(a)} and {len(b)}")
    if not (np.all(np.isfinite(a)) and np.all(np.isfinite(b))):
        raise ValueError("features contain NaN or infinite values")
    mean_a, mean_b = a.mean(axis=0), b.mean(axis=0)
    cov_a, cov_b = np.cov(a, rowvar=False), np.cov(b, rowvar=False)
    root_a = _sqrt_psd(cov_a)
    middle = np.linalg.eigvalsh((root_a @ cov_b @ root_a + (root_a @ cov_b @ root_a).T) / 2)
    trace_root = np.sum(np.sqrt(np.clip(middle, 0.0, None)))
    distance = np.sum((mean_a - mean_b) ** 2) + np.trace(cov_a) + np.trace(cov_b) - 2 * trace_root
    return float(max(distance, 0.0))
