"""call_in_batches: the course's one way to run a model on many inputs."""

import numpy as np
import pytest

from course_utils.models import inference


def _row_sums(x, training=False):
    """A stand-in model that records the size of each batch it is called on."""
    _row_sums.calls.append(len(x))
    return np.asarray(x).reshape(len(x), -1).sum(axis=1, keepdims=True)


def _pairs(inputs, training=False):
    """A stand-in model with two inputs: noise rows plus their label."""
    noise, labels = inputs
    return np.asarray(noise) + np.asarray(labels)[:, None]


def test_batches_give_the_same_rows_as_one_call_in_order():
    _row_sums.calls = []
    x = np.arange(70 * 3, dtype=np.float32).reshape(70, 3)
    batched = inference.call_in_batches(_row_sums, x, batch_size=32)
    np.testing.assert_array_equal(batched, x.sum(axis=1, keepdims=True))
    assert _row_sums.calls == [32, 32, 6]


def test_a_model_with_several_inputs_gets_matching_slices():
    noise = np.arange(10, dtype=np.float32).reshape(5, 2)
    labels = np.array([0, 10, 20, 30, 40])
    batched = inference.call_in_batches(_pairs, [noise, labels], batch_size=2)
    np.testing.assert_array_equal(batched, noise + labels[:, None])


@pytest.mark.parametrize("inputs, batch_size, words", [
    ([np.zeros((4, 2)), np.zeros(3)], 2, "share their first axis"),
    (np.zeros((4, 2)), 0, "batch_size"),
])
def test_bad_inputs_are_explained(inputs, batch_size, words):
    with pytest.raises(ValueError, match=words):
        inference.call_in_batches(_pairs, inputs, batch_size=batch_size)
