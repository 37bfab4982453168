"""How far each training-based verdict moves between runs: seeds and thread counts.

    python -m benchmarks.spread                       every verdict (about 20 minutes on 2 cores)
    python -m benchmarks.spread digits.better_model      some of them, merged into spread.json

A seed fixes a run on one processor only: another CPU, another BLAS thread count or another
TensorFlow build rounds differently, and training amplifies the difference. So every verdict
that training or floating-point rounding can move (an exercise judge, a unit test, a checked
notebook output) is measured here for seeds 0-4, once with TensorFlow and BLAS on one thread
and once at the default. The spread over those ten runs stands for the spread between
machines; each threshold in the code names it in a one-line comment and sits at least three
standard deviations from the nearest measured case.

Writes benchmarks/spread.json (per verdict: every figure of every run, the threshold, the
margin in standard deviations) and prints the table the code comments quote.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from course_utils import env

ROOT = Path(__file__).resolve().parent.parent
SPREAD = ROOT / "benchmarks" / "spread.json"
SEEDS = (0, 1, 2, 3, 4)
ONE_THREAD = {"TF_NUM_INTRAOP_THREADS": "1", "TF_NUM_INTEROP_THREADS": "1",
              "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
REQUIRED_SIGMAS = 3.0


@dataclass(frozen=True)
class Bound:
    """A figure's threshold: ``figure >= value`` (kind ">=") or ``figure <= value`` ("<=").

    ``runs_averaged`` > 1 when the verdict decides on the mean of that many runs: its
    spread is the single-run spread divided by the square root of that count.
    ``noise``: what stands for another machine. "seeds" (training amplifies any rounding
    difference, so another machine is as far as another seed); "threads" (a verdict at one
    fixed seed with no training to amplify rounding, such as one step or a shipped
    checkpoint: another machine is as far as 1 thread is from the default, seed by seed).
    """

    kind: str
    value: float
    runs_averaged: int = 1
    noise: str = "seeds"

    def distance(self, values: list[float]) -> float:
        """How far the verdict's nearest case is from the threshold (negative: wrong side)."""
        if self.runs_averaged > 1:
            nearest = statistics.fmean(values)
        else:
            nearest = min(values) if self.kind == ">=" else max(values)
        return nearest - self.value if self.kind == ">=" else self.value - nearest

    def margin(self, by_seed: dict[str, dict[str, float]]) -> tuple[float, float]:
        """(noise, distance in units of that noise) from values keyed by threads, then seed."""
        values = [value for runs in by_seed.values() for value in runs.values()]
        if self.noise == "threads":
            one, default = by_seed["1"], by_seed["default"]
            noise = max(abs(one[seed] - default[seed]) for seed in one)
        else:
            noise = statistics.stdev(values) / np.sqrt(self.runs_averaged)
        distance = self.distance(values)
        if noise == 0:
            return 0.0, float("inf") if distance > 0 else float("-inf")
        return noise, distance / noise


@dataclass(frozen=True)
class Verdict:
    name: str
    where: str
    measure: Callable[[int], dict[str, float]]
    bounds: dict[str, Bound]


# ---------------------------------------------------------------- the measurements


def _better_model_answers() -> dict[str, tuple[Any, bool]]:
    """Every listed answer to digits.better_model that the quick run judges: build, accepted?"""
    from course_utils.exercises import digits as digit_exercises

    exercise = digit_exercises.better_model
    listed = [("solution", exercise.solution, True)]
    listed += [(f"variant {number}", code, True)
               for number, code in enumerate(exercise.variants, start=1)]
    listed += [(f"mistake '{words}'", code, False) for code, words in exercise.mistakes]
    answers = {}
    for name, code, accepted in listed:
        namespace: dict[str, Any] = {}
        exec(exercise.setup + "\n" + code, namespace)  # noqa: S102 - the course's own answers
        try:
            digit_exercises.check_structure(namespace[exercise.answer])
        except Exception:  # noqa: BLE001 - the judge's refusal, whatever its words
            continue  # refused before any training: nothing to measure
        answers[name] = (namespace[exercise.answer], accepted)
    return answers


def _better_model(seed: int) -> dict[str, float]:
    """Per listed answer: its validation loss over the article's after one quick run."""
    from course_utils.exercises import digits as digit_exercises

    article = digit_exercises.quick_run(digit_exercises.article_model, seed)
    figures = {"article: accuracy (points)": 100 * article["accuracy"],
               "article: loss": article["loss"]}
    for name, (build, _) in _better_model_answers().items():
        run = digit_exercises.quick_run(build, seed)
        figures[f"{name}: loss ratio"] = run["loss"] / article["loss"]
    return figures


