"""Lesson 06's exercises: the GRU update gate, LSTM parameters, picking a layer."""

import numpy as np

from course_utils.checks import Exercise, attempt, correct, matches, wrong


def _sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def _gru_cases(seed: int = 6, count: int = 40) -> list[tuple[np.ndarray, ...]]:
    """(x_t, h_prev, candidate, W_z, U_z, b_z): batches of 1 to 4, 1 to 5 features, 2 to 6
    units (never as many as the features); smallest first."""
    rng = np.random.default_rng(seed)
    cases = []
    for _ in range(count):
        batch, features = int(rng.integers(1, 5)), int(rng.integers(1, 6))
        units = int(rng.choice([size for size in range(2, 7) if size != features]))
        cases.append((rng.normal(size=(batch, features)),
                      rng.uniform(-1, 1, size=(batch, units)),
                      rng.uniform(-1, 1, size=(batch, units)),
                      rng.normal(size=(features, units)), rng.normal(size=(units, units)),
                      rng.normal(size=units)))
    return sorted(cases, key=lambda case: (case[1].size, case[0].size))


def _judge_gru_update(gru_update):
    for x_t, h_prev, candidate, w_z, u_z, b_z in _gru_cases():
        case = (f"for a batch of {h_prev.shape[0]}, {x_t.shape[1]} features and "
                f"{h_prev.shape[1]} units")
        got = attempt(gru_update, x_t.copy(), h_prev.copy(), candidate.copy(), w_z.copy(),
                      u_z.copy(), b_z.copy(), case=case)
        try:
            got = np.asarray(got, dtype=float)
        except (TypeError, ValueError):
            raise wrong(f"{case} gru_update returned {got!r}, not an array",
                        "return the new state, an array shaped like h_prev") from None
        if got.shape != h_prev.shape:
            raise wrong(f"{case} the new state must have shape {h_prev.shape}, got {got.shape}",
                        "the new state has the shape of h_prev; check which side of each "
                        "matrix product the batch is on: x_t @ W_z")

        def blend(gate, h_prev=h_prev, candidate=candidate):
            return gate * h_prev + (1 - gate) * candidate

        z = _sigmoid(x_t @ w_z + h_prev @ u_z + b_z)
        if matches(got, blend(z), atol=1e-6):
            continue
        if matches(got, (1 - z) * h_prev + z * candidate, atol=1e-6):
            raise wrong(f"{case} z and 1 - z are swapped: with your code z = 1 takes the "
                        "candidate",
                        "in Keras' GRU the update gate z says how much of the OLD state to keep")
        if matches(got, blend(np.tanh(x_t @ w_z + h_prev @ u_z + b_z)), atol=1e-6):
            raise wrong(f"{case} the gate goes below 0: it used tanh",
                        "a gate is a share between 0 and 1: which activation gives that?")
        if matches(got, blend(_sigmoid(x_t @ w_z + h_prev @ u_z)), atol=1e-6):
            raise wrong(f"{case} the gate ignores b_z", "add the bias inside the sigmoid")
        if matches(got, blend(_sigmoid(x_t @ w_z + b_z)), atol=1e-6):
            raise wrong(f"{case} the gate does not depend on h_prev",
                        "the gate looks at the input and the previous state: add h_prev @ U_z")
        if matches(got, blend(_sigmoid(x_t @ w_z + h_prev @ u_z.T + b_z)), atol=1e-6):
            raise wrong(f"{case} the recurrent weights are applied transposed",
                        "Keras keeps weights as (inputs, units): h_prev @ U_z, like x_t @ W_z")
        raise wrong(f"{case} the new state differs from the expected one",
                    "z = sigmoid(x_t W_z + h_prev U_z + b_z), then mix h_prev and the candidate "
                    "with z and 1 - z")
    return correct("z close to 1 keeps the old state, z close to 0 takes the candidate: "
                   "an LSTM needs two gates (forget and input) for what z does alone.")


gru_update = Exercise(
    id="gated.gru_update",
    lesson="06",
    title="Implement the GRU update gate",
    judge=_judge_gru_update,
    hints=("Compute the gate from x_t and h_prev like a SimpleRNN step, but with a sigmoid, "
           "then use it to mix the old state and the candidate.",
           "In Keras, the gate's value is the share of h_prev kept; the rest comes from the "
           "candidate."),
    answer="gru_update",
    solution="def gru_update(x_t, h_prev, candidate, W_z, U_z, b_z):\n"
             "    z = 1 / (1 + np.exp(-(x_t @ W_z + h_prev @ U_z + b_z)))\n"
             "    return z * h_prev + (1 - z) * candidate",
    mistakes=(
        ("def gru_update(x_t, h_prev, candidate, W_z, U_z, b_z):\n"
         "    z = 1 / (1 + np.exp(-(x_t @ W_z + h_prev @ U_z + b_z)))\n"
         "    return (1 - z) * h_prev + z * candidate", "OLD state"),
        ("def gru_update(x_t, h_prev, candidate, W_z, U_z, b_z):\n"
         "    z = np.tanh(x_t @ W_z + h_prev @ U_z + b_z)\n"
         "    return z * h_prev + (1 - z) * candidate", "between 0 and 1"),
        ("def gru_update(x_t, h_prev, candidate, W_z, U_z, b_z):\n"
         "    z = 1 / (1 + np.exp(-(x_t @ W_z + h_prev @ U_z)))\n"
         "    return z * h_prev + (1 - z) * candidate", "bias"),
        ("def gru_update(x_t, h_prev, candidate, W_z, U_z, b_z):\n"
         "    z = 1 / (1 + np.exp(-(x_t @ W_z + b_z)))\n"
         "    return z * h_prev + (1 - z) * candidate", "h_prev @ U_z"),
        ("def gru_update(x_t, h_prev, candidate, W_z, U_z, b_z):\n"
         "    z = 1 / (1 + np.exp(-(W_z @ x_t + U_z @ h_prev + b_z)))\n"
         "    return z * h_prev + (1 - z) * candidate", "line 2 of `gru_update`"),
        ("def gru_update(x_t, h_prev, candidate, W_z, U_z, b_z):\n"
         "    return np.zeros((2, 4))", "must have shape"),
        ("def gru_update(x_t, h_prev, candidate, W_z, U_z, b_z):\n"
         "    kernel = np.concatenate([W_z, W_z, W_z], axis=1)\n"
         "    recurrent = np.concatenate([U_z, U_z, U_z], axis=1)\n"
         "    bias = np.stack([np.concatenate([b_z] * 3), np.zeros(3 * len(b_z))])\n"
         "    return gated.gru_step(x_t, h_prev, kernel, recurrent, bias)",
         "course's version"),
    ),
    setup="import numpy as np\nfrom course_utils import gated",
    forbidden=("course_utils.gated.gru_step", "course_utils.gated.gru",
               "course_utils.gated.sigmoid", "keras.layers.GRUCell", "keras.layers.GRU"),
    variants=("def gru_update(x_t, h_prev, candidate, W_z, U_z, b_z):\n"
              "    z = 0.5 * (1 + np.tanh(0.5 * (x_t @ W_z + h_prev @ U_z + b_z)))\n"
              "    return candidate + z * (h_prev - candidate)",),
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
                   "Compare with model.count_params() in the cell above.")


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
               "course_utils.gated.simple_rnn_parameter_count", "keras.layers.LSTM",
               "keras.layers.LSTMCell"),
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
    ("long_memory", "SimpleRNN"): ("a SimpleRNN stayed at the trivial baseline on this task "
                                   "at length 50 already",
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
