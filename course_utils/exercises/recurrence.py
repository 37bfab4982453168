"""Lesson 04's exercises: the forward pass over a sequence, a bug in a forward pass, one
recurrence step, the hidden state's shape, gradients over time, gradient clipping and
truncated backpropagation through time."""

from collections.abc import Callable
from typing import Any

import numpy as np

from course_utils import recurrence
from course_utils.checks import Exercise, attempt, correct, matches, wrong

# ---------------------------------------------------------------- the forward pass (scaffold)

_FORWARD_SCAFFOLD = '''def rnn_forward(x, W, U, b):
    """x: (N, T, D), W: (D, H), U: (H, H), b: (H,) -> every hidden state, (N, T, H).

    h_t = tanh(x_t W + h_(t-1) U + b), starting from h_0 = 0, as keras.layers.SimpleRNN.
    """
    batch_size, steps, _ = x.shape
    h = {start}  # h_0: (N, H), all zeros
    states = [None] * steps
    for t in range(steps):
        h = {step}  # (N, H): the input at step t and the previous h; the same W, U, b
        states[t] = h
    return {stack}  # (N, T, H): the states along the time axis'''

_FORWARD = {
    "start": "np.zeros((batch_size, U.shape[0]))",
    "step": "np.tanh(x[:, t] @ W + h @ U + b)",
    "stack": "np.stack(states, axis=1)",
}


def _forward(**changes: str) -> str:
    return _FORWARD_SCAFFOLD.format(**{**_FORWARD, **changes})


def _forward_cases(seed: int = 14, count: int = 60) -> list[tuple[np.ndarray, ...]]:
    """(x, W, U, b): 1 to 3 sequences of 1 to 8 steps, 1 to 4 features, 2 to 5 units, all
    sizes different where possible so a swapped axis shows; fewest numbers first."""
    rng = np.random.default_rng(seed)
    cases = []
    for _ in range(count):
        batch, steps = int(rng.integers(1, 4)), int(rng.integers(1, 9))
        features = int(rng.integers(1, 5))
        units = int(rng.choice([size for size in range(2, 6) if size != features] or [2]))
        cases.append((rng.normal(size=(batch, steps, features)),
                      rng.normal(scale=0.8, size=(features, units)),
                      rng.normal(scale=0.8, size=(units, units)), rng.normal(size=units)))
    return sorted(cases, key=lambda case: (case[0].shape[1], case[0].size, case[2].size))


def _forward_with(x: np.ndarray, W: np.ndarray, U: np.ndarray, b: np.ndarray,
                  activation: Any = np.tanh, carry: bool = True, transposed: bool = False,
                  bias: bool = True) -> np.ndarray:
    """The forward pass with switchable mistakes: (N, T, H)."""
    h = np.zeros((x.shape[0], U.shape[0]))
    states = []
    for t in range(x.shape[1]):
        previous = h if carry else np.zeros_like(h)
        h = activation(x[:, t] @ W + previous @ (U.T if transposed else U) + (b if bias else 0))
        states.append(h)
    return np.stack(states, axis=1)


# (does this mistake give `got`?, hint), named when it explains every failing case
_FORWARD_MISTAKES: tuple[tuple[Callable[..., bool], str], ...] = (
    (lambda got, *case: matches(got, _forward_with(*case, activation=lambda a: a)),
     "the states have no activation: apply np.tanh to the sum"),
    (lambda got, *case: matches(got, _forward_with(*case, carry=False)),
     "each step starts again from zeros: carry h from one step to the next, h @ U"),
    (lambda got, *case: matches(got, _forward_with(*case, transposed=True)),
     "U is applied transposed: with one sequence per row the previous state is h @ U"),
    (lambda got, *case: matches(got, _forward_with(*case, bias=False)),
     "the bias b is missing inside the tanh"),
)


def _name_the_mistake(where: str, failures: list, mistakes: Any, fallback: str) -> None:
    """Raise the feedback for ``where``: the hint of the first known mistake that explains
    every failing case (case, answer's result, arguments), else ``fallback``."""
    for test, hint in mistakes:
        if all(test(got, *arguments) for _, got, arguments in failures):
            raise wrong(where, hint)
    raise wrong(where, fallback)


