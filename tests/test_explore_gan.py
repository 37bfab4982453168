"""The latent explorer: its numpy pieces, its live updates and its speed (slerp: see
test_models_gan_latent.py)."""

import numpy as np
import pytest

from course_utils.explore import gan as explore_gan
from course_utils.models import gan
from tests.conftest import assert_within_latency_budget


@pytest.fixture(scope="module")
def generator():
    import keras

    keras.utils.set_random_seed(0)
    return gan.dcgan_generator(width=16)


def test_directions_are_orthonormal():
    directions = explore_gan.latent_directions(100, 3, seed=1)
    assert directions.shape == (3, 100)
    np.testing.assert_allclose(directions @ directions.T, np.eye(3), atol=1e-10)


def test_latent_point_moves_along_directions():
    directions = explore_gan.latent_directions(10, 2)
    start, end = np.random.default_rng(0).normal(size=(2, 10))
    moved = explore_gan.latent_point(start, end, 0.0, directions, np.array([2.0, 0.0]))
    np.testing.assert_allclose(moved - start, 2.0 * directions[0], atol=1e-12)


@pytest.mark.parametrize("call, words", [
    (lambda: explore_gan.latent_directions(5, 6), "count must be an int between"),
    (lambda: explore_gan.latent_point(np.ones(3), np.ones(3), 0.5, np.eye(3), np.ones(2)),
     "amounts (K,)"),
])
def test_bad_arguments_are_refused(call, words):
    with pytest.raises(ValueError) as error:
        call()
    assert words in str(error.value)


def test_sliders_change_the_middle_image(generator):
    explorer = explore_gan.LatentExplorer(generator, seed=3)
    before = explorer._images[1].get_array().copy()
    png = explorer.view.image.value
    explorer.controls["mix"].value = 1.0
    after_mix = explorer._images[1].get_array().copy()
    np.testing.assert_allclose(after_mix, explorer._images[2].get_array(), atol=1e-5)
    explorer.controls["direction_1"].value = 3.0
    assert not np.allclose(explorer._images[1].get_array(), after_mix)
    assert not np.allclose(before, after_mix)
    assert explorer.view.image.value != png


def test_the_pair_slider_draws_new_endpoints(generator):
    explorer = explore_gan.LatentExplorer(generator)
    first = explorer._images[0].get_array().copy()
    explorer.controls["pair"].value = 1
    assert not np.allclose(explorer._images[0].get_array(), first)


def test_the_judge_verdict_is_shown(generator):
    def judge(images, training=False):
        probabilities = np.full((len(images), 10), 0.02)
        probabilities[:, 4] = 0.82
        return probabilities

    explorer = explore_gan.LatentExplorer(generator, classifier=judge)
    assert explorer._axes[1].get_title() == "now: a 4 (82%)"


def test_a_slider_move_draws_one_image(generator):
    explorer = explore_gan.LatentExplorer(generator)
    batches = []
    generate = explorer.generate
    explorer.generate = lambda noise: batches.append(len(noise)) or generate(noise)
    explorer.controls["direction_2"].value = -1.0
    explorer.controls["mix"].value = 0.5
    assert batches == [1, 1]
    explorer.controls["pair"].value = 2
    assert batches == [1, 1, 2, 1]  # a new pair: A and B in one batch, then the middle


def test_latency_is_measured(generator):
    explorer = explore_gan.LatentExplorer(generator)
    assert assert_within_latency_budget(explorer)["changes"] > 0
