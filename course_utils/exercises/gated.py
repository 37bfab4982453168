"""Lesson 06's exercises: one LSTM step, a bug in an LSTM step, one GRU step, LSTM and GRU
parameters, picking a layer, the perplexity of a next-character model and of a uniform guess.

The two steps are written in scaffolds; their judges run them on many seeded random batches,
sizes and weights, smallest first, against the course's reference, and name the smallest case
that fails and the mistake that explains it.
"""

import numpy as np

from course_utils import gated, sequences
from course_utils.checks import Exercise, attempt, correct, matches, wrong


def _sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


_SIGMOID = '''def sigmoid(z):
    return 1 / (1 + np.exp(-z))
'''

# ---------------------------------------------------------------- one LSTM step (scaffold)

_LSTM_SCAFFOLD = '''def lstm_step(x_t, h, c, kernel, recurrent_kernel, bias):
    """One LSTM step in Keras' weight layout. x_t: (N, D); h, c: (N, H); kernel: (D, 4H),
    recurrent_kernel: (H, 4H), bias: (4H,), the gates side by side in the order input,
    forget, candidate, output. Returns (h_new, c_new), each (N, H)."""
    z = {z}  # (N, 4H): all four gates at once
    z_i, z_f, z_c, z_o = np.split(z, 4, axis=1)  # (N, H) each, in Keras' order
    i, f, o = {gates}  # the three gates, between 0 and 1
    c_new = {c_new}  # forget some of the old cell state, write some of the candidate
    h_new = {h_new}  # show some of the new cell state
    return h_new, c_new'''

_LSTM = {"z": "x_t @ kernel + h @ recurrent_kernel + bias",
         "gates": "sigmoid(z_i), sigmoid(z_f), sigmoid(z_o)",
         "c_new": "f * c + i * np.tanh(z_c)",
         "h_new": "o * np.tanh(c_new)"}


def _lstm(**changes: str) -> str:
    return _LSTM_SCAFFOLD.format(**{**_LSTM, **changes})


def _step_cases(seed: int, count: int, blocks: int, cell_state: bool,
                bias_rows: int | None) -> list[tuple[np.ndarray, ...]]:
    """(x_t, h, [c,] kernel, recurrent_kernel, bias) for a gated step with ``blocks`` gate
    blocks: batches of 1 to 4, 1 to 5 features, 1 to 6 units (never as many as the
    features, so a transposed weight shows); smallest first. The bias has shape
    (blocks * units,), or (bias_rows, blocks * units) for a GRU's two biases."""
    rng = np.random.default_rng(seed)
    cases = []
    for _ in range(count):
        batch, features = int(rng.integers(1, 5)), int(rng.integers(1, 6))
        units = int(rng.choice([size for size in range(1, 7) if size != features]))
        width = blocks * units
        case = [rng.normal(size=(batch, features)), rng.uniform(-1, 1, size=(batch, units))]
        if cell_state:
            case.append(rng.normal(size=(batch, units)))
        case += [rng.normal(size=(features, width)), rng.normal(size=(units, width)),
                 rng.normal(size=width if bias_rows is None else (bias_rows, width))]
        cases.append(tuple(case))
    return sorted(cases, key=lambda case: (case[1].size, case[0].size))


def _lstm_cases() -> list[tuple[np.ndarray, ...]]:
    """(x_t, h, c, kernel, recurrent_kernel, bias): the LSTM step's 60 cases."""
    return _step_cases(seed=61, count=60, blocks=4, cell_state=True, bias_rows=None)


def _identity(z):
    return z


def _lstm_reference(x_t, h, c, kernel, recurrent_kernel, bias, order=(0, 1, 2, 3),
                    candidate=np.tanh, squash=np.tanh, old_c=False, use_bias=True):
    """One LSTM step with switchable mistakes: ``order`` the blocks read as input, forget,
    candidate, output; ``candidate`` and ``squash`` the activations of the candidate and of
    the cell state shown; ``old_c`` shows the old cell state; ``use_bias`` adds the bias."""
    z = x_t @ kernel + h @ recurrent_kernel + (bias if use_bias else 0.0)
    blocks = np.split(z, 4, axis=1)
    z_i, z_f, z_c, z_o = (blocks[index] for index in order)
    i, f, o = _sigmoid(z_i), _sigmoid(z_f), _sigmoid(z_o)
    c_new = f * c + i * candidate(z_c)
    return o * squash(c if old_c else c_new), c_new


# (keyword arguments of _lstm_reference that give the mistake, hint), tried in order
_LSTM_MISTAKES = (
    ({"order": (1, 0, 2, 3)}, "the input and forget gates are swapped: Keras' order is input, "
                              "forget, candidate, output"),
    ({"order": (0, 1, 3, 2)}, "the candidate and output blocks are swapped: Keras' order is "
                              "input, forget, candidate, output"),
    ({"candidate": _sigmoid}, "the candidate is a tanh layer (values between -1 and 1), not a "
                              "gate"),
    ({"candidate": _identity}, "the candidate z_c goes through a tanh before the input gate "
                               "scales it"),
    ({"squash": _identity}, "h_new shows tanh of the cell state, scaled by the output gate"),
    ({"old_c": True}, "h_new shows the NEW cell state, c_new"),
    ({"use_bias": False}, "add the bias to the pre-activations"),
)