def _judge_states_against_reference(function: Any, name: str) -> None:
    """Run a forward pass on 60 random batches; raise wrong(...) naming the smallest failing
    case and the mistake that explains every failing case."""
    failures = []
    for x, W, U, b in _forward_cases():
        case = (f"for {x.shape[0]} sequence(s) of {x.shape[1]} step(s) with {x.shape[2]} "
                f"feature(s) and {U.shape[0]} units")
        got = attempt(function, x.copy(), W.copy(), U.copy(), b.copy(), case=case)
        expected = recurrence.simple_rnn(x, W, U, b, return_sequences=True)
        try:
            got = np.asarray(got, dtype=float)
        except (TypeError, ValueError):
            raise wrong(f"{case} {name} returned {got!r}, not an array",
                        "return every hidden state, stacked: shape (N, T, H)") from None
        if got.shape != expected.shape and not failures:
            n, steps, units = expected.shape
            if got.shape == (n, units):
                hint = "that is only the last state: keep every step's h and stack them"
            elif got.shape == (steps, n, units) and steps != n:
                hint = "time is the second axis: np.stack(states, axis=1)"
            else:
                hint = "one hidden state of H units per sequence and per step: (N, T, H)"
            raise wrong(f"{case}, the output of {name} has shape {got.shape}; expected "
                        f"{expected.shape}", hint)
        if not matches(got, expected, atol=1e-6):
            failures.append((case, got, (x, W, U, b)))
        if len(failures) == 20:
            break
    if not failures:
        return
    case, got, arguments = failures[0]
    expected = recurrence.simple_rnn(*arguments, return_sequences=True)
    where = (f"{case}, the states of {name} differ; for the first sequence they are\n"
             f"{np.round(got[0], 3)}\nexpected\n{np.round(expected[0], 3)}")
    _name_the_mistake(where, failures, _FORWARD_MISTAKES,
                      "h = tanh(x[:, t] @ W + h @ U + b), starting from zeros")


def _judge_forward(rnn_forward: Any) -> str:
    _judge_states_against_reference(rnn_forward, "rnn_forward")
    return correct("One loop over time, one line inside, the same W, U and b at every step: "
                   "your forward pass equals the course's (and Keras' SimpleRNN) on 60 "
                   "random batches.")


forward = Exercise(
    id="recurrence.forward",
    lesson="04",
    title="The forward pass over a whole sequence",
    judge=_judge_forward,
    hints=("Start from a state of zeros, then at each step combine the input at that step "
           "with the previous state, and keep every state.",
           "x[:, t] is the input at step t, shape (N, D); the step is one line with tanh; "
           "np.stack(states, axis=1) puts time second."),
    answer="rnn_forward",
    solution=_forward(),
    mistakes=(
        (_forward(step="x[:, t] @ W + h @ U + b"), "no activation"),
        (_forward(step="np.tanh(x[:, t] @ W + np.zeros_like(h) @ U + b)"), "carry h"),
        (_forward(step="np.tanh(x[:, t] @ W + h @ U.T + b)"), "transposed"),
        (_forward(stack="np.stack(states, axis=0)"), "time is the second axis"),
        (_forward(stack="h"), "only the last state"),
        ("def rnn_forward(x, W, U, b):\n    return np.zeros((2, 5, 3))", "expected"),
        ("def rnn_forward(x, W, U, b):\n"
         "    return recurrence.simple_rnn(x, W, U, b, return_sequences=True)",
         "course's version"),
    ),
    setup="import numpy as np\nfrom course_utils import recurrence",
    forbidden=("course_utils.recurrence.simple_rnn", "course_utils.recurrence.rnn_step",
               "course_utils.recurrence.bptt", "keras.layers.SimpleRNN",
               "keras.layers.SimpleRNNCell", "keras.layers.RNN"),
    variants=(
        "def rnn_forward(x, W, U, b):\n"
        "    states = np.zeros((x.shape[0], x.shape[1], U.shape[0]))\n"
        "    h = np.zeros((x.shape[0], U.shape[0]))\n"
        "    for t in range(x.shape[1]):\n"
        "        h = np.tanh(np.einsum('nd,dh->nh', x[:, t], W) + h @ U + b)\n"
        "        states[:, t] = h\n"
        "    return states",
    ),
)


# ---------------------------------------------------------------- find the bug: a forward pass

_STATES = '''def rnn_states(x, W, U, b):
    """x: (N, T, D), W: (D, H), U: (H, H), b: (H,) -> every hidden state, (N, T, H).

    h_t = tanh(x_t W + h_(t-1) U + b), starting from h_0 = 0, as keras.layers.SimpleRNN.
    """
    batch_size, steps, _ = x.shape
    {start}
    states = []
    for t in range(steps):
        h = {step}
        states.append(h)
    return np.stack(states, axis=1)'''
_STATES_FIXED = {"start": "h = np.zeros((batch_size, U.shape[0]))  # h_0",
                 "step": "np.tanh(x[:, t] @ W + h @ U + b)"}


