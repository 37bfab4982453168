"""Lesson 00's warm-up exercise: how exercises and their feedback work."""

from __future__ import annotations

from typing import Any

import numpy as np

from course_utils.checks import Exercise, attempt, correct, matches, wrong


def _relu_cases(seed: int = 0, count: int = 40) -> list[np.ndarray]:
    """Arrays of 1 to 3 axes with negative, zero and positive values, smallest first."""
    rng = np.random.default_rng(seed)
    cases = [np.array([[-2.0, -0.5, 0.0], [0.5, 1.0, 3.0]])]
    for _ in range(count):
        shape = tuple(int(size) for size in rng.integers(1, 6, size=rng.integers(1, 4)))
        cases.append(np.round(rng.normal(scale=2.0, size=shape), 2))
    return sorted(cases, key=lambda x: x.size)


def _judge_relu(relu: Any) -> str:
    for x in _relu_cases():
        expected = np.maximum(x, 0.0)
        got = attempt(relu, x.copy(), case=f"for x of shape {x.shape}")
        try:
            got = np.asarray(got, dtype=float)
        except (TypeError, ValueError):
            raise wrong(f"relu(x) for x of shape {x.shape} returned {got!r}, not an array",
                        "return an array with one number per element of x") from None
        if got.shape != x.shape:
            raise wrong(f"relu(x) for x of shape {x.shape} returned shape {got.shape}",
                        "apply the function to every element: the output has the input's shape")
        if matches(got, expected):
            continue
        where = f"relu({x.tolist()}) gave {got.tolist()}; expected {expected.tolist()}"
        if matches(got, np.abs(x)):
            raise wrong(where + ": negative inputs came out positive",
                        "negative inputs should become 0, not change sign")
        if matches(got, np.minimum(x, 0.0)):
            raise wrong(where + ": positive inputs became 0",
                        "keep the positive part, drop the negative part")
        if matches(got, np.clip(x, 0.0, 1.0)):
            raise wrong(where + ": large inputs were capped at 1", "ReLU has no upper limit")
        raise wrong(where, "compare each element with 0 and keep the larger")
    return correct("ReLU keeps positive values and zeroes the rest: the activation used "
                   "in almost every network of this course.")


relu = Exercise(
    id="start.relu",
    lesson="00",
    title="Write ReLU in numpy",
    judge=_judge_relu,
    hints=("ReLU(x) is x where x is positive and 0 elsewhere.",
           "numpy has a function that takes the element-wise larger of two arrays."),
    answer="relu",
    solution="def relu(x):\n    return np.maximum(x, 0.0)",
    mistakes=(
        ("def relu(x):\n    return np.abs(x)", "negative inputs should become 0"),
        ("def relu(x):\n    return np.minimum(x, 0.0)", "keep the positive part"),
        ("def relu(x):\n    return np.clip(x, 0.0, 1.0)", "no upper limit"),
        ("def relu(x):\n    return max(x, 0)", "every element"),
        ("def relu(x):\n    return np.array([[0.0, 0.0, 0.0], [0.5, 1.0, 3.0]])", "shape"),
    ),
    forbidden=("keras.activations.relu", "keras.ops.relu", "tensorflow.nn.relu"),
    variants=("def relu(x):\n    return x * (x > 0)",
              "def relu(x):\n    return np.where(x > 0, x, 0)"),
)


# ---------------------------------------------------------------- the training primer


def _cross_entropy_cases(seed: int = 0, count: int = 40) -> list[tuple[np.ndarray, int]]:
    """(scores, label) pairs of 2 to 10 classes, some with the large scores of a confident
    network; the primer's own example first, then the smallest first."""
    rng = np.random.default_rng(seed)
    cases = []
    for index in range(count):
        classes = int(rng.integers(2, 11))
        scores = np.round(rng.normal(scale=3.0, size=classes), 2)
        if index % 4 == 3:  # a confident network's scores: large, but close to one another
            scores = scores + float(rng.choice([-1000.0, 800.0, 1000.0]))
        cases.append((scores, int(rng.integers(classes))))
    cases.sort(key=lambda case: (case[0].size, np.abs(case[0]).max()))
    return [(np.array([2.0, 1.0, 0.1]), 0), *cases]


def _log_sum_exp(scores: np.ndarray) -> float:
    largest = scores.max()
    return float(largest + np.log(np.exp(scores - largest).sum()))