def _judge_lstm(function, name):
    """Run an LSTM step on 60 random cases; raise wrong(...) on the smallest failing case,
    naming the mistake that gives its output."""
    for x_t, h, c, kernel, recurrent_kernel, bias in _lstm_cases():
        batch, features = x_t.shape
        units = h.shape[1]
        case = f"for a batch of {batch}, {features} feature(s) and {units} unit(s)"
        arguments = (x_t, h, c, kernel, recurrent_kernel, bias)
        result = attempt(function, *(item.copy() for item in arguments), case=case,
                         error_hint="z has shape (N, 4H); np.split(z, 4, axis=1) cuts it into "
                                    "four (N, H) blocks")
        if not isinstance(result, tuple) or len(result) != 2:
            raise wrong(f"{case} {name} returned {type(result).__name__}, not a pair",
                        "end with `return h_new, c_new`")
        h_got, c_got = (np.asarray(item, dtype=float) for item in result)
        h_expected, c_expected, _ = gated.lstm_step(*arguments)
        if matches(h_got, h_expected) and matches(c_got, c_expected):
            continue
        if matches(h_got, c_expected) and matches(c_got, h_expected):
            raise wrong(f"{case} h_new and c_new come back swapped",
                        "return h_new first, then c_new")
        if h_got.shape != h_expected.shape or c_got.shape != c_expected.shape:
            raise wrong(f"{case} h_new has shape {h_got.shape} and c_new {c_got.shape}; "
                        f"expected {h_expected.shape} each",
                        "each gate is (N, H): split z into four blocks along axis 1")
        where = (f"{case}, {name} gives h_new[0] = {np.round(h_got[0], 3).tolist()} "
                 f"and c_new[0] = {np.round(c_got[0], 3).tolist()}; expected "
                 f"{np.round(h_expected[0], 3).tolist()} and "
                 f"{np.round(c_expected[0], 3).tolist()}")
        for changes, hint in _LSTM_MISTAKES:
            h_mistake, c_mistake = _lstm_reference(*arguments, **changes)
            if matches(h_got, h_mistake) and matches(c_got, c_mistake):
                raise wrong(where, hint)
        if matches(h_got, h_expected):
            raise wrong(f"{case} h_new is right but c_new differs", "c_new = f * c + i * "
                        "tanh(z_c): forget some of the old state, write some of the candidate")
        raise wrong(where, "z = x_t @ kernel + h @ recurrent_kernel + bias; the gates are "
                           "sigmoids, the candidate a tanh")


def _judge_lstm_step(lstm_step):
    _judge_lstm(lstm_step, "lstm_step")
    return correct("Your step equals the course's on 60 random batches and sizes: the four "
                   "gates in Keras' order, the cell state only scaled and added to, and "
                   "h_new = o * tanh(c_new).")


lstm_step = Exercise(
    id="gated.lstm_step",
    lesson="06",
    title="One LSTM step in Keras' weight layout",
    judge=_judge_lstm_step,
    hints=("Like a SimpleRNN step, x_t @ kernel + h @ recurrent_kernel + bias, but four "
           "blocks wide: input, forget, candidate and output, in that order.",
           "The gates i, f, o are sigmoids of their blocks; the candidate is tanh(z_c); "
           "c_new = f * c + i * tanh(z_c) and h_new = o * tanh(c_new)."),
    answer="lstm_step",
    solution=_lstm(),
    mistakes=(
        (_lstm(gates="sigmoid(z_f), sigmoid(z_i), sigmoid(z_o)"), "input and forget gates"),
        (_lstm(c_new="f * c + i * sigmoid(z_c)"), "not a gate"),
        (_lstm(c_new="f * c + i * z_c"), "goes through a tanh"),
        (_lstm(h_new="o * c_new"), "tanh of the cell state"),
        (_lstm(h_new="o * np.tanh(c)"), "NEW cell state"),
        (_lstm(z="x_t @ kernel + h @ recurrent_kernel"), "add the bias"),
        (_lstm().replace("return h_new, c_new", "return c_new, h_new"), "swapped"),
        ("def lstm_step(x_t, h, c, kernel, recurrent_kernel, bias):\n"
         "    return np.zeros((1, 2)), np.zeros((1, 2))", "expected"),
        ("def lstm_step(x_t, h, c, kernel, recurrent_kernel, bias):\n"
         "    h_new, c_new, _ = gated.lstm_step(x_t, h, c, kernel, recurrent_kernel, bias)\n"
         "    return h_new, c_new", "course's version"),
    ),
    setup="import numpy as np\nfrom course_utils import gated\n" + _SIGMOID,
    forbidden=("course_utils.gated.lstm_step", "course_utils.gated.lstm",
               "keras.layers.LSTMCell", "keras.layers.LSTM"),
    variants=(_lstm(gates="(1 / (1 + np.exp(-z_i)), 1 / (1 + np.exp(-z_f)), "
                          "1 / (1 + np.exp(-z_o)))"),
              _lstm(z="np.dot(x_t, kernel) + np.dot(h, recurrent_kernel) + bias",
                    c_new="c * f + np.tanh(z_c) * i")),
)

# ---------------------------------------------------------------- find the bug: an LSTM step

_CELL = '''def lstm_cell(x_t, h, c, kernel, recurrent_kernel, bias):
    """One LSTM step in Keras' weight layout. x_t: (N, D); h, c: (N, H); kernel: (D, 4H),
    recurrent_kernel: (H, 4H), bias: (4H,), the gates side by side in the order input,
    forget, candidate, output. Returns (h_new, c_new), each (N, H)."""
    z = x_t @ kernel + h @ recurrent_kernel + bias  # (N, 4H)
    {blocks} = np.split(z, 4, axis=1)  # (N, H) each
    c_new = {c_new}
    h_new = {h_new}
    return h_new, c_new'''
_CELL_FIXED = {"blocks": "write, forget, candidate, show",
               "c_new": "sigmoid(forget) * c + sigmoid(write) * np.tanh(candidate)",
               "h_new": "sigmoid(show) * np.tanh(c_new)"}


def _cell(**changes: str) -> str:
    return _CELL.format(**{**_CELL_FIXED, **changes})


BUGGY_LSTM_CELL = _cell(blocks="forget, write, candidate, show")
"""The code lesson 06 gives with a bug in it: the learner finds and fixes it."""