def _states(**changes: str) -> str:
    return _STATES.format(**{**_STATES_FIXED, **changes})


BUGGY_RNN_STATES = _states(start="h_0 = np.zeros((batch_size, U.shape[0]))",
                           step="np.tanh(x[:, t] @ W + h_0 @ U + b)")
"""The code lesson 04 gives with a bug in it: the learner finds and fixes it."""


def _judge_states(rnn_states: Any) -> str:
    _judge_states_against_reference(rnn_states, "rnn_states")
    return correct("Found: each step must read the state the previous step made, so h is "
                   "carried through the loop, h_t from h_(t-1). The buggy version fed h_0 "
                   "to every step: right at the first step, with no memory after it, so a "
                   "test on one-step sequences could never catch it. Checked on 60 random "
                   "batches of 1 to 8 steps.")


states_bug = Exercise(
    id="recurrence.find_the_bug",
    lesson="04",
    title="Find the bug: a forward pass that runs without an error",
    judge=_judge_states,
    hints=("Run it on one sequence of 3 steps and compare with rnn_forward: which steps are "
           "right?",
           "Which hidden state does step t read? Follow the name h_0 through the loop."),
    answer="rnn_states",
    kind="find the bug",
    solution=_states(),
    mistakes=(
        (BUGGY_RNN_STATES, "each step starts again from zeros"),
        (_states(start="h_0 = np.zeros((batch_size, U.shape[0]))",
                 step="np.tanh(x[:, t] @ W + h @ U + b)"), "Your code raised"),
        (_states(step="np.tanh(x[:, t] @ W + h @ U.T + b)"), "transposed"),
        (_states(step="x[:, t] @ W + h @ U + b"), "no activation"),
        ("def rnn_states(x, W, U, b):\n"
         "    return recurrence.simple_rnn(x, W, U, b, return_sequences=True)",
         "course's version"),
    ),
    setup="import numpy as np\nfrom course_utils import recurrence",
    forbidden=("course_utils.recurrence.simple_rnn", "course_utils.recurrence.rnn_step",
               "course_utils.recurrence.bptt", "keras.layers.SimpleRNN",
               "keras.layers.SimpleRNNCell", "keras.layers.RNN"),
    variants=(_states(start="h_0 = np.zeros((batch_size, U.shape[0]))\n    h = h_0"),
              _states(start="h_0 = np.zeros((batch_size, U.shape[0]))",
                      step="np.tanh(x[:, t] @ W + (states[-1] if states else h_0) @ U + b)")),
)


# ---------------------------------------------------------------- one step back in time (stretch)

_BACKWARD_SCAFFOLD = '''def rnn_backward_to_inputs(x, W, U, b):
    """dL/dx (N, T, D) for L = sum of the last hidden state, by backpropagation through time."""
    states = my_rnn_forward(x, W, U, b)  # (N, T, H)
    grad_x = np.zeros_like(x)
    grad_h = np.ones_like(states[:, -1])  # dL/dh_T: (N, H)
    for t in reversed(range(x.shape[1])):
        grad_a = {through_tanh}  # (N, H): back through the tanh, whose slope is 1 - h_t**2
        grad_x[:, t] = {to_input}  # (N, D): to the input at step t, through W
        grad_h = {back_in_time}  # (N, H): one step back in time, through U
        assert grad_a.shape == grad_h.shape == states[:, t].shape, "(N, H) each"
    return grad_x'''

_BACKWARD = {
    "through_tanh": "grad_h * (1.0 - states[:, t] ** 2)",
    "to_input": "grad_a @ W.T",
    "back_in_time": "grad_a @ U.T",
}


def _backward(**changes: str) -> str:
    return _BACKWARD_SCAFFOLD.format(**{**_BACKWARD, **changes})


def _course_forward(x: np.ndarray, W: np.ndarray, U: np.ndarray, b: np.ndarray) -> np.ndarray:
    """The forward pass the backward scaffold calls as my_rnn_forward: (N, T, H)."""
    return _forward_with(x, W, U, b)


def _backward_with(x: np.ndarray, W: np.ndarray, U: np.ndarray, b: np.ndarray,
                   slope: Any = lambda h: 1.0 - h ** 2, recurrent_T: bool = True
                   ) -> np.ndarray:
    """BPTT to the inputs with switchable mistakes: the tanh's ``slope`` as a function of
    h_t, and U transposed (right) or not."""
    states = _forward_with(x, W, U, b)
    grad_x, grad_h = np.zeros_like(x), np.ones_like(states[:, -1])
    for t in reversed(range(x.shape[1])):
        grad_a = grad_h * slope(states[:, t])
        grad_x[:, t] = grad_a @ W.T
        grad_h = grad_a @ (U.T if recurrent_T else U)
    return grad_x


