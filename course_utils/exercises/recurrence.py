"""Lesson 04's exercises: one recurrence step, the hidden state's shape, gradients over time."""

import numpy as np

from course_utils.checks import Exercise, attempt, correct, wrong


def _step_inputs() -> tuple[np.ndarray, ...]:
    rng = np.random.default_rng(4)
    batch, features, units = 2, 3, 4
    x_t = rng.normal(size=(batch, features))
    h_prev = rng.uniform(-0.9, 0.9, size=(batch, units))
    W = rng.normal(size=(features, units))
    U = rng.normal(size=(units, units))
    b = rng.normal(size=units)
    return x_t, h_prev, W, U, b


def _judge_step(rnn_step):
    x_t, h_prev, W, U, b = _step_inputs()
    got = np.asarray(attempt(rnn_step, x_t.copy(), h_prev.copy(), W.copy(), U.copy(), b.copy()),
                     dtype=float)
    expected_shape = (x_t.shape[0], U.shape[0])
    if got.shape == expected_shape[::-1]:
        raise wrong(f"for x_t of shape {x_t.shape} and h_prev of shape {h_prev.shape} you "
                    f"returned shape {got.shape}, expected {expected_shape}",
                    "Keras keeps one example per row: multiply x_t @ W, not W @ x_t")
    if got.shape != expected_shape:
        raise wrong(f"for x_t of shape {x_t.shape} and h_prev of shape {h_prev.shape} you "
                    f"returned shape {got.shape}, expected {expected_shape} (batch, units)",
                    "the new hidden state has one row per example and one column per unit")
    pre = x_t @ W + h_prev @ U + b
    mistakes = [
        (np.maximum(pre, 0.0), "your step uses ReLU: values above 1 appear",
         "a SimpleRNN squashes with tanh, so every value stays between -1 and 1"),
        (pre, "your step has no activation: values above 1 appear",
         "apply tanh to the sum, so the state stays between -1 and 1"),
        (1.0 / (1.0 + np.exp(-pre)), "your step uses the sigmoid: no value is negative",
         "a SimpleRNN uses tanh, which is centred on 0 and can be negative"),
        (np.tanh(x_t @ W + h_prev @ U), "your step ignores the bias b",
         "add the bias b inside the tanh"),
        (np.tanh(x_t @ W + h_prev @ U.T + b), "your step uses U transposed",
         "with one example per row, the previous state multiplies as h_prev @ U "
         "(Keras' recurrent_kernel has shape (units in, units out))"),
        (np.tanh(x_t @ W + b), "your step ignores the previous hidden state h_prev",
         "the previous state h_prev @ U is the memory: without it this is a plain Dense layer"),
        (np.tanh(x_t @ W + h_prev + b), "your step adds h_prev without multiplying by U",
         "the previous state goes through the recurrent weights: h_prev @ U"),
    ]
    for candidate, message, hint in mistakes:
        if np.allclose(got, candidate, atol=1e-6):
            raise wrong(f"{message} (on a batch of {x_t.shape[0]} with 3 features and 4 units)",
                        hint)
    if not np.allclose(got, np.tanh(pre), atol=1e-6):
        raise wrong(f"for the test batch you returned\n{np.round(got, 3)}\nexpected\n"
                    f"{np.round(np.tanh(pre), 3)}",
                    "three terms inside one tanh: the input through W, the previous state "
                    "through U, and the bias")
    return correct("One step is one line: the same W, U and b are reused at every time step, "
                   "so a SimpleRNN of any length has only D*H + H*H + H parameters.")