def _forecaster(seed: int) -> dict[str, float]:
    from tests.test_models_forecasters import _train_and_score

    rnn_mae, persistence_mae, linear_mae = _train_and_score(seed=seed)
    return {"rnn / persistence": rnn_mae / persistence_mae, "rnn / linear": rnn_mae / linear_mae}


def _one_gan_step(seed: int) -> dict[str, float]:
    """Relative drop of each player's loss after one step on a fixed batch (share of before)."""
    from course_utils import data
    from tests import test_models_gan as cases

    (x_train, _), _ = data.load_digits()
    real_batch = x_train[16 * seed:16 * seed + 16, ..., None]
    figures = {}
    for name, build in (("dcgan", cases.small_dcgan), ("article gan", cases.article_gan)):
        for figure, value in cases.one_step(build, real_batch, seed).items():
            figures[f"{name}: {figure}"] = value
    return figures


def _one_round_2d(seed: int) -> dict[str, float]:
    """Lesson 07's one SGD round on 2-D points: how much each loss moves."""
    from tests.test_adversarial import one_round

    return one_round(seed)


def _article_cnn_five_steps(seed: int) -> dict[str, float]:
    """Five steps of the article's CNN on 8 random images lower its loss (test_models_digits)."""
    import keras

    from course_utils.models import digits

    keras.utils.set_random_seed(seed)
    model = digits.build_article_cnn()
    x = np.random.default_rng(seed).random((8, 28, 28, 1), dtype=np.float32)
    y = keras.utils.to_categorical(np.arange(8) % 10, 10)
    before = model.evaluate(x, y, verbose=0)[0]
    for _ in range(5):
        model.train_on_batch(x, y)
    return {"loss drop": before - model.evaluate(x, y, verbose=0)[0]}


def _article_cnn_accuracy(seed: int) -> dict[str, float]:
    """Lesson 03's article CNN (10 epochs on 4,000 digits) against the shipped course CNN."""
    import keras

    from course_utils import data
    from course_utils.models import digits

    (x_train, y_train), (x_test, y_test) = data.load_digits()
    keras.utils.set_random_seed(seed)
    model = digits.build_article_cnn()
    model.fit(x_train[..., None], keras.utils.to_categorical(y_train, 10), epochs=10,
              batch_size=32, verbose=0)
    article = np.mean(digits.digit_probabilities(model, x_test).argmax(axis=1) == y_test)
    course = np.mean(digits.digit_probabilities(digits.load_digit_classifier(), x_test)
                     .argmax(axis=1) == y_test)
    return {"course - article (points)": 100 * (course - article),
            "course CNN accuracy": float(course)}


def _shipped_dcgan(seed: int) -> dict[str, float]:
    """The shipped DCGAN's scores on 2,000 samples drawn with noise seed ``seed``."""
    from course_utils.models import gan
    from tests.test_models_gan import judged_scores

    description = gan.read_record(gan.DCGAN_RECORD)
    recorded = description["scores"]
    scores = judged_scores(gan.load_dcgan_generator(),
                           {**recorded, "noise_seed": recorded["noise_seed"] + seed},
                           description["settings"]["latent_dim"])
    return {"conf90": scores["conf90"], "classes covered": scores["classes_covered"],
            "judged as chosen": scores["judged_as_chosen"]}


def _article_gan_against_dcgan(seed: int) -> dict[str, float]:
    """Lesson 08's article GAN (3,000 rounds, as the lesson trains it) against the DCGAN.

    The article's GAN is trained with seed ``seed``; the shipped unconditional DCGAN is
    judged on the same 1,000 noise vectors as in the lesson.
    """
    import tensorflow as tf

    from course_utils import adversarial, data, quality
    from course_utils.models import digits, gan
    from tests import test_models_gan as cases

    model = cases.article_gan(seed)  # the article's pair, Adam 1e-3, labels 1 and 0
    (x_train, _), (x_test, _) = data.load_digits()
    adversarial.play_rounds(tf.function(model.discriminator_step),
                            tf.function(model.generator_step), x_train.reshape(-1, 784), 3000,
                            64, 100, np.random.default_rng(seed))
    judge = digits.load_digit_classifier()
    test_features = digits.digit_features(judge, x_test)
    noise = np.random.default_rng(2).normal(size=(1000, 100)).astype(np.float32)
    figures = {}
    for name, generator in (("article", model.generator),
                            ("dcgan", gan.load_unconditional_dcgan_generator())):
        images = np.asarray(generator(noise, training=False)).reshape(-1, 28, 28)
        scores = quality.digit_scores(judge, images)
        figures[f"{name} classes"] = scores["classes_covered"]
        figures[f"{name} conf90"] = scores["conf90"]
        figures[f"{name} frechet"] = quality.frechet_distance(
            digits.digit_features(judge, images), test_features)
    return {"dcgan - article classes": figures["dcgan classes"] - figures["article classes"],
            "article / dcgan frechet": figures["article frechet"] / figures["dcgan frechet"],
            "dcgan - article conf90": figures["dcgan conf90"] - figures["article conf90"],
            **figures}


