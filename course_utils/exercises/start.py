"""Lesson 00's warm-up exercise: how exercises and their feedback work."""

import numpy as np

from course_utils.checks import Exercise, attempt, correct, wrong


def _judge_relu(relu):
    x = np.array([[-2.0, -0.5, 0.0], [0.5, 1.0, 3.0]])
    expected = np.maximum(x, 0.0)
    got = np.asarray(attempt(relu, x.copy()), dtype=float)
    if got.shape != x.shape:
        raise wrong(f"relu(x) for x of shape {x.shape} returned shape {got.shape}",
                    "apply the function to every element: the output has the input's shape")
    if np.allclose(got, np.abs(x)):
        raise wrong(f"relu({x[0].tolist()}) gave {got[0].tolist()}: negative inputs came out "
                    "positive", "negative inputs should become 0, not change sign")
    if np.allclose(got, np.minimum(x, 0.0)):
        raise wrong(f"relu({x[1].tolist()}) gave {got[1].tolist()}: positive inputs became 0",
                    "keep the positive part, drop the negative part")
    if np.allclose(got, np.clip(x, 0.0, 1.0)):
        raise wrong(f"relu({x[1].tolist()}) gave {got[1].tolist()}: large inputs were capped at 1",
                    "ReLU has no upper limit")
    if not np.allclose(got, expected):
        raise wrong(f"relu({x.tolist()}) gave {got.tolist()}",
                    "compare each element with 0 and keep the larger")
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
        ("def relu(x):\n    return max(x, 0)", "line 2 of `relu`"),
    ),
)