_BACKWARD_MISTAKES: tuple[tuple[Callable[..., bool], str], ...] = (
    (lambda got, *case: matches(got, _backward_with(*case, slope=lambda h: 1.0)),
     "the gradient skips the tanh: multiply by its slope, 1 - h_t**2, first"),
    (lambda got, *case: matches(got, _backward_with(*case, slope=lambda h: 1.0 - h)),
     "the slope of tanh is 1 - h_t**2, not 1 - h_t"),
    (lambda got, *case: matches(got, _backward_with(*case, recurrent_T=False)),
     "going back in time multiplies by U transposed: grad_a @ U.T"),
)


def _judge_backward(rnn_backward_to_inputs: Any) -> str:
    failures = []
    for x, W, U, b in _forward_cases(seed=15, count=40):
        case = (f"for {x.shape[0]} sequence(s) of {x.shape[1]} step(s) with {x.shape[2]} "
                f"feature(s) and {U.shape[0]} units")
        got = attempt(rnn_backward_to_inputs, x.copy(), W.copy(), U.copy(), b.copy(), case=case,
                      error_hint="check each shape: grad_a is (N, H), grad_x[:, t] (N, D); "
                                 "a product with W or U going backwards uses its transpose")
        expected = recurrence.bptt(x, W, U, b).x
        try:
            got = np.asarray(got, dtype=float)
        except (TypeError, ValueError):
            raise wrong(f"{case} rnn_backward_to_inputs returned {got!r}, not an array",
                        "return grad_x, shape (N, T, D)") from None
        if got.shape != expected.shape and not failures:
            raise wrong(f"{case} your gradient has shape {got.shape}; expected "
                        f"{expected.shape}", "one gradient per input: the shape of x")
        if not matches(got, expected, atol=1e-6):
            failures.append((case, got, (x, W, U, b)))
        if len(failures) == 20:
            break
    if not failures:
        return correct("Three lines per step back: through the tanh, to the input, to the "
                       "previous state. The repeated product with diag(1 - h**2) U^T is what "
                       "makes gradients vanish or explode, as measured below.")
    case, got, arguments = failures[0]
    expected = recurrence.bptt(*arguments).x
    where = (f"{case} your gradient differs; for the first sequence it is\n"
             f"{np.round(got[0], 3)}\nexpected\n{np.round(expected[0], 3)}")
    _name_the_mistake(where, failures, _BACKWARD_MISTAKES,
                      "grad_a = grad_h * (1 - h_t**2); then grad_a goes to x_t through W "
                      "and to h_(t-1) through U, each transposed")


backward = Exercise(
    id="recurrence.backward",
    lesson="04",
    title="Stretch: backpropagation through time, one step at a time",
    judge=_judge_backward,
    hints=("Follow the chain rule of the list above, in its order: first through the tanh, "
           "then to the input and to the previous state.",
           "The tanh's slope at step t is 1 - states[:, t]**2, multiplied element by element; "
           "the two products then use W.T and U.T."),
    answer="rnn_backward_to_inputs",
    solution=_backward(),
    mistakes=(
        (_backward(through_tanh="grad_h"), "skips the tanh"),
        (_backward(through_tanh="grad_h * (1.0 - states[:, t])"), "not 1 - h_t"),
        (_backward(back_in_time="grad_a @ U"), "U transposed"),
        (_backward(to_input="grad_a @ W"), "transpose"),
        ("def rnn_backward_to_inputs(x, W, U, b):\n    return np.ones((2, 5, 3))", "expected"),
        ("def rnn_backward_to_inputs(x, W, U, b):\n    return recurrence.bptt(x, W, U, b).x",
         "course's version"),
    ),
    setup=("import numpy as np\nfrom course_utils import recurrence\n"
           "from course_utils.exercises.recurrence import _course_forward as my_rnn_forward"),
    forbidden=("course_utils.recurrence.bptt", "course_utils.recurrence.input_gradient_norms",
               "tensorflow.GradientTape"),
)


# ---------------------------------------------------------------- step, shape, gradient


def _step_cases(seed: int = 4, count: int = 40) -> list[tuple[np.ndarray, ...]]:
    """(x_t, h_prev, W, U, b) for batches of 1 to 4, 1 to 5 features and 1 to 6 units,
    features and units never equal so a transposed product shows; smallest first."""
    rng = np.random.default_rng(seed)
    cases = []
    for _ in range(count):
        batch, features = int(rng.integers(1, 5)), int(rng.integers(1, 6))
        units = int(rng.choice([size for size in range(1, 7) if size not in (features, batch)]))
        cases.append((rng.normal(size=(batch, features)),
                      rng.uniform(-0.9, 0.9, size=(batch, units)),
                      rng.normal(size=(features, units)), rng.normal(size=(units, units)),
                      rng.normal(size=units)))
    return sorted(cases, key=lambda case: (case[1].size, case[0].size))


