"""LSTM and GRU in numpy, with Keras' weight layout and gate order (lesson 06).

Keras stores every gate's weights side by side in three arrays:

    LSTM  kernel (D, 4H), recurrent_kernel (H, 4H), bias (4H,)      gates i, f, c, o
    GRU   kernel (D, 3H), recurrent_kernel (H, 3H), bias (2, 3H)    gates z, r, h
          (reset_after=True, the Keras 3 default: one bias row for the input part and one
          for the recurrent part; with reset_after=False the bias is (3H,))

so ``layer.get_weights()`` can be passed straight to ``lstm`` or ``gru`` below, and their
results equal ``keras.layers.LSTM`` / ``keras.layers.GRU`` up to float rounding.

Each function checks its arguments with one call to a helper at the end of the module,
so that its body is the computation.
"""

from __future__ import annotations

import numpy as np

from course_utils import recurrence
from course_utils._arrays import finite_array

__all__ = ["sigmoid", "lstm_step", "lstm", "gru_step", "gru", "lstm_parameter_count",
           "gru_parameter_count"]


def sigmoid(z: np.ndarray) -> np.ndarray:
    """The logistic function 1 / (1 + exp(-z)), element-wise, without overflow warnings."""
    z = np.asarray(z, dtype=np.float64)
    return np.exp(-np.logaddexp(0.0, -z))


def lstm_step(x_t: np.ndarray, h: np.ndarray, c: np.ndarray, kernel: np.ndarray,
              recurrent_kernel: np.ndarray, bias: np.ndarray
              ) -> tuple[np.ndarray, np.ndarray, dict[str, np.ndarray]]:
    """One LSTM step. x_t: (N, D); h, c: (N, H). Returns (h_new, c_new, gates).

    gates maps "input", "forget", "candidate", "output" to arrays of shape (N, H).
    """
    x_t, h, c, kernel, recurrent_kernel, bias = _lstm_step_inputs(
        x_t, h, c, kernel, recurrent_kernel, bias)
    z = x_t @ kernel + h @ recurrent_kernel + bias
    z_i, z_f, z_c, z_o = np.split(z, 4, axis=1)
    gates = {"input": sigmoid(z_i), "forget": sigmoid(z_f), "candidate": np.tanh(z_c),
             "output": sigmoid(z_o)}
    c_new = gates["forget"] * c + gates["input"] * gates["candidate"]
    h_new = gates["output"] * np.tanh(c_new)
    return h_new, c_new, gates


def lstm(x: np.ndarray, kernel: np.ndarray, recurrent_kernel: np.ndarray, bias: np.ndarray,
         return_sequences: bool = False) -> np.ndarray:
    """An LSTM over a batch of sequences, starting from zero states, like keras.layers.LSTM.

    x: (N, T, D). Returns the last hidden state (N, H), or every one (N, T, H) if
    return_sequences.
    """
    x, units = _lstm_inputs(x, kernel, recurrent_kernel)
    h = np.zeros((x.shape[0], units))
    c = np.zeros((x.shape[0], units))
    states = []
    for t in range(x.shape[1]):
        h, c, _ = lstm_step(x[:, t], h, c, kernel, recurrent_kernel, bias)
        states.append(h)
    return np.stack(states, axis=1) if return_sequences else h


def gru_step(x_t: np.ndarray, h: np.ndarray, kernel: np.ndarray, recurrent_kernel: np.ndarray,
             bias: np.ndarray, reset_after: bool = True
             ) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """One GRU step. x_t: (N, D); h: (N, H). Returns (h_new, gates).

    gates maps "update", "reset", "candidate" to arrays of shape (N, H). As in Keras,
    h_new = z * h + (1 - z) * candidate: the update gate z says how much of the old
    state to keep.
    """
    x_t, h, kernel, recurrent_kernel, bias = _gru_step_inputs(
        x_t, h, kernel, recurrent_kernel, bias, reset_after)
    units = h.shape[1]
    input_bias, recurrent_bias = (bias[0], bias[1]) if reset_after else (bias, np.zeros(3 * units))
    x_z, x_r, x_h = np.split(x_t @ kernel + input_bias, 3, axis=1)
    u_z, u_r, u_h = np.split(recurrent_kernel, 3, axis=1)
    b_z, b_r, b_h = np.split(recurrent_bias, 3)
    update = sigmoid(x_z + h @ u_z + b_z)
    reset = sigmoid(x_r + h @ u_r + b_r)
    if reset_after:
        candidate = np.tanh(x_h + reset * (h @ u_h + b_h))
    else:
        candidate = np.tanh(x_h + (reset * h) @ u_h)
    h_new = update * h + (1.0 - update) * candidate
    return h_new, {"update": update, "reset": reset, "candidate": candidate}


def gru(x: np.ndarray, kernel: np.ndarray, recurrent_kernel: np.ndarray, bias: np.ndarray,
        reset_after: bool = True, return_sequences: bool = False) -> np.ndarray:
    """A GRU over a batch of sequences, starting from a zero state, like keras.layers.GRU.

    x: (N, T, D). Returns the last hidden state (N, H), or every one (N, T, H) if
    return_sequences.
    """
    x, units = _gru_inputs(x, kernel, recurrent_kernel, bias, reset_after)
    h = np.zeros((x.shape[0], units))
    states = []
    for t in range(x.shape[1]):
        h, _ = gru_step(x[:, t], h, kernel, recurrent_kernel, bias, reset_after)
        states.append(h)
    return np.stack(states, axis=1) if return_sequences else h


