"""course_utils.models.gan.latent: paths through a generator's latent space (lesson 08)."""

import numpy as np
import pytest

from course_utils.models import gan


def test_slerp_ends_at_its_endpoints_and_keeps_the_length():
    rng = np.random.default_rng(0)
    start, end = rng.normal(size=(2, 100))
    np.testing.assert_allclose(gan.slerp(start, end, 0.0), start, atol=1e-12)
    np.testing.assert_allclose(gan.slerp(start, end, 1.0), end, atol=1e-12)
    middle = gan.slerp(start, end, 0.5)
    straight = (start + end) / 2
    norms = np.linalg.norm([start, end], axis=1)
    assert norms.min() - 1e-9 <= np.linalg.norm(middle) <= norms.max() + 1e-9
    assert np.linalg.norm(straight) < np.linalg.norm(middle)


def test_slerp_of_parallel_vectors_falls_back_to_a_line():
    start = np.ones(4)
    np.testing.assert_allclose(gan.slerp(start, 2 * start, 0.5), 1.5 * start)


@pytest.mark.parametrize("call, words", [
    (lambda: gan.slerp(np.zeros(3), np.zeros(4), 0.5), "same length"),
    (lambda: gan.slerp(np.ones(3), np.ones(3), 1.5), "mix must be a number in [0, 1]"),
])
def test_bad_arguments_are_refused(call, words):
    with pytest.raises(ValueError) as error:
        call()
    assert words in str(error.value)
