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


# ---------------------------------------------------------------- predict: the rate that diverges

def _judge_diverging_rate(answer: Any) -> str:
    try:
        rate = float(answer)
    except (TypeError, ValueError):
        raise wrong(f"got {answer!r}", "give one of the three rates: 0.001, 0.02 or 0.03") from None
    if np.isclose(rate, 0.03):
        return correct("Run the next cell: at 0.03 each step overshoots the bottom of the "
                       "loss by more than the last, and the loss grows without end, while 0.02, "
                       "only a third smaller, converges. The edge is sharp, and it depends on "
                       "the problem: that is why the rate is a setting to choose.")
    if np.isclose(rate, 0.001):
        raise wrong("0.001 takes the smallest steps: it can only be slow",
                    "a step overshoots when it is too large for the slope it follows")
    if np.isclose(rate, 0.02):
        raise wrong("0.02 is close to the edge, but on this line it still converges",
                    "which of the three steps is largest?")
    raise wrong(f"{answer!r} is not one of the three rates of the cell below",
                "answer 0.001, 0.02 or 0.03")


diverging_rate = Exercise(
    id="start.diverging_rate",
    lesson="00",
    title="Predict which learning rate diverges",
    judge=_judge_diverging_rate,
    hints=("Each step moves the weight by the learning rate times the slope.",
           "If a step jumps past the bottom of the valley to a point higher on the other side, "
           "the next slope is steeper, and the next jump longer."),
    answer="diverging_rate",
    kind="predict",
    solution="diverging_rate = 0.03",
    mistakes=(("diverging_rate = 0.001", "smallest steps"),
              ("diverging_rate = 0.02", "still converges"),
              ("diverging_rate = 0.1", "not one of the three")),
)


# ---------------------------------------------------------------- find the bug: a step that climbs

_LINE_SETUP = ("import numpy as np\n\n\n"
               "def predict(weight, bias, x):\n"
               "    return weight * x + bias\n\n\n"
               "def gradients(weight, bias, x, y):\n"
               "    error = predict(weight, bias, x) - y\n"
               "    return np.mean(2 * error * x), np.mean(2 * error)")

BUGGY_STEP = ("def descend(weight, bias, x, y, learning_rate):\n"
              '    """One step of gradient descent on mse_loss: returns the new (weight, bias)."""\n'
              "    weight_slope, bias_slope = gradients(weight, bias, x, y)\n"
              "    return weight + learning_rate * weight_slope, bias + learning_rate * bias_slope")
"""What lesson 00 ships: every step goes uphill."""


def _slopes(weight: float, bias: float, x: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    error = weight * x + bias - y
    return float(np.mean(2 * error * x)), float(np.mean(2 * error))


def _judge_descend(descend: Any) -> str:
    rng = np.random.default_rng(3)
    for _ in range(30):
        x = np.round(rng.uniform(-3, 3, size=int(rng.integers(2, 8))), 2)
        y = np.round(rng.normal(size=x.shape), 2)
        weight, bias = (float(value) for value in np.round(rng.normal(size=2), 2))
        rate = float(rng.choice([0.01, 0.05, 0.1]))
        where = (f"For weight {weight}, bias {bias}, learning rate {rate} and {len(x)} points")
        result = attempt(descend, weight, bias, x.copy(), y.copy(), rate, case=where)
        try:
            new_weight, new_bias = (float(value) for value in result)
        except (TypeError, ValueError):
            raise wrong(f"{where}, descend returned {result!r}",
                        "return the new weight and the new bias, as a pair") from None
        weight_slope, bias_slope = _slopes(weight, bias, x, y)
        expected = (weight - rate * weight_slope, bias - rate * bias_slope)
        got = (new_weight, new_bias)
        if matches(got, expected):
            continue
        if matches(got, (weight + rate * weight_slope, bias + rate * bias_slope)):
            raise wrong(f"{where}, the step went uphill: the loss grew",
                        "a step moves against the slope: subtract learning_rate * slope")
        if matches(got[0], expected[0]) and not matches(got[1], expected[1]):
            raise wrong(f"{where}, the weight is right but the bias is {got[1]:.4f}; expected "
                        f"{expected[1]:.4f}", "the bias moves against its own slope too")
        if matches(got, (weight - rate * bias_slope, bias - rate * weight_slope)):
            raise wrong(f"{where}, the weight moved along the bias's slope and the bias along "
                        "the weight's", "each number moves against its own slope")
        if matches(got, (weight - weight_slope, bias - bias_slope)):
            raise wrong(f"{where}, the step is the whole slope",
                        "multiply each slope by the learning rate")
        raise wrong(f"{where}, descend gave ({got[0]:.4f}, {got[1]:.4f}); expected "
                    f"({expected[0]:.4f}, {expected[1]:.4f})",
                    "new value = value - learning_rate * its slope")
    return correct("Against the slope is downhill. A loss that grows step after step at a "
                   "small learning rate points to a sign error like this one; at a large rate, "
                   "to a step too long, as in the figure above.")


descend_bug = Exercise(
    id="start.descend_bug",
    lesson="00",
    title="Find the bug: a step of gradient descent that climbs",
    judge=_judge_descend,
    hints=("Run it from weight 0 and bias 0 a few times and print mse_loss after each step.",
           "A positive slope says the loss grows when the weight grows: which way should the "
           "weight move?"),
    answer="descend",
    kind="find the bug",
    solution=BUGGY_STEP.replace("weight + learning_rate", "weight - learning_rate").replace(
        "bias + learning_rate", "bias - learning_rate"),
    mistakes=(
        (BUGGY_STEP, "uphill"),
        (BUGGY_STEP.replace("weight + learning_rate", "weight - learning_rate"), "its own slope"),
        (BUGGY_STEP.replace("weight + learning_rate * weight_slope",
                            "weight - learning_rate * bias_slope").replace(
            "bias + learning_rate * bias_slope", "bias - learning_rate * weight_slope"),
         "its own slope"),
        (BUGGY_STEP.replace("weight + learning_rate * weight_slope", "weight - weight_slope")
         .replace("bias + learning_rate * bias_slope", "bias - bias_slope"), "whole slope"),
    ),
    setup=_LINE_SETUP,
    forbidden=("keras.optimizers.SGD",),
)
