"""Train the class-conditional GAN of lesson 09 on a few labelled digits, reproducibly.

    python -m tools.train_conditional_gan [--steps 2500] [--per-class 50]

Trains only on `per_class` labelled digits of each class from the training split (the
same small set lesson 09 gives its classifiers), seeded. Progress is saved every
--save-every steps under --state-dir (gan.save_checkpoint, as tools/train_dcgan.py does)
so an interrupted run resumes where it stopped. At the end the generator's weights go to
course_utils/checkpoints/conditional_generator.weights.h5 (or --out), with its record
beside it (models.record: the settings, the scores the course's digit classifier gives its
samples, the date); load_conditional_generator() rebuilds it from the recorded settings.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

# course_utils before TensorFlow: importing it gives TensorFlow its quiet logging defaults
from course_utils import data
from course_utils.models import conditional_gan, gan, record

# isort: split
import keras
import tensorflow as tf

ROOT = Path(__file__).resolve().parent.parent
JUDGE = "course_utils.models.digits.load_digit_classifier()"


def recipe(args: argparse.Namespace) -> dict:
    """The settings a run records (and must keep to resume), from the command line."""
    return {"latent_dim": conditional_gan.CONDITIONAL_GAN_LATENT_DIM,
            "generator_width": args.generator_width,
            "discriminator_width": args.discriminator_width, "dropout_rate": 0.3, "label_smoothing": 0.1,
            "learning_rate": 2e-4, "steps": args.steps, "per_class": args.per_class,
            "batch_size": args.batch_size, "seed": args.seed}


def train(settings: dict, save_every: int, state_dir: Path) -> tuple[keras.Model, float]:
    """Play settings["steps"] rounds, resuming from ``state_dir`` if it can; returns the
    generator and the seconds of training over all the runs."""
    keras.utils.set_random_seed(settings["seed"])
    (x_train, y_train), _ = data.load_digits()
    x_small, y_small = data.few_per_class(x_train, y_train, per_class=settings["per_class"],
                                          seed=settings["seed"])
    dataset = (tf.data.Dataset.from_tensor_slices((x_small[..., None], y_small.astype("int32")))
               .shuffle(len(x_small), seed=settings["seed"], reshuffle_each_iteration=True)
               .repeat().batch(settings["batch_size"], drop_remainder=True))
    model = conditional_gan.ConditionalGAN(
        conditional_gan.conditional_generator(settings["latent_dim"], settings["generator_width"]),
        conditional_gan.conditional_discriminator(settings["discriminator_width"],
                                                  settings["dropout_rate"]),
        latent_dim=settings["latent_dim"], label_smoothing=settings["label_smoothing"])
    model.compile(d_optimizer=keras.optimizers.Adam(settings["learning_rate"], beta_1=0.5),
                  g_optimizer=keras.optimizers.Adam(settings["learning_rate"], beta_1=0.5))
    try:
        info = gan.restore_checkpoint(model, str(state_dir), settings)
    except ValueError as error:  # a run with other settings: say how to go on
        raise SystemExit(f"{error} (pass another --state-dir)") from None
    step, seconds = info["step"], info.get("seconds", 0.0)
    if step:
        print(f"resuming from step {step} ({seconds:.0f} s of training so far)", flush=True)
    train_step = tf.function(model.train_step)
    iterator = iter(dataset.skip(step))
    began = time.perf_counter()
    while step < settings["steps"]:
        losses = train_step(next(iterator))
        step += 1
        if step % save_every == 0 or step == settings["steps"]:
            now = time.perf_counter()
            seconds, began = seconds + now - began, now
            gan.save_checkpoint(model, str(state_dir), step, seconds=seconds, settings=settings)
            print(f"step {step}/{settings['steps']}: d_loss {float(losses['d_loss']):.3f} "
                  f"g_loss {float(losses['g_loss']):.3f} ({seconds:.0f} s)", flush=True)
    return model.generator, seconds


def score(generator: keras.Model, per_class: int = 100) -> dict:
    """How the course's digit classifier judges the generated digits."""
    from course_utils import quality
    from course_utils.models import digits

    judge = digits.load_digit_classifier()
    images, labels = conditional_gan.generate_digits(generator, per_class=per_class, seed=1)
    scores = quality.digit_scores(judge, images)
    return {"judged_as_intended": float((scores["predicted"] == labels).mean()),
            "conf90": float(scores["conf90"]), "classes_covered": float(scores["classes_covered"])}


def command_line() -> argparse.ArgumentParser:
    """The script's options; ``recipe`` turns what it parses into a run's settings."""
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--steps", type=int, default=2500)
    parser.add_argument("--per-class", type=int, default=50)
    parser.add_argument("--batch-size", type=int, default=50)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--generator-width", type=int, default=64)
    parser.add_argument("--discriminator-width", type=int, default=64)
    parser.add_argument("--save-every", type=int, default=250)
    parser.add_argument("--score-only", action="store_true",
                        help="only score the shipped generator and rewrite its record")
    parser.add_argument("--state-dir", type=Path,
                        default=ROOT / "checkpoints" / "partial" / "conditional_gan",
                        help="where the resumable training state is kept")
    parser.add_argument("--out", type=Path, default=conditional_gan.CHECKPOINT_WEIGHTS.parent,
                        help="folder for the weights and their record")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = command_line().parse_args(argv)
    weights_path = args.out / conditional_gan.CHECKPOINT_WEIGHTS.name
    record_path = args.out / conditional_gan.CHECKPOINT_RECORD.name
    if args.score_only:
        shipped = conditional_gan.read_record(record_path)
        generator = conditional_gan.load_conditional_generator(weights_path, record_path)
        shipped["scores"] = {**shipped["scores"], **score(generator)}
        record.write_record(record_path, shipped)
        print(json.dumps(shipped, indent=2))
        return 0
    settings = recipe(args)
    generator, seconds = train(settings, args.save_every, args.state_dir)
    args.out.mkdir(parents=True, exist_ok=True)
    generator.save_weights(weights_path)
    measured = {"judge": JUDGE, "training_seconds": round(seconds, 1)}
    trained = record.new_record("course_utils.models.conditional_gan.conditional_generator",
                                "python -m tools.train_conditional_gan", settings, measured)
    record.write_record(record_path, trained)  # a record even if scoring fails
    trained["scores"] = {**score(generator), **measured}
    record.write_record(record_path, trained)
    print(json.dumps(trained, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