def _judge_cell(lstm_cell):
    _judge_lstm(lstm_cell, "lstm_cell")
    return correct("Found: Keras' four blocks come in the order input, forget, candidate, "
                   "output, and the buggy version read the first as the forget gate. Nothing "
                   "crashed and every gate stayed between 0 and 1, so only a comparison with a "
                   "reference shows such a swap; trained from scratch, the swapped cell is "
                   "still an LSTM, but its weights no longer load into Keras' layer.")


gate_bug = Exercise(
    id="gated.find_the_bug",
    lesson="06",
    title="Find the bug: an LSTM step that runs without an error",
    judge=_judge_cell,
    hints=("The docstring gives the order of the four blocks. Read the line that names them.",
           "Which block does Keras put first, and which name does the cell give it?"),
    answer="lstm_cell",
    kind="find the bug",
    solution=_cell(),
    mistakes=(
        (BUGGY_LSTM_CELL, "input and forget gates are swapped"),
        (_cell(blocks="write, forget, show, candidate"), "candidate and output blocks"),
        (_cell(h_new="sigmoid(show) * c_new"), "tanh of the cell state"),
        (_cell(h_new="sigmoid(show) * np.tanh(c)"), "NEW cell state"),
        ("def lstm_cell(x_t, h, c, kernel, recurrent_kernel, bias):\n"
         "    h_new, c_new, _ = gated.lstm_step(x_t, h, c, kernel, recurrent_kernel, bias)\n"
         "    return h_new, c_new", "course's version"),
    ),
    setup="import numpy as np\nfrom course_utils import gated\n" + _SIGMOID,
    forbidden=("course_utils.gated.lstm_step", "course_utils.gated.lstm",
               "keras.layers.LSTMCell", "keras.layers.LSTM"),
    variants=(_cell(blocks="forget, write, candidate, show",
                    c_new="sigmoid(write) * c + sigmoid(forget) * np.tanh(candidate)"),),
)

# ---------------------------------------------------------------- one GRU step (scaffold)

_GRU_SCAFFOLD = '''def gru_step(x_t, h, kernel, recurrent_kernel, bias):
    """One GRU step in Keras' weight layout (reset_after=True). x_t: (N, D); h: (N, H);
    kernel: (D, 3H), recurrent_kernel: (H, 3H), bias: (2, 3H), one row for the input part and
    one for the recurrent part; gates in the order update, reset, candidate. Returns h_new,
    (N, H)."""
    input_bias, recurrent_bias = bias  # (3H,) each
    x_z, x_r, x_h = np.split({input_part}, 3, axis=1)  # (N, H) each: what the input adds
    h_z, h_r, h_h = np.split({recurrent_part}, 3, axis=1)  # (N, H) each: what h adds
    z = {z}  # update gate: the share of the old state to keep
    r = {r}  # reset gate
    candidate = {candidate}  # the reset scales the recurrent part, after the product
    return {h_new}  # keep z of the old state, take the rest from the candidate'''

_GRU = {"input_part": "x_t @ kernel + input_bias",
        "recurrent_part": "h @ recurrent_kernel + recurrent_bias",
        "z": "sigmoid(x_z + h_z)", "r": "sigmoid(x_r + h_r)",
        "candidate": "np.tanh(x_h + r * h_h)",
        "h_new": "z * h + (1 - z) * candidate"}


def _gru(**changes: str) -> str:
    return _GRU_SCAFFOLD.format(**{**_GRU, **changes})


def _gru_step_cases() -> list[tuple[np.ndarray, ...]]:
    """(x_t, h, kernel, recurrent_kernel, bias): the GRU step's 60 cases (two bias rows)."""
    return _step_cases(seed=62, count=60, blocks=3, cell_state=False, bias_rows=2)


def _gru_reference(x_t, h, kernel, recurrent_kernel, bias, order=(0, 1, 2), swap_mix=False,
                   reset_before=False, reset_all=False, recurrent_bias=True,
                   candidate=np.tanh):
    """One GRU step with switchable mistakes: ``order`` the blocks read as update, reset,
    candidate; ``swap_mix`` keeps 1 - z of the old state; ``reset_before`` resets h before
    the product (reset_after=False); ``reset_all`` resets the input part too;
    ``recurrent_bias`` adds the second bias row; ``candidate`` its activation."""
    input_blocks = np.split(x_t @ kernel + bias[0], 3, axis=1)
    recurrent_blocks = np.split(h @ recurrent_kernel + (bias[1] if recurrent_bias else 0.0),
                                3, axis=1)
    x_z, x_r, x_h = (input_blocks[index] for index in order)
    h_z, h_r, h_h = (recurrent_blocks[index] for index in order)
    z, r = _sigmoid(x_z + h_z), _sigmoid(x_r + h_r)
    if reset_before:
        u_h = np.split(recurrent_kernel, 3, axis=1)[order[2]]
        b_h = np.split(bias[1], 3)[order[2]] if recurrent_bias else 0.0
        new = candidate(x_h + (r * h) @ u_h + b_h)
    elif reset_all:
        new = candidate(r * (x_h + h_h))
    else:
        new = candidate(x_h + r * h_h)
    return (1 - z) * h + z * new if swap_mix else z * h + (1 - z) * new


_GRU_MISTAKES = (
    ({"swap_mix": True}, "in Keras' GRU the update gate z is the share of the OLD state kept"),
    ({"order": (1, 0, 2)}, "the update and reset gates are swapped: Keras' order is update, "
                           "reset, candidate"),
    ({"reset_before": True}, "Keras 3 resets AFTER the product (reset_after=True): r scales "
                             "h @ U_h + b_h, not h"),
    ({"reset_all": True}, "the reset gate scales only the recurrent part h_h, not the input's"),
    ({"recurrent_bias": False}, "the recurrent part has its own bias: the second row of bias"),
    ({"candidate": _sigmoid}, "the candidate is a tanh layer (values between -1 and 1), not a "
                              "gate"),
)


