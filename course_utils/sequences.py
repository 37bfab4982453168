"""Sequence tasks for lesson 06: the adding problem, and names one character at a time.

The adding problem (Hochreiter and Schmidhuber, 1997) tests long memory: each step carries a
random value and a marker; exactly two steps are marked, one in each half, and the target is
the sum of the two marked values. Predicting the average sum, 1.0, scores an MSE of 1/6;
knowing the recent (second) marked value alone, at best 1/12.

For names, every name becomes the sequence START + letters + END, padded with END; a model
reads x = sequence[:-1] and predicts y = sequence[1:], one character ahead at every step.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from course_utils import _arrays
from course_utils._arrays import (
    callable_model,
    finite_array,
    given,
    positive_int,
    run_first,
    whole_number,
)
from course_utils.models._checkpoint import read_description

__all__ = ["START", "END", "adding_problem", "TRIVIAL_MSE", "RECENT_ONLY_MSE", "marker_steps",
           "recent_only_prediction", "loss_gradient_norms", "ADDING_GRID", "adding_grid",
           "make_vocabulary", "encode_names", "decode",
           "sample_names", "novelty", "plausibility", "is_well_formed", "perplexity"]

START, END = "^", "$"
# lesson 06 builds and trains the name model, and its vocabulary, in this section
_NAME_MODEL_FROM = run_first("Generating names, one character at a time")


def adding_problem(num_sequences: int, length: int, seed: int = 0
                   ) -> tuple[np.ndarray, np.ndarray]:
    """Sequences for the adding problem. Returns x (N, length, 2) and y (N,), float32.

    x[..., 0] holds values drawn uniformly from [0, 1); x[..., 1] is 1 at two steps, one in
    the first half and one in the second, and 0 elsewhere. y is the sum of the two marked
    values. Lesson 06.
    """
    num_sequences = positive_int(num_sequences, "num_sequences")
    length = whole_number(length, "length", minimum=2, hint="two markers need two steps")
    rng = np.random.default_rng(seed)
    values = rng.uniform(0.0, 1.0, size=(num_sequences, length))
    markers = np.zeros((num_sequences, length))
    rows = np.arange(num_sequences)
    markers[rows, rng.integers(0, length // 2, size=num_sequences)] = 1.0
    markers[rows, rng.integers(length // 2, length, size=num_sequences)] = 1.0
    x = np.stack([values, markers], axis=-1).astype(np.float32)
    y = (values * markers).sum(axis=1).astype(np.float32)
    return x, y


# y = v1 + v2 with v1, v2 independent and uniform on [0, 1), each of variance 1/12.
# Knowing nothing, the best constant is E[y] = 1 and its MSE is Var(v1 + v2) = 1/6.
# Knowing only the recent value v2, the best guess is E[y | v2] = v2 + 1/2 (v1 is independent
# of v2 and of where the markers are), and its MSE is what is left unknown: Var(v1) = 1/12.
TRIVIAL_MSE = 1 / 6
RECENT_ONLY_MSE = 1 / 12
ADDING_GRID = Path(__file__).resolve().parent / "checkpoints" / "adding_grid.json"


def adding_grid(path: str | Path = ADDING_GRID) -> dict[str, Any]:
    """What python -m tools.tune_adding recorded: its settings, the learning rates and seeds tried,
    every run's validation MSE after each epoch, and the rate chosen per layer. Lesson 06."""
    return read_description(path, "tools.tune_adding")