def _judge_step(rnn_step):
    for x_t, h_prev, W, U, b in _step_cases():
        batch, units = h_prev.shape
        case = (f"for a batch of {batch}, {x_t.shape[1]} features and {units} units "
                f"(x_t of shape {x_t.shape}, h_prev of shape {h_prev.shape})")
        got = attempt(rnn_step, x_t.copy(), h_prev.copy(), W.copy(), U.copy(), b.copy(),
                      case=case)
        try:
            got = np.asarray(got, dtype=float)
        except (TypeError, ValueError):
            raise wrong(f"{case} rnn_step returned {got!r}, not an array",
                        "return the new hidden state, an array of shape (batch, units)") from None
        expected = np.tanh(x_t @ W + h_prev @ U + b)
        if got.shape == expected.shape[::-1] and batch != units:
            raise wrong(f"{case} you returned shape {got.shape}; expected {expected.shape}",
                        "Keras keeps one example per row: multiply x_t @ W, not W @ x_t")
        if got.shape != expected.shape:
            raise wrong(f"{case} you returned shape {got.shape}; expected {expected.shape} "
                        "(batch, units)",
                        "the new hidden state has one row per example and one column per unit")
        if matches(got, expected, atol=1e-6):
            continue
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
             "the previous state h_prev @ U is the memory: without it this is a plain Dense "
             "layer"),
            (np.tanh(x_t @ W + h_prev + b), "your step adds h_prev without multiplying by U",
             "the previous state goes through the recurrent weights: h_prev @ U"),
        ]
        for candidate, message, hint in mistakes:
            if matches(got, candidate, atol=1e-6):
                raise wrong(f"{message} ({case})", hint)
        raise wrong(f"{case} you returned\n{np.round(got, 3)}\nexpected\n"
                    f"{np.round(expected, 3)}",
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
        ("def rnn_step(x_t, h_prev, W, U, b):\n    return np.zeros((2, 4))", "expected"),
        ("def rnn_step(x_t, h_prev, W, U, b):\n"
         "    return recurrence.rnn_step(x_t, h_prev, W, U, b)", "course's version"),
    ),
    setup="import numpy as np\nfrom course_utils import recurrence",
    forbidden=("course_utils.recurrence.rnn_step", "course_utils.recurrence.simple_rnn",
               "keras.layers.SimpleRNNCell", "keras.layers.SimpleRNN"),
    variants=("def rnn_step(x_t, h_prev, W, U, b):\n"
              "    return np.tanh(np.dot(x_t, W) + np.dot(h_prev, U) + b[None, :])",),
)


def _hidden_cases(seed: int = 5, count: int = 60) -> list[tuple[int, int, int, int, bool]]:
    """(batch, steps, features, units, return_sequences), all sizes different, smallest first."""
    rng = np.random.default_rng(seed)
    cases = {(32, 50, 3, 16, False), (32, 50, 3, 16, True)}
    while len(cases) < count:
        sizes = tuple(int(size) for size in rng.choice(np.arange(1, 65), size=4, replace=False))
        cases.add(sizes + (bool(rng.integers(2)),))
    return sorted(cases, key=lambda case: case[:4])


