"""Train the course's digit CNN and write the checkpoint the lessons load (lessons 03, 08, 09).

    python -m tools.train_digit_cnn                 # about 40 epochs, a few minutes on 2 cores
    python -m tools.train_digit_cnn --epochs 2 --output /tmp/quick   # a quick trial run
    python -m tools.train_digit_cnn --ablation      # the same recipe without augmentation,
                                                    # then without dropout either

Trains ``models.digits.build_course_cnn()`` on the 4,000 training digits of
``data.load_digits()`` (seeded), never looking at the 1,000 test digits until the end, then
measures the test accuracy once and writes

    course_utils/checkpoints/digit_cnn.weights.h5   the weights
    course_utils/checkpoints/digit_cnn.json         its record (models.record): build
                                                    arguments and training settings,
                                                    measured test accuracy and time

With ``--ablation`` it trains the same recipe with one ingredient removed at a time and
writes only ``digit_cnn_ablation.json`` (a record per variant; lesson 03 shows the table).

``models.digits.load_digit_classifier()`` rebuilds the model from the record's settings and
loads the weights.
Results repeat bit for bit only on the same machine and library versions.
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
import time
from pathlib import Path

import numpy as np

import course_utils
from course_utils import data
from course_utils.models import digits, record

ROOT = Path(__file__).resolve().parent.parent

ABLATION = {"without augmentation": {"augment": False},
            "without augmentation or dropout": {"augment": False, "dropout_rate": 0.0}}
BUILD = {"filters": [32, 64], "convs_per_block": 1, "feature_units": 128, "batch_norm": True, "dropout_rate": 0.3,
         "augment": True, "rotation_degrees": 10.0, "shift_fraction": 0.1,
         "zoom_fraction": 0.1}


def train(build: dict, epochs: int, batch_size: int, learning_rate: float, seed: int,
          trained_by: str = "python -m tools.train_digit_cnn") -> tuple[object, dict]:
    """Train on the training split with a cosine-decaying learning rate; return model, record."""
    import keras

    course_utils.set_seed(seed)
    (x_train, y_train), (x_test, y_test) = data.load_digits()
    model = digits.build_course_cnn(**{**build, "filters": tuple(build["filters"])})
    steps = epochs * int(np.ceil(len(x_train) / batch_size))
    schedule = keras.optimizers.schedules.CosineDecay(learning_rate, decay_steps=steps,
                                                      alpha=0.01)
    model.compile(optimizer=keras.optimizers.Adam(schedule),
                  loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    start = time.perf_counter()
    history = model.fit(x_train[..., None], y_train, epochs=epochs, batch_size=batch_size,
                        verbose=2)
    seconds = time.perf_counter() - start
    probabilities = digits.digit_probabilities(model, x_test)
    test_accuracy = float(np.mean(probabilities.argmax(axis=1) == y_test))
    settings = {"build": build, "data": "data.load_digits() train split (4,000 digits, seed 0)",
                "epochs": epochs, "batch_size": batch_size, "optimizer": "Adam",
                "learning_rate": learning_rate,
                "schedule": "cosine decay to 1% over all steps", "seed": seed,
                "versions": {"python": platform.python_version(), "keras": keras.__version__,
                             "numpy": np.__version__}}
    scores = {"test_accuracy": round(test_accuracy, 4), "test_size": int(len(y_test)),
              "final_train_accuracy": round(float(history.history["accuracy"][-1]), 4),
              "parameters": int(model.count_params()), "training_seconds": round(seconds, 1)}
    return model, record.new_record("course_utils.models.digits.build_course_cnn", trained_by,
                                    settings, scores)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--filters", type=int, nargs="+", default=BUILD["filters"],
                        help="filters of each convolution block")
    parser.add_argument("--convs-per-block", type=int, default=BUILD["convs_per_block"])
    parser.add_argument("--epochs", type=int, default=30)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--learning-rate", type=float, default=2e-3)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--output", type=Path, default=digits.CHECKPOINT_WEIGHTS.parent,
                        help="folder for digit_cnn.weights.h5 and digit_cnn.json")
    parser.add_argument("--ablation", action="store_true",
                        help="train the variants in ABLATION and write digit_cnn_ablation.json")
    args = parser.parse_args(argv)
    build = {**BUILD, "filters": args.filters, "convs_per_block": args.convs_per_block}
    if args.ablation:
        table = {}
        for name, change in ABLATION.items():
            _, variant = train({**build, **change}, args.epochs, args.batch_size,
                               args.learning_rate, args.seed,
                               "python -m tools.train_digit_cnn --ablation")
            table[name] = variant
            print(f"{name}: test accuracy {variant['scores']['test_accuracy']:.2%}", flush=True)
        args.output.mkdir(parents=True, exist_ok=True)
        (args.output / digits.ABLATION.name).write_text(json.dumps(table, indent=2) + "\n",
                                                        encoding="utf-8")
        return 0
    model, trained = train(build, args.epochs, args.batch_size, args.learning_rate, args.seed)
    args.output.mkdir(parents=True, exist_ok=True)
    # a fresh copy holds the weights without the optimizer's state: a third of the size
    fresh = digits.build_course_cnn(**{**build, "filters": tuple(build["filters"])})
    fresh.set_weights(model.get_weights())
    fresh.save_weights(args.output / digits.CHECKPOINT_WEIGHTS.name)
    record.write_record(args.output / digits.CHECKPOINT_RECORD.name, trained)
    scores = trained["scores"]
    print(f"test accuracy {scores['test_accuracy']:.2%} on {scores['test_size']} digits, "
          f"trained in {scores['training_seconds']:.0f} s; wrote {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