step = Exercise(
    id="recurrence.step",
    lesson="04",
    title="Implement one recurrence step",
    judge=_judge_step,
    hints=("Three terms go inside the activation: the input through W, the previous state "
           "through U, and the bias.",
           "With one example per row the input term is x_t @ W; the previous state is handled "
           "the same way; the activation is tanh."),
    answer="rnn_step",
    solution="def rnn_step(x_t, h_prev, W, U, b):\n    return np.tanh(x_t @ W + h_prev @ U + b)",
    mistakes=(
        ("def rnn_step(x_t, h_prev, W, U, b):\n    return np.maximum(x_t @ W + h_prev @ U + b, 0)",
         "uses ReLU"),
        ("def rnn_step(x_t, h_prev, W, U, b):\n    return np.tanh(x_t @ W + h_prev @ U)",
         "ignores the bias"),
        ("def rnn_step(x_t, h_prev, W, U, b):\n    return np.tanh(x_t @ W + h_prev @ U.T + b)",
         "U transposed"),
        ("def rnn_step(x_t, h_prev, W, U, b):\n    return np.tanh(x_t @ W + b)",
         "ignores the previous hidden state"),
        ("def rnn_step(x_t, h_prev, W, U, b):\n    return np.tanh(W.T @ x_t.T + U.T @ h_prev.T"
         " + b[:, None])", "x_t @ W, not W @ x_t"),
        ("def rnn_step(x_t, h_prev, W, U, b):\n    return x_t @ W + h_prev @ U + b",
         "no activation"),
    ),
)


def _judge_hidden_shape(hidden_shape):
    cases = [(32, 50, 3, 16, False), (32, 50, 3, 16, True), (8, 10, 1, 4, True)]
    for batch, steps, features, units, sequences in cases:
        got = attempt(hidden_shape, batch, steps, features, units, sequences)
        try:
            got = tuple(int(size) for size in got)
        except TypeError:
            raise wrong(f"hidden_shape(...) returned {got!r}, not a tuple of sizes",
                        "return a tuple such as (2, 3)") from None
        expected = (batch, steps, units) if sequences else (batch, units)
        if got == expected:
            continue
        call = (f"hidden_shape(batch_size={batch}, steps={steps}, features={features}, "
                f"units={units}, return_sequences={sequences})")
        if sequences and got == (batch, units):
            raise wrong(f"{call} returned {got}, expected {expected}",
                        "with return_sequences=True the layer returns the hidden state at "
                        "every time step, not only the last one")
        if not sequences and got == (batch, steps, units):
            raise wrong(f"{call} returned {got}, expected {expected}",
                        "with return_sequences=False only the last hidden state comes out")
        if features in got and units not in got:
            raise wrong(f"{call} returned {got}, expected {expected}",
                        "the hidden state has one value per unit, whatever the number of "
                        "input features")
        if batch not in got:
            raise wrong(f"{call} returned {got}, expected {expected}",
                        "every sequence of the batch gets its own hidden state: the batch "
                        "size comes first")
        if sorted(got) == sorted(expected):
            raise wrong(f"{call} returned {got}, expected {expected}",
                        "the order of the axes matters: Keras puts the batch first, time "
                        "next, units last")
        raise wrong(f"{call} returned {got}, expected {expected}",
                    "think of one hidden state of `units` numbers per sequence, per step kept")
    return correct("The hidden state's size is set by the layer's units, never by the number "
                   "of input features or time steps: that is why an RNN reads any length.")


hidden_shape = Exercise(
    id="recurrence.hidden_shape",
    lesson="04",
    title="The hidden state's shape for a batch",
    judge=_judge_hidden_shape,
    hints=("Each sequence in the batch has its own hidden state, a vector of `units` numbers.",
           "return_sequences=True keeps that vector at every time step; False keeps the last."),
    answer="hidden_shape",
    solution=("def hidden_shape(batch_size, steps, features, units, return_sequences):\n"
              "    if return_sequences:\n"
              "        return (batch_size, steps, units)\n"
              "    return (batch_size, units)"),
    mistakes=(
        ("def hidden_shape(batch_size, steps, features, units, return_sequences):\n"
         "    return (batch_size, units)", "every time step"),
        ("def hidden_shape(batch_size, steps, features, units, return_sequences):\n"
         "    return (batch_size, steps, units)", "only the last hidden state"),
        ("def hidden_shape(batch_size, steps, features, units, return_sequences):\n"
         "    if return_sequences:\n"
         "        return (batch_size, steps, features)\n"
         "    return (batch_size, features)", "one value per unit"),
        ("def hidden_shape(batch_size, steps, features, units, return_sequences):\n"
         "    if return_sequences:\n"
         "        return (steps, units)\n"
         "    return (units,)", "batch size comes first"),
        ("def hidden_shape(batch_size, steps, features, units, return_sequences):\n"
         "    if return_sequences:\n"
         "        return (steps, batch_size, units)\n"
         "    return (batch_size, units)", "order of the axes"),
    ),
)


