"""Train the course's DCGAN on the training digits and ship its generator (lesson 08).

    python tools/train_dcgan.py                 train (resumes an interrupted run), then score
    python tools/train_dcgan.py --score-only    re-measure the shipped generator's scores
    python tools/train_dcgan.py --classes 0 --state-dir /tmp/plain --out /tmp/plain
                                                the same game without the digit choice,
                                                written elsewhere, for comparison

Everything is seeded: the same machine and library versions give the same generator.
After every epoch the whole game (both networks, both optimizers, the noise state) is
saved under --state-dir, so a killed run picks up at the last finished epoch.
The generator alone goes to course_utils/checkpoints/dcgan_generator.weights.h5 and its
settings and measured scores to dcgan_generator.json, judged by the course's digit CNN.
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

import course_utils  # noqa: E402  (sets TensorFlow's quiet defaults first)
from course_utils import data, quality  # noqa: E402
from course_utils.models import gan  # noqa: E402

OUT = ROOT / "course_utils" / "checkpoints"
SCORE_SAMPLES = 2000
SCORE_SEED = 1234


@functools.cache
def _judge():
    from course_utils.models import digits

    return digits.load_digit_classifier()


def score(generator, settings: dict, real: bool = True) -> dict:
    """The judge's scores for SCORE_SAMPLES generated digits, and real-vs-real for scale.

    With real=False only the confident share and the classes covered (a quick progress check).
    """
    from course_utils.models import digits

    judge = _judge()
    noise = np.random.default_rng(SCORE_SEED).normal(
        size=(SCORE_SAMPLES, settings["latent_dim"])).astype(np.float32)
    samples = np.concatenate([np.asarray(generator(noise[i:i + 500], training=False))
                              for i in range(0, len(noise), 500)])
    generated = quality.digit_scores(samples, judge)
    if not real:
        return {"conf90": generated["conf90"], "classes_covered": generated["classes_covered"]}
    (x_train, _), (x_test, _) = data.load_digits()
    chosen = {}
    if settings.get("classes"):
        chosen = {"judged_as_chosen": round(float(np.mean(
            generated["predicted"] == gan.chosen_digits(noise, settings["classes"]))), 4)}
    real_scores = quality.digit_scores(x_test, judge)
    test_features = digits.digit_features(judge, x_test)
    return {
        "samples": SCORE_SAMPLES, "noise_seed": SCORE_SEED,
        "conf90": round(generated["conf90"], 4),
        "classes_covered": round(generated["classes_covered"], 3),
        "class_histogram": [int(n) for n in generated["histogram"]],
        "frechet_to_test": round(quality.frechet_distance(
            digits.digit_features(judge, samples), test_features), 3),
        "real_test_conf90": round(real_scores["conf90"], 4),
        "real_test_classes_covered": round(real_scores["classes_covered"], 3),
        "real_train_to_test_frechet": round(quality.frechet_distance(
            digits.digit_features(judge, x_train[:1000]), test_features), 3),
        **chosen,
    }


def _average_path(state_dir: Path, step: int) -> Path:
    return state_dir / f"average_epoch{step:03d}.npz"


def _load_average(state_dir: Path, step: int) -> list[np.ndarray] | None:
    """The running average of the generator's weights saved with checkpoint ``step``."""
    path = _average_path(state_dir, step)
    if not path.exists():
        return None
    with np.load(path) as arrays:
        return [arrays[f"weight/{index}"] for index in range(len(arrays.files))]


def _save_average(state_dir: Path, step: int, average: list[np.ndarray]) -> None:
    """Save the average next to checkpoint ``step``; older averages go once it is saved."""
    path = _average_path(state_dir, step)
    temporary = path.with_suffix(".tmp.npz")
    np.savez(temporary, **{f"weight/{i}": w for i, w in enumerate(average)})
    os.replace(temporary, path)


def _drop_older_averages(state_dir: Path, step: int) -> None:
    for path in state_dir.glob("average_epoch*.npz"):
        if path != _average_path(state_dir, step):
            path.unlink()