def _judge_gru_step(gru_step):
    for x_t, h, kernel, recurrent_kernel, bias in _gru_step_cases():
        batch, features = x_t.shape
        units = h.shape[1]
        case = f"for a batch of {batch}, {features} feature(s) and {units} unit(s)"
        arguments = (x_t, h, kernel, recurrent_kernel, bias)
        got = attempt(gru_step, *(item.copy() for item in arguments), case=case,
                      error_hint="x_t @ kernel + input_bias has shape (N, 3H): np.split(..., "
                                 "3, axis=1) cuts it into three (N, H) blocks")
        if isinstance(got, tuple):
            raise wrong(f"{case} gru_step returned a tuple of {len(got)}; a GRU has one state",
                        "return only h_new, of shape (N, H)")
        try:
            got = np.asarray(got, dtype=float)
        except (TypeError, ValueError):
            raise wrong(f"{case} gru_step returned {got!r}, not an array",
                        "return the new state, an array shaped like h") from None
        expected = gated.gru_step(*arguments)[0]
        if matches(got, expected):
            continue
        if got.shape != expected.shape:
            raise wrong(f"{case} h_new has shape {got.shape}; expected {expected.shape}",
                        "the new state has the shape of h; each block of np.split is (N, H)")
        where = (f"{case} your step differs: h_new[0] is {np.round(got[0], 3).tolist()}, "
                 f"expected {np.round(expected[0], 3).tolist()}")
        for changes, hint in _GRU_MISTAKES:
            if matches(got, _gru_reference(*arguments, **changes)):
                raise wrong(where, hint)
        raise wrong(where, "z and r are sigmoids of the sums of their input and recurrent "
                           "blocks; candidate = tanh(x_h + r * h_h); h_new = z * h + (1 - z) "
                           "* candidate")
    return correct("Your step equals the course's (and Keras' GRU) on 60 random batches and "
                   "sizes: z close to 1 keeps the old state, z close to 0 takes the candidate; "
                   "an LSTM needs two gates, forget and input, for what z does alone.")


gru_step = Exercise(
    id="gated.gru_step",
    lesson="06",
    title="One GRU step in Keras' weight layout",
    judge=_judge_gru_step,
    hints=("Each of x_t @ kernel + input_bias and h @ recurrent_kernel + recurrent_bias is "
           "three blocks wide: update, reset, candidate. The gates add their two blocks and "
           "take a sigmoid.",
           "candidate = tanh(x_h + r * h_h): the reset scales the whole recurrent block, bias "
           "included; then h_new = z * h + (1 - z) * candidate."),
    answer="gru_step",
    solution=_gru(),
    mistakes=(
        (_gru(h_new="(1 - z) * h + z * candidate"), "OLD state"),
        (_gru(z="sigmoid(x_r + h_r)", r="sigmoid(x_z + h_z)"), "update and reset gates are "
                                                               "swapped"),
        (_gru(recurrent_part="h @ recurrent_kernel"), "its own bias"),
        (_gru(candidate="np.tanh(r * (x_h + h_h))"), "only the recurrent part"),
        (_gru(candidate="sigmoid(x_h + r * h_h)"), "not a gate"),
        ("def gru_step(x_t, h, kernel, recurrent_kernel, bias):\n"
         "    input_bias, recurrent_bias = bias\n"
         "    x_z, x_r, x_h = np.split(x_t @ kernel + input_bias, 3, axis=1)\n"
         "    u_z, u_r, u_h = np.split(recurrent_kernel, 3, axis=1)\n"
         "    b_z, b_r, b_h = np.split(recurrent_bias, 3)\n"
         "    z = sigmoid(x_z + h @ u_z + b_z)\n"
         "    r = sigmoid(x_r + h @ u_r + b_r)\n"
         "    return z * h + (1 - z) * np.tanh(x_h + (r * h) @ u_h + b_h)", "AFTER the product"),
        (_gru(h_new="z * h + (1 - z) * candidate, z"), "one state"),
        ("def gru_step(x_t, h, kernel, recurrent_kernel, bias):\n"
         "    return np.zeros((1, 2))", "expected"),
        ("def gru_step(x_t, h, kernel, recurrent_kernel, bias):\n"
         "    return gated.gru_step(x_t, h, kernel, recurrent_kernel, bias)[0]",
         "course's version"),
    ),
    setup="import numpy as np\nfrom course_utils import gated\n" + _SIGMOID,
    forbidden=("course_utils.gated.gru_step", "course_utils.gated.gru",
               "keras.layers.GRUCell", "keras.layers.GRU"),
    variants=(_gru(h_new="candidate + z * (h - candidate)"),
              "def gru_step(x_t, h, kernel, recurrent_kernel, bias):\n"
              "    units = h.shape[1]\n"
              "    gates_x = x_t @ kernel + bias[0]\n"
              "    gates_h = h @ recurrent_kernel + bias[1]\n"
              "    z = sigmoid(gates_x[:, :units] + gates_h[:, :units])\n"
              "    r = sigmoid(gates_x[:, units:2 * units] + gates_h[:, units:2 * units])\n"
              "    candidate = np.tanh(gates_x[:, 2 * units:] + r * gates_h[:, 2 * units:])\n"
              "    return z * h + (1 - z) * candidate"),
)


def _lstm_count(input_dim, units):
    return 4 * units * (input_dim + units + 1)


# (input_dim, units): the lesson's layer, then seeded random sizes, smallest first
_LSTM_CASES = ((2, 32),) + tuple(sorted(
    (int(d), int(u)) for d, u in np.random.default_rng(7).integers(1, 129, size=(60, 2))))