def marker_steps(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The time steps of the first and of the second marker of each sequence: two int arrays
    (N,). x: (N, T, 2) from ``adding_problem``. Lesson 06."""
    x = finite_array(x, "x", 3, "(N, T, 2) from sequences.adding_problem")
    markers = x[..., 1] if x.shape[2] == 2 else None
    if markers is None or not np.all(markers.sum(axis=1) == 2) \
            or not np.all((markers == 0) | (markers == 1)):
        raise ValueError(f"x must hold adding-problem sequences, (N, T, 2) with feature 1 equal "
                         f"to 1 at exactly two steps, got shape {x.shape}: make x with "
                         "sequences.adding_problem")
    steps = np.argwhere(markers == 1)[:, 1].reshape(-1, 2)  # row-major: sorted within a row
    return steps[:, 0], steps[:, 1]


def recent_only_prediction(x: np.ndarray) -> np.ndarray:
    """The best guess of the sum that knows only the recent (second) marked value v2:
    v2 + 1/2, shape (N,). Its MSE is RECENT_ONLY_MSE = 1/12. x: (N, T, 2). Lesson 06."""
    _, second = marker_steps(x)
    return np.asarray(x, dtype=np.float64)[np.arange(len(second)), second, 0] + 0.5


def loss_gradient_norms(model: Callable[..., Any], x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """How strongly each input step reaches the loss: the norm of d(y_hat_n - y_n)^2 / dx_n,t
    over the D features, for every sequence n and step t, shape (N, T). Lesson 06.

    model: a Keras model mapping x (N, T, D) to predictions (N, 1); y: (N,) targets. Each
    sequence's gradient is that of its own squared error (lesson 04's input_gradient_norms
    does the same for the sum of a SimpleRNN's last state, in numpy). Small values far from
    the end mean the gradient vanishes on its way back.
    """
    import tensorflow as tf

    callable_model(model, "model", "a Keras model from (N, T, D) to (N, 1)",
                   "train or build the model first")
    x = finite_array(x, "x", 3, "(N, T, D)")
    y = finite_array(y, "y", 1, f"({x.shape[0]},), one target per sequence")
    if y.shape != (x.shape[0],):
        raise ValueError(f"y must have shape ({x.shape[0]},), one target per sequence of x, "
                         f"got {y.shape}")
    inputs = tf.convert_to_tensor(x)  # float64: the model casts it to its own precision
    with tf.GradientTape() as tape:
        tape.watch(inputs)
        predictions = tf.reshape(model(inputs, training=False), (-1,))
        # sequences do not interact: the gradient of the summed errors holds each one's own
        loss = tf.reduce_sum((predictions - tf.cast(y, predictions.dtype)) ** 2)
    gradient = np.asarray(tape.gradient(loss, inputs), dtype=np.float64)
    return np.linalg.norm(gradient, axis=2)


def _check_words(words: Sequence[str], name: str = "words") -> list[str]:
    if isinstance(words, str):
        raise ValueError(f"{name} must be a list of strings, got a single string {words!r}: "
                         "wrap it in a list")
    words = list(words)
    if not words:
        raise ValueError(f"{name} is empty: give at least one name")
    for word in words:
        if not isinstance(word, str) or not word:
            raise ValueError(f"every entry of {name} must be a non-empty string, got {word!r}")
    return words


def make_vocabulary(words: Sequence[str]) -> tuple[str, ...]:
    """The characters of ``words``, sorted, after the START and END tokens (index 0 and 1)."""
    words = _check_words(words)
    letters = sorted(set("".join(words)))
    for token in (START, END):
        if token in letters:
            raise ValueError(f"{token!r} is a reserved token and may not appear in a word")
    return (START, END, *letters)


def encode_names(words: Sequence[str], vocabulary: Sequence[str], length: int | None = None
                 ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Training windows for a next-character model.

    Each name becomes START + name + END, padded with END to length + 1 tokens.
    Returns x (N, length) int32, y (N, length) int32 (x shifted one step ahead) and
    weights (N, length) float32: 1 up to and including the first END target, 0 on padding,
    so that padding does not count in the loss. length defaults to the longest name + 1.
    """
    words = _check_words(words)
    index = {token: position for position, token in enumerate(vocabulary)}
    if index.get(START) != 0 or index.get(END) != 1:
        raise ValueError("vocabulary must start with the START and END tokens: "
                         "build it with make_vocabulary(words)")
    longest = max(len(word) for word in words)
    length = longest + 1 if length is None else _arrays.whole_number(length, "length", 2)
    if longest + 1 > length:
        raise ValueError(f"length={length} is too short for a name of {longest} letters: "
                         f"it needs at least {longest + 1} steps (the letters and END)")
    tokens = np.full((len(words), length + 1), index[END], dtype=np.int32)
    weights = np.zeros((len(words), length), dtype=np.float32)
    tokens[:, 0] = index[START]
    for row, word in enumerate(words):
        unknown = sorted(set(word) - set(index))
        if unknown:
            raise ValueError(f"{word!r} contains {unknown}, which the vocabulary lacks: "
                             "build the vocabulary from the same words")
        tokens[row, 1:len(word) + 1] = [index[letter] for letter in word]
        weights[row, :len(word) + 1] = 1.0
    return tokens[:, :-1], tokens[:, 1:], weights


def decode(indices: Sequence[int], vocabulary: Sequence[str]) -> str:
    """Characters for token indices, skipping START and stopping at the first END."""
    letters = []
    for position in np.asarray(indices, dtype=int).ravel():
        if not 0 <= position < len(vocabulary):
            raise ValueError(f"index {position} is outside the vocabulary of {len(vocabulary)}")
        token = vocabulary[position]
        if token == END:
            break
        if token != START:
            letters.append(token)
    return "".join(letters)


def _sample_tokens(model: Callable[..., Any], temperatures: np.ndarray, seed: int,
                   max_length: int) -> np.ndarray:
    """Token rows (N, <= max_length + 1), one per temperature, sampled in one batch."""
    rng = np.random.default_rng(seed)
    count = len(temperatures)
    tokens = np.zeros((count, 1), dtype=np.int32)  # every row starts with START (index 0)
    finished = np.zeros(count, dtype=bool)
    for step in range(max_length + 1):
        try:
            logits = np.asarray(model(tokens, training=False), dtype=np.float64)
        except (TypeError, ValueError) as error:
            # another model of the lesson (the adding problem's, say) refuses token indices
            raise ValueError(f"the model must map token indices (N, T) to logits (N, T, V), "
                             f"but it refused integer tokens of shape {tokens.shape}: pass "
                             f"name_model: {_NAME_MODEL_FROM}") from error
        if logits.ndim != 3 or logits.shape[:2] != tokens.shape:
            raise ValueError(f"the model must map token indices (N, T) to logits (N, T, V), "
                             f"got {logits.shape} for input {tokens.shape}: does its last "
                             f"layer return sequences? Pass name_model: {_NAME_MODEL_FROM}")
        scaled = logits[:, -1, :] / temperatures[:, None]
        scaled[:, 0] = -np.inf  # START is never a next character
        scaled -= scaled.max(axis=1, keepdims=True)
        probabilities = np.exp(scaled)
        probabilities /= probabilities.sum(axis=1, keepdims=True)
        draws = rng.random(count)[:, None]
        choice = (probabilities.cumsum(axis=1) < draws).sum(axis=1)
        choice = np.minimum(choice, probabilities.shape[1] - 1).astype(np.int32)
        choice[finished] = 1
        if step == max_length:
            choice[:] = 1  # cut names that reached max_length letters
        tokens = np.concatenate([tokens, choice[:, None]], axis=1)
        finished |= choice == 1
        if finished.all():
            break
    return tokens


def sample_names(model: Callable[..., Any], vocabulary: Sequence[str], count: int,
                 temperature: float | Sequence[float] = 1.0, seed: int = 0,
                 max_length: int = 15) -> list[str]:
    """Generate ``count`` names, one character at a time, with temperature sampling.

    model: maps token indices (N, T) to next-character logits (N, T, V); it is called
    directly (model(x, training=False)), which is much faster than model.predict for small
    batches. temperature: one value for all names, or one per name; below 1 the likeliest
    characters win more often, above 1 the choice gets closer to uniform. A name that
    reaches max_length letters without END is cut there.
    """
    callable_model(model, "model", "the name model (name_model)", _NAME_MODEL_FROM)
    given(vocabulary, "vocabulary", "the tuple from make_vocabulary(words)", _NAME_MODEL_FROM)
    count = _arrays.positive_int(count, "count")
    max_length = _arrays.positive_int(max_length, "max_length")
    temperatures = np.asarray(temperature, dtype=np.float64)
    if temperatures.ndim == 0:
        temperatures = np.full(count, float(temperatures))
    if temperatures.shape != (count,):
        raise ValueError(f"give one temperature or {count} of them, got {temperatures.shape}")
    if not np.all(np.isfinite(temperatures)) or np.any(temperatures <= 0):
        raise ValueError(f"temperature must be a positive finite number, got {temperature!r}: "
                         "try values between 0.2 and 2")
    if len(vocabulary) < 3 or vocabulary[0] != START or vocabulary[1] != END:
        raise ValueError("vocabulary must start with the START and END tokens: "
                         "build it with make_vocabulary(words)")
    tokens = _sample_tokens(model, temperatures, seed, max_length)
    return [decode(row[1:], vocabulary) for row in tokens]


def novelty(generated: Sequence[str], training_words: Sequence[str]) -> float:
    """Share of generated names that are not in the training list (0 to 1)."""
    generated = list(generated)
    if not generated:
        raise ValueError("generated is empty: sample some names first")
    known = set(_check_words(training_words, "training_words"))
    return float(np.mean([name not in known for name in generated]))


def _trigrams(word: str) -> list[str]:
    padded = START + START + word + END
    return [padded[position:position + 3] for position in range(len(padded) - 2)]


def is_well_formed(name: str, known_trigrams: set[str], shortest: int, longest: int) -> bool:
    """True if ``name`` is as long as real names and every run of three characters
    (counting its start and end) occurs somewhere in real names."""
    if not shortest <= len(name) <= longest:
        return False
    return all(trigram in known_trigrams for trigram in _trigrams(name))


def plausibility(generated: Sequence[str], training_words: Sequence[str]) -> float:
    """Share of generated names that look like real ones (0 to 1), by ``is_well_formed``.

    A name is well formed if its length lies within the training names' range and each of
    its three-character pieces, including how it starts and ends, appears in some training
    name: "marla" passes, "mxqrla" does not.
    """
    generated = list(generated)
    if not generated:
        raise ValueError("generated is empty: sample some names first")
    training_words = _check_words(training_words, "training_words")
    known = {trigram for word in training_words for trigram in _trigrams(word)}
    lengths = [len(word) for word in training_words]
    return float(np.mean([is_well_formed(name, known, min(lengths), max(lengths))
                          for name in generated]))


def _check_next_token_inputs(probabilities: Any, targets: Any) -> tuple[np.ndarray, np.ndarray]:
    """probabilities as float64 (N, T, V) and targets as int (N, T) ids below V, or a
    ValueError that says which shape or value was expected."""
    probabilities = finite_array(probabilities, "probabilities", 3, "(N, T, V)")
    targets = np.asarray(targets)
    if targets.shape != probabilities.shape[:2]:
        raise ValueError(f"targets must have shape (N, T) = {probabilities.shape[:2]}, one id "
                         f"per step, got {targets.shape}")
    if targets.size and (not np.issubdtype(targets.dtype, np.integer)
                         or targets.min() < 0 or targets.max() >= probabilities.shape[2]):
        raise ValueError(f"targets must be integer ids from 0 to {probabilities.shape[2] - 1}, "
                         "the positions of the true next tokens in the vocabulary")
    if np.any(probabilities < 0):
        raise ValueError("probabilities must not be negative: pass a softmax of the logits")
    return probabilities, targets.astype(np.int64)


def perplexity(probabilities: Any, targets: Any) -> float:
    """exp of the mean of -log p(target): the model's cross-entropy per token, as a number of
    equally likely choices. Lesson 06.

    probabilities: (N, T, V), at each step a distribution over the V tokens that may come
    next; targets: (N, T) integer ids of the tokens that came. A uniform guess over V tokens
    scores V; a model that is always sure and right scores 1.
    """
    probabilities, targets = _check_next_token_inputs(probabilities, targets)
    picked = np.take_along_axis(probabilities, targets[..., None], axis=-1)[..., 0]  # (N, T)
    with np.errstate(divide="ignore"):  # a zero probability for a target: infinite perplexity
        return float(np.exp(-np.mean(np.log(picked))))