def _judge_cross_entropy(cross_entropy: Any) -> str:
    for scores, label in _cross_entropy_cases():
        expected = _log_sum_exp(scores) - scores[label]
        case = f"for scores {scores.tolist()} and label {label}"
        with np.errstate(all="ignore"):  # an overflow is reported below, not as a warning
            got = attempt(cross_entropy, scores.copy(), label, case=case)
            try:
                got = np.asarray(got, dtype=float)
            except (TypeError, ValueError):
                raise wrong(f"cross_entropy(...) {case} returned {got!r}, not a number",
                            "return one number: the loss of this one example") from None
        if got.size != 1:
            raise wrong(f"cross_entropy(...) {case} returned shape {got.shape}",
                        "return one number: minus the log of the right class's probability, "
                        "not one value per class")
        got = got.reshape(())
        if matches(got, expected):
            continue
        where = f"cross_entropy(...) {case} gave {float(got):.6g}; expected {expected:.6g}"
        probabilities = np.exp(scores - scores.max()) / np.exp(scores - scores.max()).sum()
        if matches(got, -expected):
            raise wrong(where + ": the sign is flipped",
                        "the log of a probability is negative; the loss is minus that log, "
                        "so it is never below 0")
        if matches(got, expected / np.log(10.0)):
            raise wrong(where + ": that is the log to base 10",
                        "use np.log, the natural log, as Keras does")
        if matches(got, probabilities[label]):
            raise wrong(where + ": that is the probability of the right class",
                        "the loss is -log of that probability: 0 when it is 1, large when "
                        "it is small")
        if matches(got, -np.log(probabilities.max())):
            raise wrong(where + ": that is the loss of the most probable class",
                        "use the probability of the right class, the one at index label, whether "
                        "the model favours it or not")
        if matches(got, -np.log(probabilities).sum()):
            raise wrong(where + ": that adds the logs of every class",
                        "only the right class counts: take the log of probabilities[label]")
        if scores[label] > 0 and matches(got, -np.log(scores[label])):
            raise wrong(where + ": that is -log of the raw score, which is not a probability",
                        "turn the scores into probabilities with softmax first: np.exp of "
                        "each score, divided by their sum")
        if not np.isfinite(got) and np.abs(scores).max() > 700:
            overflow = (f"np.exp({scores.max():g}) is inf, and inf / inf is nan"
                        if scores.max() > 0 else
                        f"np.exp({scores.max():g}) is 0, so is every class's, and 0 / 0 is nan")
            raise wrong(f"{where}: {overflow}",
                        "softmax gives the same probabilities if the same number is taken "
                        "from every score: subtract the largest score before np.exp")
        if not np.isfinite(got):
            raise wrong(where + ": a log of 0 or of a negative number",
                        "turn the scores into probabilities with softmax first: np.exp of "
                        "each score, divided by their sum")
        raise wrong(where, "softmax the scores (np.exp of each, divided by their sum), then "
                           "take minus the log of the right class's probability")
    return correct("The loss is small when the right class gets a high probability and grows "
                   "fast as that probability falls: -log(0.5) is 0.69, -log(0.01) is 4.6. "
                   "Keras' SparseCategoricalCrossentropy averages it over a batch.")


cross_entropy = Exercise(
    id="start.cross_entropy",
    lesson="00",
    title="Write softmax cross-entropy for one example",
    judge=_judge_cross_entropy,
    hints=("Two steps: softmax turns the scores into probabilities (np.exp of each, divided by "
           "their sum); the loss is minus the natural log of the right class's probability.",
           "A trained network's scores can be in the hundreds, and np.exp(1000.0) is inf. "
           "Softmax does not change if the same number is subtracted from every score: "
           "subtract scores.max() first."),
    answer="cross_entropy",
    solution=("def cross_entropy(scores, label):\n"
              "    exponentials = np.exp(scores - scores.max())  # no overflow\n"
              "    probabilities = exponentials / exponentials.sum()\n"
              "    return -np.log(probabilities[label])"),
    mistakes=(
        ("def cross_entropy(scores, label):\n"
         "    probabilities = np.exp(scores) / np.exp(scores).sum()\n"
         "    return -np.log(probabilities[label])", "subtract the largest score"),
        ("def cross_entropy(scores, label):\n"
         "    exponentials = np.exp(scores - scores.max())\n"
         "    return np.log(exponentials[label] / exponentials.sum())", "never below 0"),
        ("def cross_entropy(scores, label):\n"
         "    exponentials = np.exp(scores - scores.max())\n"
         "    return -np.log(exponentials.max() / exponentials.sum())", "the right class"),
        ("def cross_entropy(scores, label):\n"
         "    exponentials = np.exp(scores - scores.max())\n"
         "    return -np.log(exponentials / exponentials.sum()).sum()", "only the right class"),
        ("def cross_entropy(scores, label):\n"
         "    exponentials = np.exp(scores - scores.max())\n"
         "    return -np.log10(exponentials[label] / exponentials.sum())", "natural log"),
        ("def cross_entropy(scores, label):\n"
         "    exponentials = np.exp(scores - scores.max())\n"
         "    return exponentials[label] / exponentials.sum()", "-log of that probability"),
        ("def cross_entropy(scores, label):\n"
         "    return -np.log(scores[label])", "softmax first"),
        ("def cross_entropy(scores, label):\n"
         "    exponentials = np.exp(scores - scores.max())\n"
         "    return -np.log(exponentials / exponentials.sum())", "one number"),
    ),
    forbidden=("keras.losses.sparse_categorical_crossentropy",
               "keras.losses.SparseCategoricalCrossentropy",
               "keras.losses.categorical_crossentropy",
               "keras.ops.sparse_categorical_crossentropy",
               "keras.ops.softmax", "keras.ops.log_softmax", "keras.activations.softmax",
               "scipy.special.softmax", "scipy.special.log_softmax"),
    variants=(
        "def cross_entropy(scores, label):\n"
        "    shifted = scores - np.max(scores)\n"
        "    return np.log(np.sum(np.exp(shifted))) - shifted[label]",
        "def cross_entropy(scores, label):\n"
        "    probabilities = np.exp(scores - max(scores))\n"
        "    probabilities = probabilities / probabilities.sum()\n"
        "    return float(-np.log(probabilities[label]))",
    ),
)
