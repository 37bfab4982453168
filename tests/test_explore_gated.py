"""The temperature explorer: samples once per temperature, then updates from its table, fast."""

import numpy as np
import pytest

from course_utils import sequences
from course_utils.explore import gated
from tests.conftest import assert_within_latency_budget

TRAINING = ["ab", "aab", "ba", "bab"]


class _BigramModel:
    """A fixed next-character table, called like a Keras model on (N, T) token indices."""

    def __init__(self, vocabulary):
        size = len(vocabulary)
        table = np.full((size, size), 1.0)
        table[:, 0] = 1e-9  # never START
        table[:, vocabulary.index("a")] = 6.0
        table[0, 1] = 1e-9  # never an empty name
        self.logits = np.log(table / table.sum(axis=1, keepdims=True))
        self.calls = 0

    def __call__(self, tokens, training=False):
        self.calls += 1
        return self.logits[np.asarray(tokens)]


@pytest.fixture
def vocabulary():
    return sequences.make_vocabulary(TRAINING)


def test_sweep_measures_each_temperature(vocabulary):
    result = gated.temperature_sweep(_BigramModel(vocabulary), vocabulary, TRAINING,
                                          [0.1, 1.0, 3.0], count=300, seed=0)
    assert result["novelty"].shape == result["plausibility"].shape == (3,)
    assert [len(group) for group in result["names"]] == [300, 300, 300]
    # cold sampling repeats the likeliest name, hot sampling spreads out
    assert len(set(result["names"][0])) < len(set(result["names"][2]))
    assert np.all((result["novelty"] >= 0) & (result["novelty"] <= 1))


def test_sweep_refuses_a_bad_grid(vocabulary):
    with pytest.raises(ValueError, match="increase"):
        gated.temperature_sweep(_BigramModel(vocabulary), vocabulary, TRAINING, [1.0, 0.5])
    with pytest.raises(ValueError, match="at least two"):
        gated.temperature_sweep(_BigramModel(vocabulary), vocabulary, TRAINING, [1.0])


def test_explorer_updates_from_precomputed_names(vocabulary):
    model = _BigramModel(vocabulary)
    explorer = gated.TemperatureExplorer(model, vocabulary, TRAINING,
                                              temperatures=[0.5, 1.0, 2.0], count=30)
    calls = model.calls
    first_png = explorer.view.image.value
    explorer.controls["temperature"].value = 2.0
    assert model.calls == calls, "moving the slider must not call the model"
    assert explorer.view.image.value != first_png
    shown = [text.get_text() for text in explorer._texts if text.get_text()]
    assert shown == [name or "(empty)" for name in explorer.sweep_result["names"][2][:len(shown)]]
    assert "temperature 2.0" in explorer._title.get_text()


def test_latency_is_measured(vocabulary):
    explorer = gated.TemperatureExplorer(_BigramModel(vocabulary), vocabulary, TRAINING,
                                              count=20)
    assert explorer.name == "temperature"
    assert assert_within_latency_budget(explorer)["changes"] > 0
