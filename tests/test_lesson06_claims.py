"""Figures that lesson 06 writes about the adding problem agree with what its code computes.

Each claim is found by its words in the lesson's markdown (if the words change, the test says
so and its check is updated with them), then held against its source: an exact value in
course_utils.sequences, the learning-rate grid that python -m tools.tune_adding recorded in
course_utils/checkpoints/adding_grid.json (which the lesson prints), a gradient recomputed here
from the initial weights without training, or a figure the lesson publishes, as recorded in
benchmarks/results.json by `make bench`.
"""

from __future__ import annotations

import re

import numpy as np
import pytest

from course_utils import sequences
from tests.lesson_text import code_cell, published, says

CELLS = ("SimpleRNN", "LSTM", "GRU")
FIGURE_NAMES = {"SimpleRNN": "simple", "LSTM": "lstm", "GRU": "gru"}


@pytest.fixture(scope="module")
def grid() -> dict:
    return sequences.adding_grid()


def _final_scores(grid: dict, cell: str, rate: float) -> list[float]:
    return [run["validation_mse"][-1] for run in grid["runs"][cell][str(rate)].values()]


def test_06_baselines_are_the_exact_values_the_prose_gives():
    says("06", "1/6 ≈ 0.167")
    assert f"{sequences.TRIVIAL_MSE:.3f}" == "0.167"
    says("06", "its value plus 0.5 (the average of the other)")
    says("06", "whose variance is 1/12 ≈ 0.083")
    assert f"{sequences.RECENT_ONLY_MSE:.3f}" == "0.083"
    code = code_cell("06", 'results.publish("adding.recent_only_mse"')
    assert "sequences.recent_only_prediction(x_add_test)" in code
    x, y = sequences.adding_problem(2_000, 50, seed=2)  # the lesson's test sequences
    assert abs(np.mean((sequences.recent_only_prediction(x) - y) ** 2) - 1 / 12) < 0.01


def test_06_grid_is_the_fair_grid_the_prose_describes(grid):
    says("06", "with Adam at the same four learning rates, from 0.0003 to 0.01, with the same two "
          "seeds, on the same 20,000 sequences, for the same 5 epochs with batches of 128")
    rates, settings = grid["learning_rates"], grid["settings"]
    assert len(rates) == 4 and min(rates) == 0.0003 and max(rates) == 0.01
    assert len(grid["seeds"]) == 2
    assert (settings["train_sequences"], settings["num_epochs"], settings["batch_size"],
            settings["units"], settings["length"]) == (20_000, 5, 128, 32, 50)
    for cell in CELLS:
        assert set(grid["runs"][cell]) == {str(rate) for rate in rates}, cell
        for by_seed in grid["runs"][cell].values():
            assert set(by_seed) == {str(seed) for seed in grid["seeds"]}
            assert all(len(run["validation_mse"]) == 5 for run in by_seed.values())
        means = {rate: np.mean(_final_scores(grid, cell, rate)) for rate in rates}
        assert grid["chosen_learning_rate"][cell] == min(means, key=means.get), cell


def test_06_lesson_trains_on_the_grids_data_and_recipe_and_chooses_on_validation(grid):
    settings = grid["settings"]
    data_code = code_cell("06", "x_add_train, y_add_train = sequences.adding_problem(")
    seeds = {name: int(seed) for name, seed in re.findall(
        r"x_add_(\w+), y_add_\w+ = sequences\.adding_problem\([\d_]+, length, seed=(\d+)\)",
        data_code)}
    assert seeds["train"] == settings["train_seed"]
    assert seeds["valid"] == settings["validation_seed"]
    assert seeds["test"] not in (settings["train_seed"], settings["validation_seed"])
    assert "adding_problem(20_000, length" in data_code and "length = 50" in data_code
    says("06", "scored after the last epoch on the 2,000 **validation** sequences")
    assert f"adding_problem(2_000, length, seed={settings['validation_seed']})" in data_code
    train_code = code_cell("06", "def train_adding_model(")
    for words in ("batch_size=128", "num_epochs=5", "epochs=num_epochs", "(32)",
                  "validation_data=(x_add_valid, y_add_valid)", "chosen_rates[name]",
                  "course_utils.set_seed(0)", "keras.optimizers.Adam(learning_rate="):
        assert words in train_code, words
    assert "validation_data=(x_add_test" not in train_code


def test_06_grid_verdicts_are_the_recorded_ones(grid):
    says("06", "LSTM and GRU learn the task at their best rate, 0.01")
    for cell in ("LSTM", "GRU"):
        assert grid["chosen_learning_rate"][cell] == 0.01
        assert max(_final_scores(grid, cell, 0.01)) < 0.01
    says("06", "and stall at the smallest, 0.0003")
    for cell in ("LSTM", "GRU"):
        assert min(_final_scores(grid, cell, 0.0003)) > 0.9 * sequences.TRIVIAL_MSE
    says("06", "The SimpleRNN's best rate is 0.003, and even there the two seeds disagree: one stays "
          "at the trivial 1/6, the other falls to about 0.11")
    assert grid["chosen_learning_rate"]["SimpleRNN"] == 0.003
    low, high = sorted(_final_scores(grid, "SimpleRNN", 0.003))
    assert round(low, 2) == 0.11 and high > 0.9 * sequences.TRIVIAL_MSE
    says("06", "No SimpleRNN run gets below 1/12 in 5 epochs")
    scores = [score for by_seed in grid["runs"]["SimpleRNN"].values()
              for run in by_seed.values() for score in run["validation_mse"]]
    assert min(scores) > sequences.RECENT_ONLY_MSE


