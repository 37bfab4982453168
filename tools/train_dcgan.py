"""Train lesson 08's DCGANs on the training digits and ship their generators.

    python -m tools.train_dcgan                  the conditional DCGAN (the noise chooses the
                                                 digit; every extra technique on); resumes an
                                                 interrupted run, then scores it
    python -m tools.train_dcgan --unconditional  the DCGAN paper's recipe alone: no labels, no
                                                 augmentation, no batch spread, no label
                                                 smoothing, no weight averaging; 50 epochs,
                                                 3,100 rounds, about the 3,000 rounds lesson 08
                                                 gives the article's GAN
    python -m tools.train_dcgan --ablation       from the unconditional DCGAN, add one technique
                                                 at a time (20 epochs each), score every step
    python -m tools.train_dcgan --score-only [--unconditional]
                                                 re-measure a shipped generator's scores

Everything is seeded: the same machine, thread count and library versions give the same
generator. After every epoch the whole game (both networks, both optimizers, the noise
state) is saved under --state-dir, so a killed run picks up at the last finished epoch.
A generator goes to course_utils/checkpoints/ (dcgan_generator.weights.h5, or
dcgan_unconditional_generator.weights.h5) with its record (models.record: settings, the
course digit CNN's scores, date) in the JSON of the same name; the ablation writes dcgan_ablation.json.
"""

from __future__ import annotations

import argparse
import datetime
import functools
import json
import os
import time
from pathlib import Path

import course_utils  # first: it sets TensorFlow's quiet defaults before TensorFlow loads

# isort: split
import numpy as np
import tensorflow as tf

from course_utils import data, quality
from course_utils._arrays import digit_images
from course_utils.models import gan, inference, record

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "course_utils" / "checkpoints"
STATE = ROOT / "checkpoints" / "partial"
SCORE_SAMPLES = 2000
SCORE_SEED = 1234
JUDGE = "course_utils.models.digits.load_digit_classifier()"


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
    samples = inference.call_in_batches(generator, noise)
    generated = quality.digit_scores(judge, samples)
    if not real:
        return {"conf90": generated["conf90"], "classes_covered": generated["classes_covered"]}
    (x_train, _), (x_test, _) = data.load_digits()
    chosen = {}
    if settings.get("classes"):
        chosen = {"judged_as_chosen": round(float(np.mean(
            generated["predicted"] == gan.chosen_digits(noise, settings["classes"]))), 4)}
    real_scores = quality.digit_scores(judge, x_test)
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
    x_train = digit_images(x_train, "the training digits")
    y_train = y_train.astype(np.int32) if settings.get("classes") else None
    model = gan.build_dcgan(settings)
    try:
        info = gan.restore_checkpoint(model, str(state_dir), settings)
    except ValueError as error:  # a run with other settings: say how to go on
        raise SystemExit(f"{error} (pass another --state-dir)") from None
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


# The ablation, in order: each step adds one technique to the one before, and the last
# step is the same run as the one before it, scored on its averaged weights.
# Each step: (name in the table, its source, the folder of its state, what it changes).
ABLATION = [
    ("unconditional DCGAN", "Radford et al. 2015", "unconditional",
     {"classes": 0, "augment": False, "batch_spread": False, "label_smoothing": 0.0}),
    ("+ conditioning", "Mirza & Osindero 2014; projection discriminator: Miyato & Koyama 2018",
     "conditioning", {"classes": 10}),
    ("+ DiffAugment", "Zhao et al. 2020", "diff_augment", {"augment": True}),
    ("+ batch spread", "Karras et al. 2018 (minibatch standard deviation)", "batch_spread",
     {"batch_spread": True}),
    ("+ label smoothing", "Salimans et al. 2016 (one-sided)", "label_smoothing",
     {"label_smoothing": 0.1}),
]
AVERAGING = ("+ weight averaging", "Karras et al. 2018; Yazici et al. 2019")
ABLATION_EPOCHS = 20
UNCONDITIONAL_EPOCHS = 50  # 3,100 rounds of 64 digits: as long as the article's GAN plays


def recipe(args: argparse.Namespace) -> dict:
    """The settings a run records (and must keep to resume), from the command line."""
    settings = {"latent_dim": gan.ARTICLE_LATENT_DIM, "generator_width": args.generator_width,
                "discriminator_width": args.discriminator_width,
                "discriminator_depth": args.discriminator_depth,
                "dropout_rate": args.dropout_rate, "augment": args.augment,
                "classes": args.classes, "batch_spread": args.batch_spread,
                "epochs": args.epochs,
                "batch_size": args.batch_size, "learning_rate": args.learning_rate,
                "label_smoothing": args.label_smoothing, "seed": args.seed,
                "train_digits": 4000, "average_from_epoch": args.average_from_epoch,
                "average_decay": args.average_decay}
    if args.unconditional:  # the DCGAN paper's recipe, nothing added
        settings.update(ABLATION[0][3], average_from_epoch=args.epochs)
    return settings