_WORDS = {"vanish": "vanish", "vanishes": "vanish", "shrink": "vanish", "shrinks": "vanish",
          "explode": "explode", "explodes": "explode", "grow": "explode", "grows": "explode",
          "stay": "stay", "stays": "stay", "same": "stay"}


def _judge_gradient(prediction):
    if not isinstance(prediction, dict) or set(prediction) != {0.5, 1.5}:
        raise wrong(f"expected a dict with the keys 0.5 and 1.5, got {prediction!r}",
                    'write it like {0.5: "vanish", 1.5: "explode"}, with your own words')
    said = {}
    for radius, word in prediction.items():
        key = str(word).strip().lower()
        if key not in _WORDS:
            raise wrong(f"for radius {radius} you wrote {word!r}",
                        'use one of the words "vanish", "explode" or "stay"')
        said[radius] = _WORDS[key]
    if said == {0.5: "vanish", 1.5: "explode"}:
        return correct("Going back one step multiplies the gradient by U (and by tanh's slope, "
                       "at most 1): with radius 0.5 it shrinks about 0.5**k after k steps; "
                       "with 1.5 it can grow about 1.5**k, until tanh saturates and slows it. "
                       "The measurement below shows both.")
    if said == {0.5: "explode", 1.5: "vanish"}:
        raise wrong("you swapped the two cases",
                    "each step back multiplies by about the radius: what does 0.5**20 give, "
                    "and 1.5**20?")
    if said[0.5] == "stay" or said[1.5] == "stay":
        raise wrong(f"you predicted {prediction}: a gradient that stays the same size needs "
                    "a radius of about 1",
                    "each step back multiplies by about the radius: what does 0.5**20 give, "
                    "and 1.5**20?")
    if said[0.5] == said[1.5] == "vanish":
        raise wrong("radius 0.5 is right, radius 1.5 is not: with a radius above 1 the "
                    "gradient can grow from step to step",
                    "tanh's slope is at most 1, so it only slows the growth that a radius "
                    "above 1 starts")
    raise wrong(f"you predicted {prediction}: radius 0.5 cannot make gradients explode",
                "tanh's slope is at most 1 and 0.5**k only shrinks: with radius 0.5 every "
                "step back makes the gradient smaller")


gradient = Exercise(
    id="recurrence.gradient",
    lesson="04",
    title="Predict the gradient for radius 0.5 and 1.5",
    judge=_judge_gradient,
    hints=("Backpropagation through time multiplies by U once per step going back.",
           "Think of the scalar case: what do 0.5**30 and 1.5**30 look like?"),
    answer="prediction",
    solution='prediction = {0.5: "vanish", 1.5: "explode"}',
    mistakes=(
        ('prediction = {0.5: "explode", 1.5: "vanish"}', "swapped"),
        ('prediction = {0.5: "vanish", 1.5: "vanish"}', "radius above 1"),
        ('prediction = {0.5: "stay", 1.5: "stay"}', "radius of about 1"),
        ('prediction = {0.5: "explode", 1.5: "explode"}', "cannot make gradients explode"),
        ('prediction = {"0.5": "vanish", "1.5": "explode"}', "keys 0.5 and 1.5"),
    ),
)