def _conditional_gan(seed: int) -> dict[str, float]:
    from course_utils.models import conditional_gan, digits

    images, labels = conditional_gan.generate_digits(conditional_gan.load_conditional_generator(),
                                                     per_class=30, seed=5 + seed)
    predicted = digits.digit_probabilities(digits.load_digit_classifier(), images).argmax(axis=1)
    return {"judged as asked": float(np.mean(predicted == labels))}


def _gan2d_arrows(seed: int) -> dict[str, float]:
    """Lesson 07's arrows after 20 rounds: share pointing where D says "more real"."""
    from tests.test_explore_adversarial import _view, uphill_share

    view = _view(seed=seed)
    view.train(steps=20)
    return {"share of arrows uphill": uphill_share(view)}


VERDICTS = (
    Verdict("digits.better_model", "course_utils/exercises/digits.py", _better_model, {}),
    Verdict("forecaster beats baselines", "tests/test_models_forecasters.py", _forecaster,
            {"rnn / persistence": Bound("<=", 0.5), "rnn / linear": Bound("<=", 1.0)}),
    Verdict("one GAN step lowers each loss", "tests/test_models_gan.py", _one_gan_step,
            {figure: Bound(">=", 0.0, noise="threads")
             for figure in ("dcgan: D loss drop", "dcgan: G loss drop",
                            "article gan: D loss drop", "article gan: G loss drop")}),
    Verdict("one round on 2-D points", "tests/test_adversarial.py", _one_round_2d,
            {figure: Bound(">=", 0.0, noise="threads")
             for figure in ("D loss drop", "G loss drop", "D loss rise after G's step")}),
    Verdict("five steps of the article's CNN", "tests/test_models_digits.py",
            _article_cnn_five_steps, {"loss drop": Bound(">=", 0.0, noise="threads")}),
    Verdict("course CNN beats the article's", "notebooks/03_cnn_classifier.ipynb",
            _article_cnn_accuracy,
            {"course - article (points)": Bound(">=", 0.0),
             "course CNN accuracy": Bound(">=", 0.985, noise="threads")}),
    Verdict("shipped DCGAN", "tests/test_models_gan.py", _shipped_dcgan,
            {"conf90": Bound(">=", 0.85, noise="threads"),
             "classes covered": Bound(">=", 9.5, noise="threads"),
             "judged as chosen": Bound(">=", 0.9, noise="threads")}),
    Verdict("lesson 08: DCGAN against the article's GAN", "tests/test_lesson08_claims.py",
            _article_gan_against_dcgan,
            {"dcgan - article classes": Bound(">=", 0.0),
             "article / dcgan frechet": Bound(">=", 1.0)}),
    Verdict("shipped conditional GAN", "tests/test_models_conditional_gan.py", _conditional_gan,
            {"judged as asked": Bound(">=", 0.5, noise="threads")}),
    Verdict("lesson 07 arrows", "tests/test_explore_adversarial.py", _gan2d_arrows,
            {"share of arrows uphill": Bound(">=", 0.9, noise="threads")}),
)


def _better_model_bounds() -> dict[str, Bound]:
    from course_utils.exercises import digits as digit_exercises

    runs, threshold = len(digit_exercises.QUICK_RUN["seeds"]), digit_exercises.QUICK_RUN["loss_ratio"]
    return {f"{name}: loss ratio": Bound("<=" if accepted else ">=", threshold, runs)
            for name, (_, accepted) in _better_model_answers().items()}


def bounds(verdict: Verdict) -> dict[str, Bound]:
    return _better_model_bounds() if verdict.name == "digits.better_model" else verdict.bounds


# ---------------------------------------------------------------- running and reporting


def _child(names: list[str]) -> None:
    """Measure the named verdicts for every seed in this process; print JSON."""
    chosen = [verdict for verdict in VERDICTS if verdict.name in names]
    runs = {verdict.name: {str(seed): verdict.measure(seed) for seed in SEEDS}
            for verdict in chosen}
    print("SPREAD " + json.dumps(runs))