def _judge_hidden_shape(hidden_shape):
    for batch, steps, features, units, sequences in _hidden_cases():
        call = (f"hidden_shape(batch_size={batch}, steps={steps}, features={features}, "
                f"units={units}, return_sequences={sequences})")
        got = attempt(hidden_shape, batch, steps, features, units, sequences, case=f"for {call}")
        try:
            got = tuple(int(size) for size in got)
        except TypeError:
            raise wrong(f"{call} returned {got!r}, not a tuple of sizes",
                        "return a tuple such as (2, 3)") from None
        expected = (batch, steps, units) if sequences else (batch, units)
        if got == expected:
            continue
        where = f"{call} returned {got}; expected {expected}"
        if sequences and got == (batch, units):
            raise wrong(where, "with return_sequences=True the layer returns the hidden state "
                               "at every time step, not only the last one")
        if not sequences and got == (batch, steps, units):
            raise wrong(where, "with return_sequences=False only the last hidden state comes out")
        if features in got and units not in got:
            raise wrong(where, "the hidden state has one value per unit, whatever the number "
                               "of input features")
        if batch not in got:
            raise wrong(where, "every sequence of the batch gets its own hidden state: the "
                               "batch size comes first")
        if sorted(got) == sorted(expected):
            raise wrong(where, "the order of the axes matters: Keras puts the batch first, time "
                               "next, units last")
        raise wrong(where, "think of one hidden state of `units` numbers per sequence, per step "
                           "kept")
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
        ("def hidden_shape(batch_size, steps, features, units, return_sequences):\n"
         "    return (32, 50, 16) if return_sequences else (32, 16)", "expected"),
    ),
    forbidden=("keras.layers.SimpleRNN", "keras.layers.LSTM", "keras.layers.GRU",
               "keras.layers.RNN"),
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
                       "The explorer and the measurement below show both.")
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
    hints=("Each step multiplies the previous state by U, so going back from the end the "
           "gradient is multiplied by U (transposed) once per step.",
           "Think of the scalar case: what do 0.5**30 and 1.5**30 look like?"),
    answer="prediction",
    kind="predict",
    solution='prediction = {0.5: "vanish", 1.5: "explode"}',
    mistakes=(
        ('prediction = {0.5: "explode", 1.5: "vanish"}', "swapped"),
        ('prediction = {0.5: "vanish", 1.5: "vanish"}', "radius above 1"),
        ('prediction = {0.5: "stay", 1.5: "stay"}', "radius of about 1"),
        ('prediction = {0.5: "explode", 1.5: "explode"}', "cannot make gradients explode"),
        ('prediction = {"0.5": "vanish", "1.5": "explode"}', "keys 0.5 and 1.5"),
    ),
)


# ---------------------------------------------------------------- gradient clipping by global norm

_CLIP_SCAFFOLD = '''def clip_by_norm(gradients, max_norm):
    """gradients: a list of arrays of any shapes (dL/dW (D, H), dL/dU (H, H), dL/db (H,));
    max_norm: c > 0. Returns the list, every array times min(1, c / ||g||), where ||g|| is
    the global norm: one number for all the arrays together."""
    global_norm = float({norm})  # the length of all the gradients as one long vector
    scale = float({scale})  # 1 if global_norm <= c, else c / global_norm
    return [gradient * scale for gradient in gradients]'''

_CLIP = {
    "norm": "np.sqrt(sum(np.sum(gradient ** 2) for gradient in gradients))",
    "scale": "min(1.0, max_norm / global_norm)",
}


def _clip(**changes: str) -> str:
    return _CLIP_SCAFFOLD.format(**{**_CLIP, **changes})


def _clip_cases(seed: int = 16, count: int = 60) -> list[tuple[list[np.ndarray], float]]:
    """(gradients, max_norm): 1 to 4 arrays of 1 to 12 numbers, of different shapes and sizes,
    with max_norm below the global norm in most cases and above it in some; fewest numbers
    first. No array is all zeros and the global norm is far from 1, so a missing square root
    shows."""
    rng = np.random.default_rng(seed)
    shapes = [(1,), (2,), (3,), (2, 2), (2, 3), (3, 2), (4,), (3, 4), (2, 1, 3)]
    cases = []
    for index in range(count):
        arrays = [rng.normal(0, rng.uniform(0.3, 4.0), shapes[int(k)])
                  for k in rng.integers(0, len(shapes), size=int(rng.integers(1, 5)))]
        arrays = [array + np.where(array >= 0, 0.1, -0.1) for array in arrays]  # never zero
        norm = float(np.sqrt(sum(np.sum(array ** 2) for array in arrays)))
        if 0.7 < norm < 1.4:
            arrays = [3.0 * array for array in arrays]
            norm *= 3.0
        fraction = rng.uniform(1.2, 2.0) if index % 4 == 3 else rng.uniform(0.05, 0.7)
        cases.append((arrays, round(float(fraction * norm), 2) or 0.01))
    return sorted(cases, key=lambda case: (sum(array.size for array in case[0]), len(case[0])))


def _clip_per_array(gradients: list[np.ndarray], max_norm: float) -> list[np.ndarray]:
    return [gradient * min(1.0, max_norm / np.linalg.norm(gradient)) for gradient in gradients]


def _global_norm(gradients: list[np.ndarray]) -> float:
    return float(np.sqrt(sum(np.sum(gradient ** 2) for gradient in gradients)))