def _judge_lstm_parameters(lstm_parameters):
    for input_dim, units in _LSTM_CASES:
        got = attempt(lstm_parameters, input_dim, units)
        expected = _lstm_count(input_dim, units)
        if np.ndim(got) != 0 or not isinstance(got.item() if hasattr(got, "item") else got,
                                               int | float):
            raise wrong(f"lstm_parameters({input_dim}, {units}) returned {got!r}, not one number",
                        "return the count as an int")
        if matches(got, expected, rtol=0.0):
            continue
        what = f"lstm_parameters({input_dim}, {units}) returned {got!r}, expected {expected}"
        if got == expected // 4:
            raise wrong(what + ": that is the count of a SimpleRNN",
                        "an LSTM has four gates (input, forget, candidate, output), each with "
                        "its own W, U and b")
        if got == 4 * units * (input_dim + units):
            raise wrong(what + f": {4 * units} short", "each gate also has a bias per unit")
        if got == 4 * units * (input_dim + 1):
            raise wrong(what, "each gate also reads the previous hidden state: recurrent "
                        "weights U of shape (units, units)")
        if got == 3 * units * (input_dim + units + 1):
            raise wrong(what + ": that is three gates, like a GRU without its second bias",
                        "count the LSTM's gates again: input, forget, candidate, output")
        if got == 4 * (input_dim * units + units * units + 1):
            raise wrong(what, "the bias is a vector with one entry per unit, not one number "
                        "per gate")
        raise wrong(what, "add up, for each of the four gates, W (input_dim x units), "
                    "U (units x units) and b (units)")
    return correct("4 x units x (input_dim + units + 1): four SimpleRNNs' worth of weights. "
                   "Keras counts them a few cells below.")


lstm_parameters = Exercise(
    id="gated.lstm_parameters",
    lesson="06",
    title="Count the parameters of an LSTM layer",
    judge=_judge_lstm_parameters,
    hints=("Each of the four gates is a small SimpleRNN: it has its own input weights, "
           "recurrent weights and bias.",
           "A SimpleRNN layer has units * input_dim + units * units + units parameters."),
    answer="lstm_parameters",
    solution="def lstm_parameters(input_dim, units):\n"
             "    return 4 * (units * input_dim + units * units + units)",
    mistakes=(
        ("def lstm_parameters(input_dim, units):\n"
         "    return units * input_dim + units * units + units", "four gates"),
        ("def lstm_parameters(input_dim, units):\n"
         "    return 4 * (units * input_dim + units * units)", "bias"),
        ("def lstm_parameters(input_dim, units):\n"
         "    return 4 * (units * input_dim + units)", "recurrent"),
        ("def lstm_parameters(input_dim, units):\n"
         "    return 3 * (units * input_dim + units * units + units)", "three gates"),
        ("def lstm_parameters(input_dim, units):\n    return 4480", "expected"),
        ("def lstm_parameters(input_dim, units):\n"
         "    return gated.lstm_parameter_count(input_dim, units)", "course's version"),
    ),
    setup="import numpy as np\nfrom course_utils import gated",
    forbidden=("course_utils.gated.lstm_parameter_count",
               "course_utils.recurrence.simple_rnn_parameter_count", "keras.layers.LSTM",
               "keras.layers.LSTMCell"),
)


# ---------------------------------------------------------------- predict: a GRU's parameters

_GRU_INPUT_DIM, _GRU_UNITS = 2, 32
"""The layer of the adding problem in lesson 06: keras.layers.GRU(32) reading 2 features."""


def _judge_gru_parameters(predicted):
    if isinstance(predicted, bool) or not isinstance(predicted, int | float | np.integer
                                                     | np.floating):
        raise wrong(f"expected one number, got {predicted!r}",
                    "write the count as a whole number, e.g. predicted_parameters = 1000")
    d, h = _GRU_INPUT_DIM, _GRU_UNITS
    simple = h * d + h * h + h
    expected = gated.gru_parameter_count(d, h)
    if predicted == expected:
        return correct(f"3 gates x ({h} x {d} input weights + {h} x {h} recurrent weights + "
                       f"2 x {h} biases) = {expected:,}. Keras 3's GRU carries a second bias "
                       f"row (reset_after=True), which the textbook count, 3 x {simple:,} = "
                       f"{3 * simple:,}, misses. Run the next cell: Keras counts it.")
    said = f"you predicted {predicted:,}"
    if not float(predicted).is_integer():
        raise wrong(f"{said}: a count of weights is a whole number",
                    "add up the sizes of the GRU's weight arrays")
    known = {
        3 * simple: (f"{said}: three SimpleRNN-sized gates, {expected - 3 * simple} short",
                     "Keras 3's GRU has two bias rows (reset_after=True): its bias has shape "
                     "(2, 3H), as printed for the GRU layer above"),
        4 * simple: (f"{said}: that is an LSTM's count, four gates",
                     "a GRU has three gates: update, reset and candidate"),
        simple: (f"{said}: that is one SimpleRNN's count",
                 "each of the GRU's three gates has SimpleRNN-sized weights"),
        3 * (h * d + h * h): (f"{said}: that leaves out every bias",
                              "each gate adds a bias per unit, and Keras 3's GRU has two bias "
                              "rows"),
        3 * (h * d + 2 * h): (f"{said}: that leaves out the recurrent weights",
                              "each gate also reads the previous state through weights of "
                              "shape (units, units)"),
    }
    if int(predicted) in known:
        raise wrong(*known[int(predicted)])
    raise wrong(f"{said}, which is not the count",
                "for each of the three gates: input weights (input_dim x units), recurrent "
                "weights (units x units) and Keras 3's two biases (units each)")