def ablation(base: dict, state_dir: Path, score_every: int) -> dict:
    """Train every step of ABLATION (resuming any that was interrupted) and score it.

    Every step keeps a running average of its generator's weights over the second half of
    its epochs; only the last step's average is a row of the table (weight averaging is
    the last technique added); the others keep theirs as "scores_averaged", for reference.
    """
    settings = {**base, "average_from_epoch": base["epochs"] // 2}
    rows = []
    for name, source, folder, change in ABLATION:
        settings = {**settings, **change}
        print(f"--- {name} ({source})", flush=True)
        model, average, seconds = train(settings, state_dir / folder, score_every)
        generator = model.generator
        row = {"step": name, "source": source, "settings": settings,
               "training_seconds": round(seconds, 1), "scores": score(generator, settings)}
        if average is not None:
            generator.set_weights(average)
            averaged = score(generator, settings)
            row["scores_averaged"] = averaged
        rows.append(row)
    rows.append({"step": AVERAGING[0], "source": AVERAGING[1], "settings": settings,
                 "training_seconds": rows[-1]["training_seconds"],
                 "scores": rows[-1].pop("scores_averaged")})
    return {
        "model": "course_utils.models.gan.dcgan_generator",
        "trained_by": "python -m tools.train_dcgan --ablation",
        "epochs": settings["epochs"], "seed": settings["seed"],
        "threads": os.environ.get("TF_NUM_INTRAOP_THREADS", "default"),
        "date": datetime.date.today().isoformat(),
        "judge": JUDGE,
        "samples": SCORE_SAMPLES, "noise_seed": SCORE_SEED,
        "rows": rows,
    }


def command_line() -> argparse.ArgumentParser:
    """The script's options; ``recipe`` turns what it parses into a run's settings."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--epochs", type=int, default=None,
                        help=f"default 100; {UNCONDITIONAL_EPOCHS} with --unconditional, "
                             f"{ABLATION_EPOCHS} per step with --ablation")
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
                             "is told which (0: no labels anywhere)")
    parser.add_argument("--no-batch-spread", dest="batch_spread", action="store_false",
                        help="no BatchSpread channel in the discriminator")
    parser.add_argument("--no-augment", dest="augment", action="store_false",
                        help="show the discriminator the digits as they are (no diff_augment)")
    recipes = parser.add_mutually_exclusive_group()
    recipes.add_argument("--unconditional", action="store_true",
                         help="the DCGAN paper's recipe alone, shipped as "
                              "dcgan_unconditional_generator")
    recipes.add_argument("--ablation", action="store_true",
                         help="add one technique at a time to the unconditional DCGAN and "
                              "write dcgan_ablation.json")
    parser.add_argument("--score-every", type=int, default=10,
                        help="print the judge's scores every this many epochs (0: never)")
    parser.add_argument("--state-dir", type=Path, default=None,
                        help="where the resumable training state is kept (default: "
                             "checkpoints/partial/ and the recipe's name)")
    parser.add_argument("--out", type=Path, default=OUT,
                        help="folder for the weights and their JSON description")
    parser.add_argument("--score-only", action="store_true",
                        help="re-measure the shipped generator instead of training")
    return parser


def main(argv: list[str] | None = None) -> None:
    parser = command_line()
    args = parser.parse_args(argv)
    if args.epochs is None:
        args.epochs = (ABLATION_EPOCHS if args.ablation
                       else UNCONDITIONAL_EPOCHS if args.unconditional else 100)
    stem = "dcgan_unconditional_generator" if args.unconditional else "dcgan_generator"
    if args.state_dir is None:
        args.state_dir = STATE / ("dcgan_ablation" if args.ablation else stem)
    if args.ablation:
        if args.score_only:
            parser.error("--score-only re-measures a shipped generator; the ablation ships "
                         "none (run --ablation alone: finished steps are not trained again)")
        table = ablation(recipe(args), args.state_dir, args.score_every)
        path = args.out / "dcgan_ablation.json"
        args.out.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(table, indent=2) + "\n", encoding="utf-8")
        for row in table["rows"]:
            print(f"{row['step']:<22} conf90 {row['scores']['conf90']:.3f}  classes "
                  f"{row['scores']['classes_covered']:.2f}  frechet "
                  f"{row['scores']['frechet_to_test']:.2f}")
        print(f"wrote {path}")
        return
    json_path = args.out / f"{stem}.json"
    weights_path = args.out / f"{stem}.weights.h5"
    if args.score_only:
        shipped = gan.read_record(json_path)
        settings = shipped["settings"]
        generator = gan.load_dcgan_generator(weights_path, json_path)
        seconds = shipped["scores"]["training_seconds"]
        raw_scores = shipped["scores"]["without_average"]
        trained_by = shipped["trained_by"]
    else:
        settings = recipe(args)
        model, average, seconds = train(settings, args.state_dir, args.score_every)
        generator = model.generator
        raw_scores = score(generator, settings) if average is not None else None
        if average is not None:
            generator.set_weights(average)
        args.out.mkdir(parents=True, exist_ok=True)
        generator.save_weights(str(weights_path))
        trained_by = "python -m tools.train_dcgan" + (" --unconditional"
                                                      if args.unconditional else "")
    measured = {"judge": JUDGE, "training_seconds": round(seconds, 1),
                "without_average": raw_scores}
    trained = record.new_record("course_utils.models.gan.dcgan_generator", trained_by, settings,
                                measured)
    record.write_record(json_path, trained)  # a record even if scoring fails
    print(f"wrote {weights_path} ({os.path.getsize(weights_path) / 1e6:.1f} MB) and {json_path}")
    trained["scores"] = {**score(generator, settings), **measured}
    record.write_record(json_path, trained)
    print(json.dumps(trained["scores"], indent=2))


if __name__ == "__main__":
    main()