# (does this mistake give `got`?, hint), named when it explains every failing case
_CLIP_MISTAKES: tuple[tuple[Callable[..., bool], str], ...] = (
    (lambda got, gradients, c: _all_match(got, _clip_per_array(gradients, c)),
     "each array is clipped on its own norm (that is Keras' clipnorm): the global norm is "
     "one number for all the arrays together, and every array is scaled by the same factor"),
    (lambda got, gradients, c: _all_match(got, [np.clip(g, -c, c) for g in gradients]),
     "that clips each value on its own (clipvalue), which changes the direction of the "
     "gradient: scale every array by one factor instead"),
    (lambda got, gradients, c: _all_match(got, [g * c / _global_norm(gradients)
                                                for g in gradients]),
     "below the threshold the gradients must come back unchanged: scale by min(1, c / ||g||), "
     "never up"),
    (lambda got, gradients, c: _all_match(got, [g * min(1.0, c / _global_norm(gradients) ** 2)
                                                for g in gradients]),
     "the norm is the square root of the sum of squares: the square root is missing"),
)


def _all_match(got: list[np.ndarray], expected: list[np.ndarray]) -> bool:
    return len(got) == len(expected) and all(
        matches(mine, theirs, atol=1e-9) for mine, theirs in zip(got, expected, strict=True))


def _describe_gradients(gradients: list[np.ndarray], max_norm: float) -> str:
    shapes = ", ".join(str(array.shape) for array in gradients)
    arrays = "1 array of shape" if len(gradients) == 1 else f"{len(gradients)} arrays of shapes"
    return (f"for {arrays} {shapes} (global norm {_global_norm(gradients):.3g}) and "
            f"max_norm={max_norm:g}")


def _judge_clip(clip_by_norm: Any) -> str:
    failures = []
    below = 0
    for gradients, max_norm in _clip_cases():
        case = _describe_gradients(gradients, max_norm)
        got = attempt(clip_by_norm, [array.copy() for array in gradients], max_norm, case=case,
                      error_hint="gradients is a list of arrays of different shapes: work "
                                 "array by array, then add the sums together")
        expected = recurrence.clip_by_global_norm(gradients, max_norm)
        below += max_norm >= _global_norm(gradients)
        if not isinstance(got, list | tuple):
            raise wrong(f"{case} clip_by_norm returned {type(got).__name__}, not a list",
                        "return a list with one clipped array per gradient, in the same order")
        if len(got) != len(expected):
            raise wrong(f"{case} clip_by_norm returned {len(got)} array(s); expected "
                        f"{len(expected)}", "one clipped array per gradient, in the same order")
        try:
            got = [np.asarray(array, dtype=float) for array in got]
        except (TypeError, ValueError):
            raise wrong(f"{case} clip_by_norm returned {got!r}, not a list of arrays",
                        "return a list of arrays, each the shape of its gradient") from None
        for mine, theirs in zip(got, expected, strict=True):
            if mine.shape != theirs.shape and not failures:
                raise wrong(f"{case} an array came back with shape {mine.shape}; expected "
                            f"{theirs.shape}", "clipping scales each array: its shape stays")
        if not _all_match(got, expected):
            failures.append((case, got, (gradients, max_norm)))
        if len(failures) == 20:
            break
    if not failures:
        return correct(f"One norm for all the gradients, one factor for all of them: the "
                       f"direction is kept and only the length is capped. Checked on 60 random "
                       f"lists, {below} of them already below the threshold (returned "
                       f"unchanged). It is what tf.clip_by_global_norm and Keras' "
                       f"global_clipnorm do.")
    case, got, (gradients, max_norm) = failures[0]
    expected = recurrence.clip_by_global_norm(gradients, max_norm)
    where = (f"{case} the first array came back as\n{np.round(got[0], 3)}\nexpected\n"
             f"{np.round(expected[0], 3)}")
    _name_the_mistake(where, failures, _CLIP_MISTAKES,
                      "global_norm = sqrt of the sum of every squared entry of every array; "
                      "then every array times min(1, max_norm / global_norm)")