def _check_same_game(info: dict, settings: dict, state_dir: Path) -> None:
    """Refuse to resume a run that was started with other settings (epochs may grow)."""
    saved = info.get("settings")
    if saved is None:
        return
    differ = sorted(key for key in set(saved) | set(settings)
                    if key != "epochs" and saved.get(key) != settings.get(key))
    if differ:
        changes = ", ".join(f"{key}: {saved.get(key)!r} -> {settings.get(key)!r}"
                            for key in differ)
        raise SystemExit(f"{state_dir} holds a run with other settings ({changes}): run with "
                         "the same options to resume it, or pass another --state-dir to "
                         "start a new run")


def _progress_scores(generator, average: list[np.ndarray] | None, settings: dict) -> str:
    """The judge's confident share and classes covered now, for the weights and their average."""
    scores = score(generator, settings, real=False)
    line = f" | conf90 {scores['conf90']:.3f}, classes {scores['classes_covered']:.2f}"
    if average is not None:
        current = generator.get_weights()
        generator.set_weights(average)
        scores = score(generator, settings, real=False)
        generator.set_weights(current)
        line += f" | averaged {scores['conf90']:.3f}, {scores['classes_covered']:.2f}"
    return line


def train(settings: dict, state_dir: Path, score_every: int = 0
          ) -> tuple[gan.GAN, list[np.ndarray] | None, float]:
    """Play the game for settings["epochs"] epochs, resuming from ``state_dir`` if it can.

    From epoch settings["average_from_epoch"] on, an exponential moving average of the
    generator's weights (decay settings["average_decay"] per step) is kept as well: GAN
    weights keep orbiting the equilibrium, and their average draws cleaner digits.
    """
    course_utils.set_seed(settings["seed"])
    (x_train, y_train), _ = data.load_digits()
    x_train = gan.check_images(x_train)
    y_train = y_train.astype(np.int32) if settings.get("classes") else None
    model = gan.build_dcgan(settings)
    info = gan.restore_checkpoint(model, str(state_dir))
    _check_same_game(info, settings, state_dir)
    start_epoch, seconds = info["step"], info.get("seconds", 0.0)
    history = info.get("history", [])
    if start_epoch:
        print(f"resuming after epoch {start_epoch} ({seconds:.0f} s of training so far)")
    state_dir.mkdir(parents=True, exist_ok=True)
    average = _load_average(state_dir, start_epoch)
    if average is None and start_epoch > settings["average_from_epoch"]:
        print(f"no average of the weights saved with epoch {start_epoch}: averaging starts "
              "again from here")
    decay = settings["average_decay"]
    weights = model.generator.weights
    averaged = None if average is None else [tf.Variable(value) for value in average]

    @tf.function
    def update_average():
        for mean, weight in zip(averaged, weights, strict=True):
            mean.assign(decay * mean + (1.0 - decay) * weight)

    batch_size = settings["batch_size"]
    for epoch in range(start_epoch, settings["epochs"]):
        began = time.perf_counter()
        order = np.random.default_rng([settings["seed"], epoch]).permutation(len(x_train))
        if epoch >= settings["average_from_epoch"] and averaged is None:
            averaged = [tf.Variable(weight) for weight in weights]
        losses = []
        for start in range(0, len(order) - batch_size + 1, batch_size):  # whole batches only
            batch = order[start:start + batch_size]
            logs = model.train_on_batch(x_train[batch],
                                        None if y_train is None else y_train[batch],
                                        return_dict=True)
            losses.append((float(logs["d_loss"]), float(logs["g_loss"])))
            if averaged is not None:
                update_average()
        seconds += time.perf_counter() - began
        d_loss, g_loss = np.mean(losses, axis=0)
        history.append([round(float(d_loss), 4), round(float(g_loss), 4)])
        average = None if averaged is None else [mean.numpy() for mean in averaged]
        if average is not None:
            _save_average(state_dir, epoch + 1, average)
        gan.save_checkpoint(model, str(state_dir), epoch + 1, seconds=seconds, history=history,
                            settings=settings)
        _drop_older_averages(state_dir, epoch + 1)
        if (epoch + 1) % 5 == 0:
            model.generator.save_weights(
                str(state_dir / f"generator_epoch{epoch + 1:03d}.weights.h5"))
        line = (f"epoch {epoch + 1}/{settings['epochs']}: d_loss {d_loss:.3f}, "
                f"g_loss {g_loss:.3f}, {seconds:.0f} s")
        if score_every and (epoch + 1) % score_every == 0:
            line += _progress_scores(model.generator, average, settings)
        print(line, flush=True)
    return model, average, seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--epochs", type=int, default=100)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--learning-rate", type=float, default=2e-4)
    parser.add_argument("--label-smoothing", type=float, default=0.1)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--average-from-epoch", type=int, default=50,
                        help="ship a moving average of the generator's weights from this epoch")
    parser.add_argument("--average-decay", type=float, default=0.999)
    parser.add_argument("--generator-width", type=int, default=128)
    parser.add_argument("--discriminator-width", type=int, default=64)
    parser.add_argument("--discriminator-depth", type=int, default=3, choices=(2, 3))
    parser.add_argument("--dropout-rate", type=float, default=0.0)
    parser.add_argument("--classes", type=int, default=10,
                        help="the noise chooses one of this many digits and the discriminator "
                             "is told which (0: an unconditional DCGAN)")
    parser.add_argument("--no-batch-spread", dest="batch_spread", action="store_false",
                        help="no BatchSpread channel in the discriminator")
    parser.add_argument("--no-augment", dest="augment", action="store_false",
                        help="show the discriminator the digits as they are (no diff_augment)")
    parser.add_argument("--score-every", type=int, default=10,
                        help="print the judge's scores every this many epochs (0: never)")
    parser.add_argument("--state-dir", type=Path, default=ROOT / "checkpoints" / "partial" / "dcgan",
                        help="where the resumable training state is kept")
    parser.add_argument("--out", type=Path, default=OUT,
                        help="folder for the weights and their JSON description")
    parser.add_argument("--score-only", action="store_true",
                        help="re-measure the shipped generator instead of training")
    args = parser.parse_args()
    json_path = args.out / "dcgan_generator.json"
    weights_path = args.out / "dcgan_generator.weights.h5"
    if args.score_only:
        description = json.loads(json_path.read_text(encoding="utf-8"))
        settings = description["settings"]
        generator = gan.load_dcgan_generator(weights_path, json_path)
        seconds = description["training_seconds"]
        raw_scores = description.get("scores_without_average")
    else:
        settings = {"latent_dim": gan.LATENT_DIM, "generator_width": args.generator_width,
                    "discriminator_width": args.discriminator_width,
                    "discriminator_depth": args.discriminator_depth,
                    "dropout_rate": args.dropout_rate, "augment": args.augment,
                    "classes": args.classes, "batch_spread": args.batch_spread,
                    "epochs": args.epochs,
                    "batch_size": args.batch_size, "learning_rate": args.learning_rate,
                    "label_smoothing": args.label_smoothing, "seed": args.seed,
                    "train_digits": 4000, "average_from_epoch": args.average_from_epoch,
                    "average_decay": args.average_decay}
        model, average, seconds = train(settings, args.state_dir, args.score_every)
        generator = model.generator
        raw_scores = score(generator, settings) if average is not None else None
        if average is not None:
            generator.set_weights(average)
        args.out.mkdir(parents=True, exist_ok=True)
        generator.save_weights(str(weights_path))
    description = {
        "model": "course_utils.models.gan.dcgan_generator",
        "trained_by": "tools/train_dcgan.py",
        "settings": settings,
        "training_seconds": round(seconds, 1),
        "judge": "course_utils.models.digits.load_digit_classifier()",
        "scores": None,
        "scores_without_average": raw_scores,
    }
    json_path.write_text(json.dumps(description, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {weights_path} ({os.path.getsize(weights_path) / 1e6:.1f} MB) and {json_path}")
    description["scores"] = score(generator, settings)
    json_path.write_text(json.dumps(description, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(description["scores"], indent=2))


if __name__ == "__main__":
    main()
