"""adversarial.play_seeds: the 2-D game over several seeds (lesson 07's comparison)."""

import numpy as np
import pytest

from course_utils import adversarial

REAL = adversarial.ring_of_gaussians(10_000, seed=0)
CENTERS = adversarial.ring_centers()


def _no_move(generator, discriminator, generator_optimizer, discriminator_optimizer,
             generator_loss):
    """A round in which neither player moves: what is measured is the start."""
    return lambda x_real, z_for_d, z_for_g: None


def test_shapes_and_rounds_measured():
    played = adversarial.play_seeds(REAL, CENTERS, 0.05, seeds=[3, 4], num_rounds=25,
                                    record_every=10, num_probe_points=300)
    np.testing.assert_array_equal(played["rounds"], [10, 20])
    for loss in adversarial.GENERATOR_LOSSES:
        assert played["modes_covered"][loss].shape == (2, 2)
        assert played["high_quality"][loss].shape == (2, 2)
        assert played["points"][loss].shape == (2, 300, 2)
        assert ((0 <= played["modes_covered"][loss]) & (played["modes_covered"][loss] <= 8)).all()


def test_every_loss_of_a_seed_starts_from_the_same_players():
    played = adversarial.play_seeds(REAL, CENTERS, 0.05, seeds=[0, 1], num_rounds=1,
                                    record_every=1, warmup_steps=2, num_probe_points=50,
                                    train_step_maker=_no_move)
    points = played["points"]
    np.testing.assert_array_equal(points["minimax"], points["non_saturating"])
    probe = np.random.default_rng(1).standard_normal((50, 2)).astype(np.float32)
    for row, seed in enumerate([0, 1]):  # the warm-up moves D only
        expected = adversarial.make_generator(seed=seed)(probe, training=False).numpy()
        np.testing.assert_allclose(points["minimax"][row], expected, rtol=1e-6, atol=1e-6)
    assert not np.allclose(points["minimax"][0], points["minimax"][1])


def test_noise_scale_shrinks_the_starting_cloud():
    spread = {}
    for scale in (1.0, 0.01):
        played = adversarial.play_seeds(REAL, CENTERS, 0.05, seeds=[0], num_rounds=1,
                                        record_every=1, noise_scale=scale,
                                        generator_losses=("non_saturating",),
                                        train_step_maker=_no_move)
        spread[scale] = played["points"]["non_saturating"][0].std(axis=0).mean()
    assert spread[0.01] == pytest.approx(spread[1.0] * 0.01, rel=0.2)


def test_a_game_repeats_with_its_seed():
    first, second = (adversarial.play_seeds(REAL, CENTERS, 0.05, seeds=[2], num_rounds=30,
                                            record_every=30, warmup_steps=5,
                                            generator_losses=("minimax",))
                     for _ in range(2))
    np.testing.assert_array_equal(first["points"]["minimax"], second["points"]["minimax"])


@pytest.mark.parametrize("arguments, words", [
    ({"seeds": [1, 1]}, "distinct"),
    ({"seeds": []}, "distinct"),
    ({"generator_losses": ("wasserstein",)}, "generator_losses"),
    ({"record_every": 50}, "record_every"),
    ({"noise_scale": 0.0}, "noise_scale"),
    ({"warmup_steps": -1}, "warmup_steps"),
])
def test_bad_arguments_say_what_is_wrong(arguments, words):
    call = {"seeds": [0], "num_rounds": 10, "record_every": 10} | arguments
    with pytest.raises(ValueError, match=words):
        adversarial.play_seeds(REAL, CENTERS, 0.05, **call)


def test_against_a_confident_discriminator_minimax_starts_later():
    # Lesson 07's comparison, cut at round 400. Measured (5 seeds, default threads): modes
    # covered summed over the seeds, minimax 1-2, non-saturating 13-16; minimax's median 0.
    played = adversarial.play_seeds(REAL, CENTERS, 0.05, seeds=[0, 1, 2, 3, 4],
                                    num_rounds=400, record_every=400, warmup_steps=300)
    minimax = played["modes_covered"]["minimax"][:, -1]
    non_saturating = played["modes_covered"]["non_saturating"][:, -1]
    assert np.median(minimax) <= 1, minimax
    assert non_saturating.sum() >= minimax.sum() + 4, (minimax, non_saturating)
