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
