"""The script that trains lesson 08's DCGANs: its recipes and its ablation, on a tiny game."""

import argparse

import numpy as np
import pytest

from course_utils import data
from tools import train_dcgan


def _arguments(*options: str) -> argparse.Namespace:
    """The script's command line, with a tiny game's widths and length."""
    return train_dcgan.command_line().parse_args(
        ["--generator-width", "8", "--discriminator-width", "4", "--epochs", "2",
         "--batch-size", "16", *options])


def test_the_unconditional_recipe_turns_every_added_technique_off():
    settings = train_dcgan.recipe(_arguments("--unconditional"))
    assert settings["classes"] == 0 and settings["label_smoothing"] == 0
    assert not settings["augment"] and not settings["batch_spread"]
    assert settings["average_from_epoch"] == settings["epochs"], "no weight averaging"
    assert train_dcgan.recipe(_arguments())["classes"] == 10


@pytest.fixture
def tiny_digits(monkeypatch):
    (x_train, y_train), test = data.load_digits()
    monkeypatch.setattr(train_dcgan.data, "load_digits",
                        lambda: ((x_train[:32], y_train[:32]), test))
    scored = []

    def fake_score(generator, settings, real=True):
        """Stands in for the judge: records what was scored, returns the mean pixel."""
        pixels = np.asarray(generator(np.ones((2, settings["latent_dim"]), np.float32)))
        scored.append(dict(settings))
        return {"samples": 2, "conf90": float(pixels.mean()), "classes_covered": 1.0,
                "frechet_to_test": 0.0}

    monkeypatch.setattr(train_dcgan, "score", fake_score)
    return scored


@pytest.mark.slow
def test_the_ablation_adds_one_technique_per_step_and_resumes(tiny_digits, tmp_path):
    base = train_dcgan.recipe(_arguments())
    table = train_dcgan.ablation(base, tmp_path, score_every=0)
    rows = table["rows"]
    assert [row["step"] for row in rows] == [step[0] for step in train_dcgan.ABLATION] + [
        train_dcgan.AVERAGING[0]]
    assert rows[0]["settings"]["classes"] == 0 and not rows[0]["settings"]["augment"]
    for before, after, (_, _, _, change) in zip(rows, rows[1:], train_dcgan.ABLATION[1:]):
        added = {key: value for key, value in after["settings"].items()
                 if before["settings"][key] != value}
        assert added == change
    assert rows[-1]["settings"] == rows[-2]["settings"]
    assert rows[-1]["scores"] != rows[-2]["scores"], "the averaged weights were not scored"
    assert all(row["settings"]["average_from_epoch"] == 1 for row in rows)
    # every step saved its state: a second call trains nothing and gives the same table
    again = train_dcgan.ablation(base, tmp_path, score_every=0)
    assert [row["scores"] for row in again["rows"]] == [row["scores"] for row in rows]
    assert [row["training_seconds"] for row in again["rows"]] == [
        row["training_seconds"] for row in rows]


@pytest.mark.slow
def test_a_trained_generator_of_another_width_loads_from_the_record_it_writes(tiny_digits,
                                                                             tmp_path):
    from course_utils.models import gan

    train_dcgan.main(["--generator-width", "8", "--discriminator-width", "4", "--epochs", "1",
                      "--batch-size", "16", "--unconditional", "--score-every", "0",
                      "--state-dir", str(tmp_path / "state"), "--out", str(tmp_path)])
    written = gan.read_record(tmp_path / "dcgan_unconditional_generator.json")
    assert written["trained_by"] == "python -m tools.train_dcgan --unconditional"
    assert written["settings"]["generator_width"] == 8
    assert written["scores"]["samples"] == 2, "the judge's scores (faked here) are recorded"
    assert written["scores"]["training_seconds"] > 0
    generator = gan.load_dcgan_generator(tmp_path / "dcgan_unconditional_generator.weights.h5",
                                         tmp_path / "dcgan_unconditional_generator.json")
    assert generator.output_shape == (None, 28, 28, 1)