def measure(names: list[str], threads: str) -> dict[str, Any]:
    environment = env.quiet_environment()
    if threads == "1":
        environment.update(ONE_THREAD)
    else:
        for name in ONE_THREAD:
            environment.pop(name, None)
    done = subprocess.run([sys.executable, "-m", "benchmarks.spread", "--child", *names],
                          cwd=ROOT, env=environment, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"measuring {names} with {threads} thread(s) failed:\n"
                           f"{done.stderr[-3000:]}")
    line = next(row for row in done.stdout.splitlines() if row.startswith("SPREAD "))
    return json.loads(line[len("SPREAD "):])


def summarise(name: str, runs: dict[str, dict[str, dict[str, float]]]) -> list[dict[str, Any]]:
    """One row per figure: every run's value, the threshold and the margin in noise units."""
    verdict = next(item for item in VERDICTS if item.name == name)
    rows = []
    for figure, bound in bounds(verdict).items():
        by_seed = {threads: {seed: runs[threads][seed][figure] for seed in runs[threads]}
                   for threads in runs}
        values = [value for seeds in by_seed.values() for value in seeds.values()]
        noise, margin = bound.margin(by_seed)
        rows.append({"figure": figure, "values": by_seed, "mean": statistics.fmean(values),
                     "min": min(values), "max": max(values),
                     "seed_sd": statistics.stdev(values),
                     "thread_noise": max(abs(by_seed["1"][seed] - by_seed["default"][seed])
                                         for seed in by_seed["1"]),
                     "noise_kind": bound.noise, "noise": noise,
                     "threshold": f"{bound.kind} {bound.value:g}",
                     "runs_averaged": bound.runs_averaged, "margin": margin})
    return rows


def table(spread: dict[str, Any]) -> str:
    lines = ["| verdict | figure | 10 runs (min .. max) | sd over seeds | 1 thread vs default "
             "| threshold | margin |", "|---|---|---|---|---|---|---|"]
    for name, entry in spread.items():
        for row in entry["rows"]:
            averaged = (f" (mean of {row['runs_averaged']} runs)"
                        if row["runs_averaged"] > 1 else "")
            unit = "sd" if row["noise_kind"] == "seeds" else "x thread noise"
            margin = ("exact" if row["margin"] == float("inf") else
                      f"> 1000 {unit}" if row["margin"] > 1000 else f"{row['margin']:.1f} {unit}")
            lines.append(f"| {name} | {row['figure']} | {row['min']:.4g} .. {row['max']:.4g} | "
                         f"{row['seed_sd']:.3g} | {row['thread_noise']:.2g} | "
                         f"{row['threshold']}{averaged} | {margin} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("names", nargs="*", help="verdicts to measure (default: all)")
    parser.add_argument("--report", action="store_true",
                        help="only recompute the margins and the table from spread.json")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    names = args.names or [verdict.name for verdict in VERDICTS]
    unknown = set(names) - {verdict.name for verdict in VERDICTS}
    if unknown:
        parser.error(f"unknown verdicts {sorted(unknown)}; known: "
                     f"{[verdict.name for verdict in VERDICTS]}")
    if args.child:
        _child(names)
        return 0
    for name in [] if args.report else names:
        runs = {threads: measure([name], threads)[name] for threads in ("1", "default")}
        entry = {"where": next(v.where for v in VERDICTS if v.name == name),
                 "seeds": list(SEEDS), "runs": runs, "rows": summarise(name, runs)}
        # read again just before writing: another measurement may have finished meanwhile
        spread = json.loads(SPREAD.read_text()) if SPREAD.exists() else {}
        spread[name] = entry
        SPREAD.write_text(json.dumps(spread, indent=1) + "\n", encoding="utf-8")
        print(table({name: entry}), flush=True)
    spread = json.loads(SPREAD.read_text())
    for name, entry in spread.items():  # thresholds may have moved since the runs
        entry["rows"] = summarise(name, entry["runs"])
    SPREAD.write_text(json.dumps(spread, indent=1) + "\n", encoding="utf-8")
    from benchmarks import report, run

    if run.RESULTS.exists():
        run.MARKDOWN.write_text(report.markdown(json.loads(run.RESULTS.read_text())))
    weak = [(name, row["figure"]) for name, entry in spread.items() for row in entry["rows"]
            if row["margin"] < REQUIRED_SIGMAS]
    print(table(spread))
    if weak:
        print(f"\nless than {REQUIRED_SIGMAS:g} sd from their threshold: {weak}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