gru_parameters = Exercise(
    id="gated.gru_parameters",
    lesson="06",
    title="Predict the parameters of a GRU layer",
    judge=_judge_gru_parameters,
    hints=("Count the weight arrays of the GRU step above: kernel, recurrent_kernel and bias, "
           "for 2 features and 32 units.",
           "kernel is (input_dim, 3 x units), recurrent_kernel (units, 3 x units); look at "
           "the shape of the bias printed for the GRU layer above."),
    answer="predicted_parameters",
    kind="predict",
    solution="predicted_parameters = 3 * (32 * 2 + 32 * 32 + 2 * 32)",
    mistakes=(
        ("predicted_parameters = 3 * (32 * 2 + 32 * 32 + 32)", "two bias rows"),
        ("predicted_parameters = 4 * (32 * 2 + 32 * 32 + 32)", "an LSTM's count"),
        ("predicted_parameters = 32 * 2 + 32 * 32 + 32", "one SimpleRNN's count"),
        ("predicted_parameters = 3 * (32 * 2 + 32 * 32)", "leaves out every bias"),
        ("predicted_parameters = 3 * (32 * 2 + 2 * 32)", "recurrent weights"),
        ("predicted_parameters = 3000", "not the count"),
        ("predicted_parameters = 3456.5", "whole number"),
        ("predicted_parameters = '3456'", "one number"),
    ),
    setup="",
    variants=("predicted_parameters = 3456", "predicted_parameters = 3456.0"),
)


# ---------------------------------------------------------------- perplexity (scaffold)

_PERPLEXITY_SCAFFOLD = '''def perplexity(probabilities, targets):
    """probabilities: (N, T, V), at each step the model's distribution over the next
    character; targets: (N, T), integer ids of the characters that came. Returns one number."""
    picked = {picked}  # (N, T): the probability given to each true next character
    cross_entropy = {cross_entropy}  # one number: the mean of -log(picked) over the N x T steps
    return {result}  # perplexity: e to the power of the cross-entropy'''

_PERPLEXITY = {"picked": "np.take_along_axis(probabilities, targets[..., None], axis=-1)[..., 0]",
               "cross_entropy": "np.mean(-np.log(picked))",
               "result": "np.exp(cross_entropy)"}


def _perplexity_code(**changes: str) -> str:
    return _PERPLEXITY_SCAFFOLD.format(**{**_PERPLEXITY, **changes})


def _perplexity_cases() -> list[tuple[np.ndarray, np.ndarray]]:
    """(probabilities (N, T, V), targets (N, T)): 60 seeded random cases, smallest first.

    Distributions are softmaxes of random logits, and the targets are drawn from them, so a
    target is often not the likeliest token (an argmax shows), and N, T > 1 often (a sum or a
    per-sequence average shows)."""
    rng = np.random.default_rng(66)
    cases = []
    for _ in range(60):
        batch, steps, tokens = (int(rng.integers(1, 4)), int(rng.integers(1, 6)),
                                int(rng.integers(2, 8)))
        logits = rng.normal(scale=1.5, size=(batch, steps, tokens))
        probabilities = np.exp(logits) / np.exp(logits).sum(axis=-1, keepdims=True)
        targets = (probabilities.cumsum(axis=-1) < rng.random((batch, steps, 1))).sum(axis=-1)
        cases.append((probabilities, np.minimum(targets, tokens - 1)))
    return sorted(cases, key=lambda case: case[0].size)


def _picked(probabilities, targets):
    return np.take_along_axis(probabilities, targets[..., None], axis=-1)[..., 0]


# (what the mistaken answer returns, what is wrong, hint), tried in order on a failing case
_PERPLEXITY_MISTAKES = (
    (lambda p, y: np.exp(-np.mean(np.log(p.max(axis=-1)))),
     "that is the perplexity of the likeliest tokens (argmax), not of the targets",
     "pick the probability the model gave to each TARGET, whether or not it was the likeliest"),
    (lambda p, y: np.exp(np.mean(np.log(_picked(p, y)))),
     "that is one over the perplexity: the minus sign is missing",
     "the cross-entropy is the mean of -log p; log p is negative, so it must be positive"),
    (lambda p, y: np.exp(-np.sum(np.log(_picked(p, y)))),
     "that is e to the SUM of -log p over the steps, which grows with the number of steps",
     "take the mean over all N x T steps, not the sum"),
    (lambda p, y: np.exp(-np.mean(np.log2(_picked(p, y)))),
     "the logarithm is in base 2 but the power is of e: the bases must match",
     "use np.log with np.exp (or np.log2 with 2 **)"),
    (lambda p, y: 2.0 ** (-np.mean(np.log(_picked(p, y)))),
     "the logarithm is natural but the power is of 2: the bases must match",
     "use np.log with np.exp (or np.log2 with 2 **)"),
    (lambda p, y: np.exp(-np.mean(_picked(p, y))),
     "that averages the probabilities themselves, not their logarithms",
     "the cross-entropy is the mean of -log p, not of p"),
    (lambda p, y: 1.0 / np.mean(_picked(p, y)),
     "that is one over the mean probability: average the log-probabilities instead",
     "the cross-entropy is the mean of -log p; perplexity is e to its power"),
    (lambda p, y: np.mean(np.exp(-np.mean(np.log(_picked(p, y)), axis=1))),
     "that is the mean of each sequence's perplexity, not the perplexity of all the steps",
     "average -log p over all N x T steps at once, then take e to that power"),
    (lambda p, y: np.exp(-np.mean(np.log(p))),
     "that averages -log p over every token of the vocabulary, not over the targets",
     "pick the probability the model gave to each target first: one number per step"),
    (lambda p, y: np.exp(-np.mean(np.sum(p * np.log(p), axis=-1))),
     "that is the perplexity of the model's own guesses (its entropy), which ignores the targets",
     "pick the probability the model gave to each target, then average -log of it"),
)