clip = Exercise(
    id="recurrence.clip",
    lesson="04",
    title="Clip gradients by their global norm",
    judge=_judge_clip,
    hints=("Think of all the gradients as one long vector: its length is the global norm. "
           "Only that length is changed, so every array is multiplied by the same number.",
           "np.sum(gradient ** 2) for each array, add them, take np.sqrt; the factor is "
           "min(1.0, max_norm / global_norm)."),
    answer="clip_by_norm",
    solution=_clip(),
    mistakes=(
        ("def clip_by_norm(gradients, max_norm):\n"
         "    return [g * min(1.0, max_norm / np.linalg.norm(g)) for g in gradients]",
         "own norm"),
        ("def clip_by_norm(gradients, max_norm):\n"
         "    return [np.clip(g, -max_norm, max_norm) for g in gradients]", "changes the direction"),
        (_clip(scale="max_norm / global_norm"), "unchanged"),
        (_clip(norm="sum(np.sum(gradient ** 2) for gradient in gradients)"), "square root"),
        (_clip(norm="np.sqrt(sum(np.sum(gradient) ** 2 for gradient in gradients))"), "expected"),
        ("def clip_by_norm(gradients, max_norm):\n    return gradients", "expected"),
        ("def clip_by_norm(gradients, max_norm):\n"
         "    return recurrence.clip_by_global_norm(gradients, max_norm)", "course's version"),
    ),
    setup="import numpy as np\nfrom course_utils import recurrence",
    forbidden=("course_utils.recurrence.clip_by_global_norm", "tensorflow.clip_by_global_norm"),
    variants=(
        "def clip_by_norm(gradients, max_norm):\n"
        "    flat = np.concatenate([np.ravel(g) for g in gradients])\n"
        "    norm = np.linalg.norm(flat)\n"
        "    if norm <= max_norm:\n"
        "        return [np.array(g) for g in gradients]\n"
        "    return [g * (max_norm / norm) for g in gradients]",
        "def clip_by_norm(gradients, max_norm):\n"
        "    norm = np.sqrt(sum(np.vdot(g, g) for g in gradients))\n"
        "    return tuple(g * max_norm / max(norm, max_norm) for g in gradients)",
    ),
)


# ---------------------------------------------------------------- predict: truncated BPTT

_TRUNCATION_WORDS = {"zero": "zero", "0": "zero", "none": "zero", "nothing": "zero",
                     "smaller": "smaller", "small": "smaller", "less": "smaller",
                     "same": "same", "unchanged": "same", "equal": "same",
                     "larger": "larger", "bigger": "larger", "more": "larger"}


def _judge_truncation(prediction: Any) -> str:
    if not isinstance(prediction, dict) or set(prediction) != {"x_1", "x_30"}:
        raise wrong(f"expected a dict with the keys \"x_1\" and \"x_30\", got {prediction!r}",
                    'write it like {"x_1": "smaller", "x_30": "same"}, with your own words')
    said = {}
    for key, word in prediction.items():
        if str(word).strip().lower() not in _TRUNCATION_WORDS:
            raise wrong(f"for {key} you wrote {word!r}",
                        'use one of the words "zero", "smaller", "same" or "larger"')
        said[key] = _TRUNCATION_WORDS[str(word).strip().lower()]
    if said == {"x_1": "zero", "x_30": "same"}:
        return correct("With truncation the backward pass walks back through the last 5 steps "
                       "only: x_26 to x_30 get exactly the gradient of full BPTT, and x_1 to "
                       "x_25 get none at all, exactly 0, however much the loss really depends "
                       "on them. The figure below shows it on 60 steps with k = 10.")
    if said["x_1"] in ("smaller", "larger"):
        raise wrong(f"you predicted {prediction}: x_1 is 25 steps outside the window",
                    "the gradient does not shrink or grow on its way there: it is stopped at "
                    "the window's edge, so exactly nothing reaches x_1")
    if said["x_1"] == "same":
        raise wrong(f"you predicted {prediction}: truncation changes what reaches x_1",
                    "the backward pass walks back 5 steps and stops: does it ever reach step 1 "
                    "of 30?")
    raise wrong(f"you predicted {prediction}: x_1 is right, x_30 is not",
                "inside the window nothing changes: the last 5 steps are walked back exactly "
                "as in full BPTT, so x_30 gets the same gradient")


truncation = Exercise(
    id="recurrence.truncation",
    lesson="04",
    title="Predict the gradient with truncated BPTT",
    judge=_judge_truncation,
    hints=("Truncated BPTT with k = 5 runs the usual backward loop, but over the last 5 steps "
           "only, then stops.",
           "Which steps does that loop visit on a 30-step sequence? The others keep their "
           "gradient of np.zeros_like(x)."),
    answer="prediction",
    kind="predict",
    solution='prediction = {"x_1": "zero", "x_30": "same"}',
    mistakes=(
        ('prediction = {"x_1": "smaller", "x_30": "same"}', "stopped at the window's edge"),
        ('prediction = {"x_1": "zero", "x_30": "smaller"}', "inside the window nothing changes"),
        ('prediction = {"x_1": "same", "x_30": "same"}', "does it ever reach step 1"),
        ('prediction = {"x_1": "larger", "x_30": "larger"}', "stopped at the window's edge"),
        ('prediction = {"x_1": "zero", "x_30": "twice"}', "use one of the words"),
        ('prediction = {1: "zero", 30: "same"}', "keys"),
    ),
)
