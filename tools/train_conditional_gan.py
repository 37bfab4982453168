"""Train the class-conditional GAN of lesson 09 on a few labelled digits, reproducibly.

    python -m tools.train_conditional_gan [--steps 3000] [--per-class 50]

Trains only on `per_class` labelled digits of each class from the training split (the
same small set lesson 09 gives its classifiers), seeded. Progress is saved every
--save-every steps in checkpoints/partial/ so an interrupted run resumes where it
stopped. At the end the generator's weights go to
course_utils/checkpoints/conditional_generator.weights.h5, with a JSON file beside it
holding the settings and the scores the course's digit classifier gives its samples.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

# course_utils before TensorFlow: importing it gives TensorFlow its quiet logging defaults
from course_utils import data
from course_utils.models import conditional_gan

# isort: split
import keras
import tensorflow as tf

ROOT = Path(__file__).resolve().parent.parent


def train(steps: int, per_class: int, batch_size: int, seed: int, save_every: int,
          partial: Path) -> keras.Model:
    keras.utils.set_random_seed(seed)
    (x_train, y_train), _ = data.load_digits()
    x_small, y_small = data.few_per_class(x_train, y_train, per_class=per_class, seed=seed)
    dataset = (tf.data.Dataset.from_tensor_slices((x_small[..., None], y_small.astype("int32")))
               .shuffle(len(x_small), seed=seed, reshuffle_each_iteration=True)
               .repeat().batch(batch_size, drop_remainder=True))
    gan = conditional_gan.ConditionalGAN(conditional_gan.conditional_generator(),
                                         conditional_gan.conditional_discriminator())
    gan.compile(generator_optimizer=keras.optimizers.Adam(2e-4, beta_1=0.5),
                discriminator_optimizer=keras.optimizers.Adam(2e-4, beta_1=0.5))
    step = tf.Variable(0, dtype=tf.int64)
    state = tf.train.Checkpoint(generator=gan.generator, discriminator=gan.discriminator,
                                generator_optimizer=gan.generator_optimizer,
                                discriminator_optimizer=gan.discriminator_optimizer, step=step)
    manager = tf.train.CheckpointManager(state, str(partial), max_to_keep=1)
    if manager.latest_checkpoint:
        state.restore(manager.latest_checkpoint)
        print(f"resuming from step {int(step.numpy())}", flush=True)
    train_step = tf.function(gan.train_step)
    iterator = iter(dataset.skip(int(step.numpy())))
    start = time.perf_counter()
    while int(step.numpy()) < steps:
        losses = train_step(next(iterator))
        step.assign_add(1)
        current = int(step.numpy())
        if current % save_every == 0 or current == steps:
            manager.save()
            print(f"step {current}/{steps}: d_loss {float(losses['d_loss']):.3f} "
                  f"g_loss {float(losses['g_loss']):.3f} ({time.perf_counter() - start:.0f} s)",
                  flush=True)
    return gan.generator


def score(generator: keras.Model, per_class: int = 100) -> dict:
    """How the course's digit classifier judges the generated digits."""
    from course_utils import quality
    from course_utils.models import digits

    judge = digits.load_digit_classifier()
    images, labels = conditional_gan.generate_digits(generator, per_class=per_class, seed=1)
    scores = quality.digit_scores(judge, images)
    return {"judged_as_intended": float((scores["predicted"] == labels).mean()),
            "conf90": float(scores["conf90"]), "classes_covered": float(scores["classes_covered"])}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--steps", type=int, default=3000)
    parser.add_argument("--per-class", type=int, default=50)
    parser.add_argument("--batch-size", type=int, default=50)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--save-every", type=int, default=250)
    parser.add_argument("--score-only", action="store_true",
                        help="only score the shipped generator and rewrite its JSON file")
    parser.add_argument("--partial", type=Path,
                        default=ROOT / "checkpoints" / "partial" / "conditional_gan")
    args = parser.parse_args()
    info_path = Path(conditional_gan.CHECKPOINT.replace(".weights.h5", ".json"))
    if args.score_only:
        info = json.loads(info_path.read_text())
        info["scores"] = score(conditional_gan.load_conditional_generator())
        info_path.write_text(json.dumps(info, indent=2) + "\n")
        print(json.dumps(info, indent=2))
        return 0
    start = time.perf_counter()
    generator = train(args.steps, args.per_class, args.batch_size, args.seed, args.save_every,
                      args.partial)
    seconds = time.perf_counter() - start
    os.makedirs(os.path.dirname(conditional_gan.CHECKPOINT), exist_ok=True)
    generator.save_weights(conditional_gan.CHECKPOINT)
    info = {"steps": args.steps, "per_class": args.per_class, "batch_size": args.batch_size,
            "seed": args.seed, "train_seconds_last_run": round(seconds, 1),
            "scores": None}
    info_path.write_text(json.dumps(info, indent=2) + "\n")
    info["scores"] = score(generator)
    info_path.write_text(json.dumps(info, indent=2) + "\n")
    print(json.dumps(info, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