def _judge_perplexity(perplexity):
    for probabilities, targets in _perplexity_cases():
        batch, steps, tokens = probabilities.shape
        case = f"for {batch} sequence(s) of {steps} step(s) over {tokens} tokens"
        got = attempt(perplexity, probabilities.copy(), targets.copy(), case=case,
                      error_hint="probabilities is (N, T, V) and targets (N, T): "
                                 "np.take_along_axis picks one probability per step")
        if np.ndim(got) != 0:
            raise wrong(f"{case} perplexity returned an array of shape {np.shape(got)}, "
                        "expected one number", "average over all N x T steps at once")
        expected = sequences.perplexity(probabilities, targets)
        if matches(got, expected):
            continue
        where = (f"{case}, with targets {targets.tolist()} and the probabilities given to "
                 f"them {np.round(_picked(probabilities, targets), 3).tolist()}, perplexity "
                 f"returned {float(got):.6g}; expected {expected:.6g}")
        for mistake, what, hint in _PERPLEXITY_MISTAKES:
            if matches(got, mistake(probabilities, targets)):
                raise wrong(f"{where}: {what}", hint)
        raise wrong(where, "picked = the probability of each target; the cross-entropy is the "
                           "mean of -log(picked); perplexity = exp(cross-entropy)")
    return correct("Your perplexity equals the course's on 60 random cases. It counts the "
                   "model's uncertainty as a number of equally likely choices: a uniform "
                   "guess over V tokens scores V, a model always sure and right scores 1.")


perplexity = Exercise(
    id="gated.perplexity",
    lesson="06",
    title="Perplexity of a next-character model",
    judge=_judge_perplexity,
    hints=("Three steps: the probability of each true next character (one number per step), "
           "the mean of their negative logarithms, and e to that power.",
           "np.take_along_axis(probabilities, targets[..., None], axis=-1) has shape "
           "(N, T, 1): it picks, at every step, the entry the target names."),
    answer="perplexity",
    solution=_perplexity_code(),
    mistakes=(
        (_perplexity_code(picked="probabilities.max(axis=-1)"), "argmax"),
        (_perplexity_code(cross_entropy="np.mean(np.log(picked))"), "minus sign"),
        (_perplexity_code(cross_entropy="np.sum(-np.log(picked))"), "not the sum"),
        (_perplexity_code(cross_entropy="np.mean(-np.log2(picked))"), "bases must match"),
        (_perplexity_code(cross_entropy="np.mean(picked)", result="np.exp(-cross_entropy)"),
         "not their logarithms"),
        (_perplexity_code(cross_entropy="np.mean(-np.log(picked), axis=1)",
                          result="np.mean(np.exp(cross_entropy))"), "each sequence"),
        (_perplexity_code(picked="probabilities"), "every token of the vocabulary"),
        ("def perplexity(probabilities, targets):\n    return 4.0", "expected"),
        ("def perplexity(probabilities, targets):\n"
         "    return sequences.perplexity(probabilities, targets)", "course's version"),
        ("def perplexity(probabilities, targets):\n"
         "    import keras\n"
         "    loss = keras.losses.sparse_categorical_crossentropy(targets, probabilities)\n"
         "    return float(np.exp(np.mean(np.asarray(loss))))", "course's version"),
    ),
    setup="import numpy as np\nfrom course_utils import sequences",
    forbidden=("course_utils.sequences.perplexity",
               "keras.losses.sparse_categorical_crossentropy",
               "keras.losses.SparseCategoricalCrossentropy",
               "keras.metrics.sparse_categorical_crossentropy",
               "keras.metrics.SparseCategoricalCrossentropy",
               "keras.ops.sparse_categorical_crossentropy"),
    variants=(
        "def perplexity(probabilities, targets):\n"
        "    n, t = targets.shape\n"
        "    picked = probabilities[np.arange(n)[:, None], np.arange(t)[None, :], targets]\n"
        "    return float(2 ** np.mean(-np.log2(picked)))",
        "def perplexity(probabilities, targets):\n"
        "    total, count = 0.0, 0\n"
        "    for row, sequence in enumerate(targets):\n"
        "        for step, target in enumerate(sequence):\n"
        "            total -= np.log(probabilities[row, step, target])\n"
        "            count += 1\n"
        "    return np.exp(total / count)",
    ),
)


# ---------------------------------------------------------------- predict: a uniform guess

_NEXT_TOKENS = 27
"""What can come next in lesson 06's names: 26 letters and END (START never comes next)."""


def _judge_uniform_perplexity(predicted):
    if isinstance(predicted, bool) or not isinstance(predicted, int | float | np.integer
                                                     | np.floating):
        raise wrong(f"expected one number, got {predicted!r}",
                    "write the perplexity as a number, e.g. predicted_perplexity = 10")
    if matches(predicted, _NEXT_TOKENS, rtol=1e-3):
        return correct(f"Every step gives the true character p = 1/{_NEXT_TOKENS}, so the "
                       f"cross-entropy is log {_NEXT_TOKENS} and the perplexity "
                       f"e^(log {_NEXT_TOKENS}) = {_NEXT_TOKENS}: a uniform guess over V "
                       "choices has perplexity V. Run the next cell.")
    said = f"you predicted {predicted:g}"
    known = (
        (np.log(_NEXT_TOKENS), f"{said}: that is the cross-entropy, log {_NEXT_TOKENS}",
         "perplexity is e to the power of the cross-entropy"),
        (np.log2(_NEXT_TOKENS), f"{said}: that is the cross-entropy in bits",
         "perplexity is 2 to the power of the cross-entropy in bits, or e to it in nats"),
        (1 / _NEXT_TOKENS, f"{said}: that is the probability of each character",
         "perplexity counts equally likely choices: it is one over that probability"),
        (_NEXT_TOKENS + 1, f"{said}: that counts START, which never comes next",
         "the uniform guess spreads over the tokens that can come next: letters and END"),
        (_NEXT_TOKENS - 1, f"{said}: that counts the letters only",
         "END can come next too: the model must predict where a name stops"),
    )
    for value, message, hint in known:
        if matches(predicted, value, rtol=1e-2):
            raise wrong(message, hint)
    raise wrong(f"{said}, which is not the uniform guess's perplexity",
                "at every step each possible next token gets the same probability 1/V; "
                "work out -log of it, then e to that power")