def lstm_parameter_count(input_dim: int, units: int) -> int:
    """Weights of keras.layers.LSTM: four gates, each a SimpleRNN-sized set of weights."""
    return 4 * recurrence.simple_rnn_parameter_count(input_dim, units)


def gru_parameter_count(input_dim: int, units: int, reset_after: bool = True) -> int:
    """Weights of keras.layers.GRU: three gates, plus a second bias row if reset_after."""
    gates = 3 * recurrence.simple_rnn_parameter_count(input_dim, units)
    return gates + (3 * int(units) if reset_after else 0)  # units checked by the line above


# ---------------------------------------------------------------- input checks
# One helper per function above, in the same order, then the checks they share. Each returns
# the arguments ready for the computation, or raises the error a learner can act on.


def _lstm_step_inputs(x_t: object, h: object, c: object, kernel: object,
                      recurrent_kernel: object, bias: object) -> tuple[np.ndarray, ...]:
    """lstm_step's x_t (N, D), h and c (N, H), kernel, recurrent_kernel and bias (4H,)."""
    x_t = finite_array(x_t, "x_t", 2, "(N, D)")
    kernel, recurrent_kernel, units = _check_weights(kernel, recurrent_kernel, 4, "LSTM",
                                                     x_t.shape[1])
    h = _check_state(h, "h", x_t.shape[0], units)
    c = _check_state(c, "c", x_t.shape[0], units)
    bias = finite_array(bias, "bias", 1, f"({4 * units},)")
    if bias.shape != (4 * units,):
        raise ValueError(f"bias of an LSTM must have shape ({4 * units},), got {bias.shape}")
    return x_t, h, c, kernel, recurrent_kernel, bias


def _lstm_inputs(x: object, kernel: object, recurrent_kernel: object
                 ) -> tuple[np.ndarray, int]:
    """lstm's x (N, T, D) with T >= 1, and the number of units; lstm_step checks the rest."""
    x = _check_sequence(x)
    _, _, units = _check_weights(kernel, recurrent_kernel, 4, "LSTM", x.shape[2])
    _check_steps(x)
    return x, units


def _gru_step_inputs(x_t: object, h: object, kernel: object, recurrent_kernel: object,
                     bias: object, reset_after: bool) -> tuple[np.ndarray, ...]:
    """gru_step's x_t (N, D), h (N, H), kernel, recurrent_kernel and bias."""
    x_t = finite_array(x_t, "x_t", 2, "(N, D)")
    kernel, recurrent_kernel, units = _check_weights(kernel, recurrent_kernel, 3, "GRU",
                                                     x_t.shape[1])
    h = _check_state(h, "h", x_t.shape[0], units)
    return x_t, h, kernel, recurrent_kernel, _check_gru_bias(bias, units, reset_after)


def _gru_inputs(x: object, kernel: object, recurrent_kernel: object, bias: object,
                reset_after: bool) -> tuple[np.ndarray, int]:
    """gru's x (N, T, D) with T >= 1, and the number of units; gru_step checks the rest."""
    x = _check_sequence(x)
    _, _, units = _check_weights(kernel, recurrent_kernel, 3, "GRU", x.shape[2])
    _check_gru_bias(bias, units, reset_after)
    _check_steps(x)
    return x, units


def _check_weights(kernel: np.ndarray, recurrent_kernel: np.ndarray, gates: int, layer: str,
                   input_dim: int | None = None) -> tuple[np.ndarray, np.ndarray, int]:
    kernel = finite_array(kernel, "kernel", 2, f"(input_dim, {gates} * units)")
    recurrent_kernel = finite_array(recurrent_kernel, "recurrent_kernel", 2, f"(units, {gates} * units)")
    units = recurrent_kernel.shape[0]
    if recurrent_kernel.shape != (units, gates * units):
        raise ValueError(f"recurrent_kernel of a {layer} must have shape (units, {gates} * units), "
                         f"got {recurrent_kernel.shape}: pass layer.get_weights()[1]")
    if kernel.shape[1] != gates * units:
        raise ValueError(f"kernel must have shape (input_dim, {gates * units}) for {units} units, "
                         f"got {kernel.shape}: the {layer} stacks {gates} gates side by side")
    if input_dim is not None and kernel.shape[0] != input_dim:
        raise ValueError(f"x has {input_dim} features per step but the kernel has "
                         f"{kernel.shape[0]} rows, one per input feature (kernel shape "
                         f"{kernel.shape}): does x have the features the layer was built for?")
    return kernel, recurrent_kernel, units


def _check_sequence(x: np.ndarray) -> np.ndarray:
    return finite_array(x, "x", 3, "(N, T, D): a batch of N sequences of T steps with D features")


def _check_state(state: np.ndarray, name: str, batch: int, units: int) -> np.ndarray:
    state = finite_array(state, name, 2, f"(N, units) = ({batch}, {units})")
    if state.shape != (batch, units):
        raise ValueError(f"{name} must have shape ({batch}, {units}), got {state.shape}")
    return state


def _check_steps(x: np.ndarray) -> None:
    if x.shape[1] == 0:
        raise ValueError("x has no time steps (T = 0): a sequence needs at least one step")


def _check_gru_bias(bias: np.ndarray, units: int, reset_after: bool) -> np.ndarray:
    expected = (2, 3 * units) if reset_after else (3 * units,)
    bias = np.asarray(bias, dtype=np.float64)
    if bias.shape != expected:
        other = "reset_after=False" if reset_after else "reset_after=True"
        raise ValueError(f"bias must have shape {expected} with reset_after={reset_after}, got "
                         f"{bias.shape}: was the layer built with {other}?")
    return finite_array(bias, "bias", len(expected), str(expected))
