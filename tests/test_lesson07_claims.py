"""Figures that lesson 07 writes in its prose agree with what its code sets and publishes.

Each claim is found by its words in the lesson's markdown (if the words change, the test says
so and its check is updated with them), then held against its source: a constant in the code
cell that makes it, or the figure the lesson publishes with `results.publish`, as recorded in
benchmarks/results.json by `make bench`. The thresholds sit far from the measured spread: the
lesson's verdicts must hold on any machine, not only on the one that recorded the figures.
"""

from __future__ import annotations

import inspect
import math
import re

from course_utils import adversarial
from tests.lesson_text import code_cell, prose, published, says


def _code_cell(marker: str) -> str:
    """The code cell holding ``marker``, its white space made single spaces."""
    return re.sub(r"\s+", " ", code_cell("07", marker))


COMPARISON = "comparison = adversarial.play_seeds("
COLLAPSE = "collapse = adversarial.play_seeds("


def test_the_comparison_is_played_as_the_prose_describes():
    says("07", "So play five seeds. For each seed the start is made as above: a fresh G, and D trained "
          "alone against it for 300 steps. From that same start, 800 rounds with each loss, on "
          "the same batches, counting the modes covered every 100 rounds.")
    says("07", "plays the ten games with your round (`my_make_train_step`)")
    code = _code_cell(COMPARISON)
    assert "seeds = [0, 1, 2, 3, 4]" in code
    for setting in ("num_rounds=800", "warmup_steps=300", "record_every=100",
                    "train_step_maker=my_make_train_step"):
        assert setting in code, setting
    assert "generator_losses" not in code, "the comparison must play both losses"
    assert 'index(400)' in code
    says("07", "at round 400 most minimax games still cover no mode at all")


def test_the_collapse_is_provoked_as_the_prose_describes():
    says("07", "G's noise is 100 times smaller than usual (`noise_scale=0.01`)")
    says("07", "G learns at a quarter of D's rate (5e-4 against 2e-3). Five seeds again, 800 rounds, "
          "measured every 50 rounds.")
    code = _code_cell(COLLAPSE)
    for setting in ("seeds=seeds", "num_rounds=800", "record_every=50", "noise_scale=0.01",
                    "generator_learning_rate=5e-4", "discriminator_learning_rate=2e-3"):
        assert setting in code, setting
    assert 5e-4 / 2e-3 == 0.25
    says("07", "every measurement from round 400 on")
    assert '>= 400' in _code_cell("collapsed_modes = ")


def test_fair_share_in_the_prose_is_the_measure_s():
    says("07", "(2,000 / 8 = 250 points, so at least 63 high-quality points)")
    assert "standard_normal((2000, noise_dim))" in _code_cell("probe_noise = ")
    fair_share = inspect.signature(adversarial.mode_coverage).parameters["fair_share"].default
    assert math.ceil(fair_share * 2000 / 8) == 63


def test_minimax_starts_later_and_the_final_ranges_overlap():
    # Measured over seeds 0-4 (and 5-9): minimax median at round 400 is 0, its games cover at
    # most 2 modes there; at round 800 the best minimax game covers 7-8 modes, the worst
    # non-saturating one 1-2.
    says("07", "at round 400 most minimax games still cover no mode at all, while the non-saturating "
          "games are further along")
    early_minimax = published("gan2d.minimax_modes_median_round_400")
    assert early_minimax <= 1
    assert published("gan2d.non_saturating_modes_median_round_400") >= early_minimax
    says("07", "By round 800 the ranges overlap: the best minimax game covers at least as many modes "
          "as the worst non-saturating one")
    assert published("gan2d.minimax_modes_max") >= published("gan2d.non_saturating_modes_min")
    says("07", "even a gradient hundreds of times smaller (the ratio printed above)")
    assert published("gan2d.gradient_ratio_non_saturating_to_minimax") >= 100


def test_collapse_is_few_modes_drawn_well_and_the_balanced_game_is_not():
    # Measured: the collapsed clump covers at most 1 mode in all 45 measurements; when on a
    # mode, a median 100% of its points are high quality; balanced games: median 4-5 modes,
    # 35% high quality.
    says("07", "Collapsed games sit at one mode with nearly every point high quality, or at none while "
          "the clump moves; balanced games cover several modes with a smaller share of "
          "high-quality points.")
    assert published("gan2d.collapsed_modes_max") <= 1
    on_a_mode = published("gan2d.collapsed_high_quality_on_a_mode")
    assert on_a_mode >= 0.8
    assert published("gan2d.collapsed_on_a_mode_share") > 0
    assert published("gan2d.balanced_modes_median") >= 3
    assert published("gan2d.balanced_high_quality_median") <= on_a_mode - 0.3


def test_no_sentence_of_the_old_single_seed_story_is_left():
    for words in ("Continue the game from this point", "stay bunched in one narrow patch",
                  "Low-loss curves do not reveal it", "a discriminator that learns at least as "
                  "fast", "ten times faster than the discriminator"):
        assert words not in prose("07"), f"lesson 07 still says {words!r}, which its code no longer shows"