def _longer(grid: dict, rate: float) -> list[list[float]]:
    (entry,) = [entry for entry in grid["longer"].values()
                if entry["cell"] == "SimpleRNN" and entry["learning_rate"] == rate]
    assert entry["num_epochs"] == 20 and set(entry["runs"]) == {str(s) for s in grid["seeds"]}
    return [run["validation_mse"] for run in entry["runs"].values()]


def test_06_longer_simple_rnn_runs_say_what_the_prose_says(grid):
    says("06", "trained the SimpleRNN for 20 epochs, four times as long, at its chosen rate and at "
          "the next smaller one, 0.001, with the same two seeds")
    assert grid["chosen_learning_rate"]["SimpleRNN"] == 0.003
    assert sorted(grid["learning_rates"])[1] == 0.001
    says("06", "At 0.001 both seeds pass 1/12 after about ten epochs and end well below it")
    for scores in _longer(grid, 0.001):
        below = np.flatnonzero(np.array(scores) < sequences.RECENT_ONLY_MSE)
        assert below.size and 7 <= below[0] + 1 <= 13, scores  # the first epoch below 1/12
        assert scores[-1] < sequences.RECENT_ONLY_MSE / 1.5, scores
    says("06", "At 0.003, the rate that looked best after 5 epochs, both seeds come close to 1/12 and "
          "then fall back to 1/6")
    for scores in _longer(grid, 0.003):
        assert min(scores) < 1.2 * sequences.RECENT_ONLY_MSE, scores
        assert scores[-1] > 0.9 * sequences.TRIVIAL_MSE, scores
    says("06", "still ends with several times the error the LSTM and the GRU reach in 5")
    simple_best = min(scores[-1] for scores in _longer(grid, 0.001))
    gated_worst = max(max(_final_scores(grid, cell, 0.01)) for cell in ("LSTM", "GRU"))
    assert simple_best > 3 * gated_worst, (simple_best, gated_worst)


def _initial_ratios(seed: int) -> dict[str, float]:
    """First-over-second-marker gradient of each fresh model, as the lesson measures it."""
    import keras

    import course_utils

    x, y = sequences.adding_problem(2_000, 50, seed=3)
    x, y = x[:500], y[:500]
    first, second = sequences.marker_steps(x)
    rows = np.arange(500)
    ratios = {}
    for cell in CELLS:
        course_utils.set_seed(seed)
        model = keras.Sequential([keras.Input((50, 2)), getattr(keras.layers, cell)(32),
                                  keras.layers.Dense(1)])
        norms = sequences.loss_gradient_norms(model, x, y)
        ratios[cell] = norms[rows, first].mean() / norms[rows, second].mean()
    return ratios


def test_06_gradient_from_the_first_marker_fades_at_initialisation_for_every_layer():
    code = code_cell("06", "sequences.loss_gradient_norms(")
    assert "probe_x, probe_y = x_add_valid[:500], y_add_valid[:500]" in code
    assert "first_over_second_gradient{suffix}" in code and "for seed in (1, 2, 3):" in code
    says("06", "over four initial seeds, the first marker receives at most about a fifth of what the "
          "recent one receives, and the GRU far less than that")
    by_seed = [_initial_ratios(seed) for seed in range(4)]
    assert max(max(ratios.values()) for ratios in by_seed) < 0.3, by_seed
    assert max(ratios["GRU"] for ratios in by_seed) < 0.01, by_seed
    says("06", "The gated layers start no better off than the SimpleRNN")
    assert any(ratios["LSTM"] >= ratios["SimpleRNN"] for ratios in by_seed), by_seed


def test_06_gates_learn_to_carry_the_gradient_and_the_simple_rnn_does_not():
    says("06", "After training, the LSTM's and the GRU's ratio is close to 1")
    for cell in ("LSTM", "GRU"):
        ratio = published(f"adding.{FIGURE_NAMES[cell]}_first_over_second_gradient_trained")
        assert 0.5 <= ratio <= 2, (cell, ratio)
    says("06", "The trained SimpleRNN's stays below 1/10")
    assert published("adding.simple_first_over_second_gradient_trained") < 0.1


def test_06_takeaway_matches_the_published_test_scores():
    says("06", "LSTM and GRU fall well below 0.01 within 5 epochs; the SimpleRNN does not even reach "
          "1/12")
    for cell in ("LSTM", "GRU"):
        assert published(f"adding.{FIGURE_NAMES[cell]}_mse") < 0.01
    assert published("adding.simple_mse") > sequences.RECENT_ONLY_MSE
