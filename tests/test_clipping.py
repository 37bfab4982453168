"""Gradient clipping by global norm equals TensorFlow's, keeps the direction, caps the length."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from course_utils import recurrence

tf = pytest.importorskip("tensorflow")


def _gradients(seed: int, count: int) -> list[np.ndarray]:
    """``count`` arrays of different shapes and sizes, like dL/dW, dL/dU, dL/db."""
    rng = np.random.default_rng(seed)
    shapes = [(3, 4), (4, 4), (4,), (2, 3, 2), (1,)][:count]
    return [rng.normal(0, rng.uniform(0.1, 5.0), shape) for shape in shapes]


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 10_000), count=st.integers(1, 5),
       max_norm=st.floats(0.01, 100.0))
def test_clip_by_global_norm_equals_tensorflow(seed, count, max_norm):
    gradients = _gradients(seed, count)
    expected, _ = tf.clip_by_global_norm([tf.constant(g) for g in gradients], max_norm)
    got = recurrence.clip_by_global_norm(gradients, max_norm)
    assert len(got) == len(gradients)
    for mine, theirs in zip(got, expected, strict=True):
        np.testing.assert_allclose(mine, theirs.numpy(), rtol=1e-12, atol=1e-12)


def _flat(arrays):
    return np.concatenate([np.ravel(array) for array in arrays])


def test_clipping_keeps_the_direction_and_caps_the_length():
    gradients = _gradients(seed=3, count=4)
    norm = np.linalg.norm(_flat(gradients))
    clipped = recurrence.clip_by_global_norm(gradients, norm / 10)
    assert np.linalg.norm(_flat(clipped)) == pytest.approx(norm / 10)
    cosine = _flat(clipped) @ _flat(gradients) / (norm / 10 * norm)
    assert cosine == pytest.approx(1.0)
    for before, after in zip(gradients, clipped, strict=True):
        assert after.shape == before.shape


def test_below_the_threshold_nothing_changes():
    gradients = _gradients(seed=4, count=3)
    norm = np.linalg.norm(_flat(gradients))
    for max_norm in (norm, 2 * norm):
        for before, after in zip(gradients, recurrence.clip_by_global_norm(gradients, max_norm),
                                 strict=True):
            np.testing.assert_array_equal(after, before)


def test_the_norm_is_global_not_per_array():
    small, large = np.array([0.6, 0.8]), np.array([30.0, 40.0])  # norms 1 and 50
    clipped_small, clipped_large = recurrence.clip_by_global_norm([small, large], 5.0)
    scale = 5.0 / np.sqrt(1.0 + 50.0**2)
    np.testing.assert_allclose(clipped_small, small * scale)  # scaled down, though its norm < 5
    np.testing.assert_allclose(clipped_large, large * scale)


@pytest.mark.parametrize("max_norm", [0.0, -1.0, float("inf"), float("nan")])
def test_bad_max_norm_is_explained(max_norm):
    with pytest.raises(ValueError, match="max_norm must be"):
        recurrence.clip_by_global_norm([np.ones(2)], max_norm)


def test_bad_gradients_are_explained():
    with pytest.raises(ValueError, match=r"gradients\[1\] contains NaN"):
        recurrence.clip_by_global_norm([np.ones(2), np.array([np.nan])], 1.0)
