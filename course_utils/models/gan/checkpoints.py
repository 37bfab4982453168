"""Saving a game to resume it, and the generators lesson 08 ships with their records."""

from __future__ import annotations

import json
import os
from pathlib import Path

import keras
import numpy as np

from course_utils.models._checkpoint import read_description
from course_utils.models.gan.networks import dcgan_generator
from course_utils.models.record import read_record

_CHECKPOINTS = Path(__file__).resolve().parent.parent.parent / "checkpoints"
DCGAN_WEIGHTS = _CHECKPOINTS / "dcgan_generator.weights.h5"
DCGAN_RECORD = _CHECKPOINTS / "dcgan_generator.json"
UNCONDITIONAL_WEIGHTS = _CHECKPOINTS / "dcgan_unconditional_generator.weights.h5"
UNCONDITIONAL_RECORD = _CHECKPOINTS / "dcgan_unconditional_generator.json"
ABLATION = _CHECKPOINTS / "dcgan_ablation.json"
_TRAINER = "tools.train_dcgan"


# what may change between a run and its resumption: how long it plays
_LENGTHS = ("epochs", "steps")


def _state(gan: keras.Model) -> dict[str, list]:
    state = {
        "generator": gan.generator.variables,
        "discriminator": gan.discriminator.variables,  # with dropout noise states
        "g_optimizer": gan.g_optimizer.variables,
        "d_optimizer": gan.d_optimizer.variables,
    }
    if hasattr(gan, "seed_generator"):  # GAN draws its noise from it; ConditionalGAN does not
        state["seed"] = [gan.seed_generator.state]
    return state


def save_checkpoint(gan: keras.Model, directory: str, step: int, **extra) -> str:
    """Save everything needed to resume (weights, optimizer moments, noise state, step).

    gan: a compiled ``GAN`` or ``conditional_gan.ConditionalGAN`` (both training scripts
    resume this way). Written to a temporary file then renamed, so a run killed mid-save
    leaves the previous checkpoint intact. ``extra`` (JSON values, e.g. the loss history
    or the run's ``settings``) goes in the JSON. Returns the path of the checkpoint file.
    """
    os.makedirs(directory, exist_ok=True)
    arrays = {f"{group}/{index}": keras.ops.convert_to_numpy(variable)
              for group, variables in _state(gan).items()
              for index, variable in enumerate(variables)}
    path = os.path.join(directory, "state.npz")
    temporary = path + ".tmp.npz"
    np.savez(temporary, **arrays)
    os.replace(temporary, path)
    meta = os.path.join(directory, "state.json")
    with open(meta + ".tmp", "w", encoding="utf-8") as file:
        json.dump({"step": int(step), **extra}, file)
    os.replace(meta + ".tmp", meta)
    return path


def restore_checkpoint(gan: keras.Model, directory: str, settings: dict | None = None) -> dict:
    """Load the checkpoint in ``directory`` into a compiled ``gan``; returns its JSON.

    Returns {"step": 0} when there is no checkpoint yet (a fresh start). With ``settings``,
    a checkpoint saved with other ``settings`` (other than its length, "epochs" or "steps")
    is refused with a ValueError: resuming it would mix two games.
    """
    path, meta = os.path.join(directory, "state.npz"), os.path.join(directory, "state.json")
    if not (os.path.exists(path) and os.path.exists(meta)):
        return {"step": 0}
    with open(meta, encoding="utf-8") as file:
        info = json.load(file)
    saved = info.get("settings")
    if settings is not None and saved is not None:
        differ = sorted(key for key in set(saved) | set(settings)
                        if key not in _LENGTHS and saved.get(key) != settings.get(key))
        if differ:
            changes = ", ".join(f"{key}: {saved.get(key)!r} -> {settings.get(key)!r}"
                                for key in differ)
            raise ValueError(f"{directory} holds a run with other settings ({changes}): "
                             "resume it with the same settings, or start the new run in "
                             "another directory")
    with np.load(path) as arrays:
        for group, variables in _state(gan).items():
            stored = sum(1 for key in arrays.files if key.startswith(group + "/"))
            if stored != len(variables):
                raise ValueError(f"checkpoint {path} holds {stored} {group} variables, the "
                                 f"model has {len(variables)}: was it saved by another "
                                 "architecture? Delete the directory to start over.")
            for index, variable in enumerate(variables):
                value = arrays[f"{group}/{index}"]
                if tuple(value.shape) != tuple(variable.shape):
                    raise ValueError(f"{group} variable {index}: checkpoint shape "
                                     f"{value.shape}, model shape {tuple(variable.shape)}")
                variable.assign(value)
    return info


def load_dcgan_generator(weights: str | Path = DCGAN_WEIGHTS,
                         record: str | Path = DCGAN_RECORD) -> keras.Sequential:
    """A shipped DCGAN generator: noise (N, latent_dim) -> images (N, 28, 28, 1) in [0, 1].

    By default the conditional one (its first ten noise numbers choose the digit), rebuilt
    from the settings of the record beside its weights (``read_record(DCGAN_RECORD)``).
    """
    weights = Path(weights)
    if not weights.exists():
        raise FileNotFoundError(f"no weights at {weights}: run "
                                f"`python -m {_TRAINER}` in the course folder")
    settings = read_record(record, needs=("latent_dim", "generator_width", "classes"))["settings"]
    generator = dcgan_generator(settings["latent_dim"], settings["generator_width"],
                                settings["classes"])
    generator.load_weights(str(weights))
    return generator


def load_unconditional_dcgan_generator() -> keras.Sequential:
    """The shipped unconditional DCGAN generator (the DCGAN paper's recipe, no labels)."""
    return load_dcgan_generator(UNCONDITIONAL_WEIGHTS, UNCONDITIONAL_RECORD)


def dcgan_ablation(path: str | Path = ABLATION) -> dict:
    """The ablation ``python -m tools.train_dcgan --ablation`` recorded.

    "rows": one per step, from the unconditional DCGAN, each adding one technique to the
    one before ("step", "source", "settings", "training_seconds", "scores").
    """
    return read_description(path, _TRAINER + " --ablation")