uniform_perplexity = Exercise(
    id="gated.uniform_perplexity",
    lesson="06",
    title="Predict the perplexity of a uniform guess",
    judge=_judge_uniform_perplexity,
    hints=("A uniform guess gives every token that can come next the same probability. How "
           "many tokens can come next after a letter of a name?",
           "If each true character gets probability 1/V, the mean of -log p is log V."),
    answer="predicted_perplexity",
    kind="predict",
    solution="predicted_perplexity = 27",
    mistakes=(
        ("predicted_perplexity = 3.2958", "cross-entropy"),
        ("predicted_perplexity = 1 / 27", "probability of each character"),
        ("predicted_perplexity = 28", "START"),
        ("predicted_perplexity = 26", "letters only"),
        ("predicted_perplexity = 4.75", "bits"),
        ("predicted_perplexity = 10", "not the uniform guess"),
        ("predicted_perplexity = '27'", "one number"),
    ),
    setup="",
    variants=("predicted_perplexity = 27.0", "import math\npredicted_perplexity = "
              "math.exp(math.log(27))"),
)


_TASKS = {
    "digits": "sort 28 x 28 images of handwritten digits into 10 classes",
    "long_memory": "add two numbers marked 200 steps apart in a noisy sequence, "
                   "with as few parameters as possible",
    "no_order": "predict a flat's price from its area, rooms and floor (no order in time)",
}
_LAYERS = ("Dense", "Conv2D", "SimpleRNN", "LSTM", "GRU")
_EXPECTED = {"digits": "Conv2D", "long_memory": "GRU", "no_order": "Dense"}
_WHY_WRONG = {
    ("digits", "Dense"): ("a Dense layer treats every pixel as unrelated to its neighbours",
                          "which layer slides the same small filter over the whole image?"),
    ("digits", "SimpleRNN"): ("an image is not a sequence in time",
                              "think of lessons 01 to 03"),
    ("digits", "LSTM"): ("an image is not a sequence in time", "think of lessons 01 to 03"),
    ("digits", "GRU"): ("an image is not a sequence in time", "think of lessons 01 to 03"),
    ("long_memory", "SimpleRNN"): ("in 5 epochs, even at its best learning rate, a "
                                   "SimpleRNN stayed near the trivial baseline at length 50",
                                   "the task needs a layer with gates"),
    ("long_memory", "LSTM"): ("an LSTM learns it, but it is not the smallest layer that does",
                              "compare the parameter counts measured in this lesson"),
    ("long_memory", "Dense"): ("a Dense layer sees no order in time and no memory",
                               "the task needs a layer with gates"),
    ("long_memory", "Conv2D"): ("a 2-D filter is for images, and it sees only nearby steps",
                                "the task needs a layer with gates"),
}


def _judge_choose_layer(choice):
    if not isinstance(choice, dict):
        raise wrong(f"expected a dict from task to layer name, got {type(choice).__name__}",
                    "keep the dict of the cell and replace each ... with a layer name")
    if set(choice) != set(_TASKS):
        raise wrong(f"the dict must have exactly the keys {sorted(_TASKS)}, got {sorted(choice)}",
                    "keep the keys as given and change only the values")
    if any(value is ... or value is None for value in choice.values()):
        attempt(lambda: None)  # some tasks still unanswered: not attempted yet
    for task, layer in choice.items():
        if layer not in _LAYERS:
            raise wrong(f"{task}: {layer!r} is not one of {list(_LAYERS)}",
                        "write the layer name as a string, spelled as in Keras")
    for task in _TASKS:
        layer = choice[task]
        if layer == _EXPECTED[task]:
            continue
        message, hint = _WHY_WRONG.get(
            (task, layer), ("a recurrent layer reads steps in order, and these numbers have "
                            "no order", "without an order in time, a plain layer is enough"))
        raise wrong(f"{task} ({_TASKS[task]}): {layer} is not the best choice: {message}", hint)
    return correct("Convolutions for images; gates for a long memory, and a GRU when "
                   "parameters are scarce, as here (an LSTM learns the task too, with a third "
                   "more parameters); a plain Dense layer when the inputs have no order.")


choose_layer = Exercise(
    id="gated.choose_layer",
    lesson="06",
    title="Choose the right layer for a task",
    judge=_judge_choose_layer,
    hints=("Ask of each task: is the input an image, a sequence, or neither? If a sequence, "
           "how far back must the model remember?",
           "Look back at the parameter counts and the adding problem in this lesson."),
    answer="layer_for",
    kind="choose",
    setup="",
    solution='layer_for = {"digits": "Conv2D", "long_memory": "GRU", "no_order": "Dense"}',
    mistakes=(
        ('layer_for = {"digits": "Dense", "long_memory": "GRU", "no_order": "Dense"}',
         "neighbours"),
        ('layer_for = {"digits": "Conv2D", "long_memory": "SimpleRNN", "no_order": "Dense"}',
         "trivial baseline"),
        ('layer_for = {"digits": "Conv2D", "long_memory": "LSTM", "no_order": "Dense"}',
         "parameter counts"),
        ('layer_for = {"digits": "Conv2D", "long_memory": "GRU", "no_order": "LSTM"}',
         "no order"),
        ('layer_for = {"digits": "Conv2D", "long_memory": "GRU", "no_order": "dense"}',
         "spelled as in Keras"),
    ),
)
