"""A simple recurrent layer in numpy, and its backward pass through time (lesson 04).

The recurrence is h_t = tanh(x_t W + h_(t-1) U + b), written with row vectors as Keras
stores it: W is SimpleRNN's ``kernel`` (D, H), U its ``recurrent_kernel`` (H, H), b its
``bias`` (H,), so ``layer.get_weights()`` gives ``W, U, b`` in that order. The lesson writes
the same thing with column vectors as h_t = tanh(W x_t + U h_(t-1) + b).

``unroll`` runs one sequence and measures how much each state still depends on the first
input, what lesson 04's explorer draws.

Each function checks its arguments with one call to a helper at the end of the module,
so that its body is the computation.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

import numpy as np

from course_utils import _arrays
from course_utils._arrays import finite_array

__all__ = ["rnn_step", "simple_rnn", "simple_rnn_parameter_count", "bptt", "Gradients",
           "input_gradient_norms", "clip_by_global_norm", "spectral_radius",
           "with_spectral_radius", "recurrent_matrix", "unroll"]


class Gradients(NamedTuple):
    """Gradients of a loss with respect to everything a recurrent layer uses.

    x: (N, T, D), W: (D, H), U: (H, H), b: (H,), h0: (N, H).
    """

    x: np.ndarray
    W: np.ndarray
    U: np.ndarray
    b: np.ndarray
    h0: np.ndarray


def rnn_step(x_t: np.ndarray, h_prev: np.ndarray, W: np.ndarray, U: np.ndarray,
             b: np.ndarray) -> np.ndarray:
    """One step of the recurrence: tanh(x_t W + h_prev U + b).

    x_t: (N, D) inputs at one time step; h_prev: (N, H) previous hidden state;
    W: (D, H); U: (H, H); b: (H,). Returns the new hidden state, shape (N, H).
    """
    x_t, h_prev, W, U, b = _step_inputs(x_t, h_prev, W, U, b)
    return np.tanh(x_t @ W + h_prev @ U + b)


def simple_rnn(x: np.ndarray, W: np.ndarray, U: np.ndarray, b: np.ndarray,
               h0: np.ndarray | None = None, return_sequences: bool = False) -> np.ndarray:
    """keras.layers.SimpleRNN in numpy: the recurrence applied over a whole sequence.

    x: (N, T, D) a batch of N sequences of T steps with D features; W: (D, H); U: (H, H);
    b: (H,); h0: (N, H) initial state, zeros if None. Returns the last hidden state (N, H),
    or every hidden state (N, T, H) with ``return_sequences=True``.
    """
    x, W, U, b, h0 = _sequence_inputs(x, W, U, b, h0)
    states = _forward(x, W, U, b, h0)
    return states if return_sequences else states[:, -1]


def _forward(x: np.ndarray, W: np.ndarray, U: np.ndarray, b: np.ndarray,
             h0: np.ndarray) -> np.ndarray:
    """Every hidden state, (N, T, H): h_t = tanh(x_t W + h_(t-1) U + b), from h0."""
    states = np.empty((x.shape[0], x.shape[1], U.shape[0]))
    h = h0
    for t in range(x.shape[1]):
        h = np.tanh(x[:, t] @ W + h @ U + b)
        states[:, t] = h
    return states


def simple_rnn_parameter_count(input_dim: int, units: int) -> int:
    """Weights of keras.layers.SimpleRNN: W (D, H), U (H, H), b (H,)."""
    input_dim = _arrays.positive_int(input_dim, "input_dim")
    units = _arrays.positive_int(units, "units")  # a Python int: np.int8 sizes would overflow
    return units * (input_dim + units + 1)


def bptt(x: np.ndarray, W: np.ndarray, U: np.ndarray, b: np.ndarray,
         h0: np.ndarray | None = None, upstream: np.ndarray | None = None,
         truncate: int | None = None) -> Gradients:
    """Backpropagation through time for the loss L = sum(upstream * h_T).

    x, W, U, b, h0 as in ``simple_rnn``; upstream: (N, H) the gradient of the loss with
    respect to the last hidden state h_T, ones if None (then L is the sum of h_T).
    Walking back from T, each step multiplies the gradient by diag(1 - h_t**2) and U^T:
    that repeated product is what makes gradients vanish or explode.
    truncate: k, to walk back through the last k steps only (truncated BPTT, as if the
    state entering them were a constant): the gradients to older inputs and to h0 are
    exactly zero. None walks back through every step.
    """
    x, W, U, b, h0, upstream, truncate = _bptt_inputs(x, W, U, b, h0, upstream, truncate)
    steps = x.shape[1]
    first = 0 if truncate is None else max(0, steps - truncate)
    states = _forward(x, W, U, b, h0)
    grad_x = np.zeros_like(x)
    grad_W, grad_U, grad_b = np.zeros_like(W), np.zeros_like(U), np.zeros_like(b)
    grad_h = upstream
    for t in reversed(range(first, steps)):
        h_prev = states[:, t - 1] if t > 0 else h0
        grad_a = grad_h * (1.0 - states[:, t] ** 2)  # through tanh
        grad_x[:, t] = grad_a @ W.T
        grad_W += x[:, t].T @ grad_a
        grad_U += h_prev.T @ grad_a
        grad_b += grad_a.sum(axis=0)
        grad_h = grad_a @ U.T  # one step further back in time
    if first > 0:  # truncated: the gradient stops at the window's first state
        grad_h = np.zeros_like(h0)
    return Gradients(grad_x, grad_W, grad_U, grad_b, grad_h)


def input_gradient_norms(x: np.ndarray, W: np.ndarray, U: np.ndarray, b: np.ndarray,
                         h0: np.ndarray | None = None) -> np.ndarray:
    """How strongly each input step still reaches the end: the norm of dL/dx_t, shape (T,).

    L is the sum of the last hidden state (see ``bptt``); the norm of the (N, D) gradient at
    each step is averaged over the batch. Small early values mean vanishing gradients.
    """
    grad_x = bptt(x, W, U, b, h0).x
    return np.linalg.norm(grad_x, axis=2).mean(axis=0)


def clip_by_global_norm(gradients: list[np.ndarray], max_norm: float) -> list[np.ndarray]:
    """Gradient clipping by global norm: every array times min(1, max_norm / ||g||).

    gradients: a list of arrays of any shapes (dL/dW, dL/dU, dL/db, ...); ||g|| is their
    global norm, the square root of the sum of every squared entry of every array.
    max_norm: c > 0. Returns new arrays, shapes unchanged: the direction of the whole
    gradient is kept, only its length is capped at c. It equals tf.clip_by_global_norm and
    Keras' optimizers with ``global_clipnorm=c``.
    """
    arrays, max_norm = _clip_inputs(gradients, max_norm)
    global_norm = np.sqrt(sum(np.sum(array ** 2) for array in arrays))
    scale = 1.0 if global_norm <= max_norm else max_norm / global_norm
    return [array * scale for array in arrays]


def spectral_radius(U: np.ndarray) -> float:
    """The largest absolute eigenvalue of a square matrix U (H, H)."""
    U = _square(U, "U")
    return float(np.max(np.abs(np.linalg.eigvals(U))))


def with_spectral_radius(U: np.ndarray, radius: float) -> np.ndarray:
    """U rescaled so that its spectral radius is ``radius`` (a new array, shape (H, H))."""
    U, radius = _rescaling_inputs(U, radius)
    return U * (radius / spectral_radius(U))


def recurrent_matrix(units: int, radius: float, seed: int = 0) -> np.ndarray:
    """A random orthogonal (H, H) matrix times ``radius``: every eigenvalue has size ``radius``.

    Keras initialises SimpleRNN's recurrent kernel as a random orthogonal matrix, so radius 1
    is where a fresh layer starts.
    """
    units = _arrays.positive_int(units, "units")
    radius = _arrays.non_negative_number(radius, "radius")
    rng = np.random.default_rng(seed)
    q, r = np.linalg.qr(rng.standard_normal((units, units)))
    return q * np.sign(np.diag(r)) * radius


def unroll(x: np.ndarray, W: np.ndarray, U: np.ndarray, b: np.ndarray,
           readout: np.ndarray, forward: Callable[..., np.ndarray] | None = None
           ) -> dict[str, np.ndarray]:
    """Run one sequence through the recurrence and record what lesson 04's explorer shows.

    x: (T, D) one sequence; W: (D, H); U: (H, H); b: (H,); readout: (H,) output weights.
    forward: the forward pass to run, ``forward(x, W, U, b)`` on a batch (N, T, D) returning
    every hidden state (N, T, H): lesson 04's own once it passes its check; ``simple_rnn``
    with ``return_sequences=True`` if None.
    Returns ``states`` (T, H), ``outputs`` (T,) = states @ readout, and ``memory`` (T,):
    the size of dh_t/dx_0, how much the hidden state at step t still depends on the first
    input (the Jacobian's Frobenius norm).
    """
    x = np.asarray(x, dtype=np.float64)
    if x.ndim != 2:
        raise ValueError(f"x must be one sequence of shape (T, D), got shape {x.shape}")
    readout = np.asarray(readout, dtype=np.float64)
    if forward is None:
        states = simple_rnn(x[None], W, U, b, return_sequences=True)
    else:
        states = forward(x[None], W, U, b)
    states = np.asarray(states, dtype=np.float64)
    expected = (1, len(x), np.shape(U)[0])
    if states.shape != expected:
        raise ValueError(f"the forward pass returned shape {states.shape} for one sequence of "
                         f"{len(x)} steps; expected {expected}, every hidden state")
    states = states[0]
    if readout.shape != (states.shape[1],):
        raise ValueError(f"readout must have shape ({states.shape[1]},), got {readout.shape}")
    U = np.asarray(U, dtype=np.float64)
    jacobian = (1.0 - states[0] ** 2)[:, None] * np.asarray(W, dtype=np.float64).T  # (H, D)
    memory = np.empty(len(x))
    memory[0] = np.linalg.norm(jacobian)
    for t in range(1, len(x)):
        jacobian = (1.0 - states[t] ** 2)[:, None] * (U.T @ jacobian)
        memory[t] = np.linalg.norm(jacobian)
    return {"states": states, "outputs": states @ readout, "memory": memory}


# ---------------------------------------------------------------- input checks
# One helper per function above, in the same order, then the checks they share. Each returns
# the arguments ready for the computation, or raises the error a learner can act on.


def _step_inputs(x_t: object, h_prev: object, W: object, U: object, b: object
                 ) -> tuple[np.ndarray, ...]:
    """rnn_step's x_t (N, D), h_prev (N, H), W, U and b as float64 arrays that fit together."""
    x_t = finite_array(x_t, "x_t", 2, "(N, D)")
    h_prev = finite_array(h_prev, "h_prev", 2, "(N, H)")
    W, U, b = _weights(W, U, b, x_t.shape[1])
    if h_prev.shape != (x_t.shape[0], U.shape[0]):
        raise ValueError(f"h_prev must have shape (N, H) = ({x_t.shape[0]}, {U.shape[0]}), "
                         f"got {h_prev.shape}")
    return x_t, h_prev, W, U, b


def _sequence_inputs(x: object, W: object, U: object, b: object, h0: object
                     ) -> tuple[np.ndarray, ...]:
    """simple_rnn's x (N, T, D) with T >= 1, W, U, b, and h0 (N, H), zeros if None."""
    x = finite_array(x, "x", 3, "(N, T, D)")
    if x.shape[1] == 0:
        raise ValueError("x has no time steps (T = 0): a sequence needs at least one step")
    W, U, b = _weights(W, U, b, x.shape[2])
    return x, W, U, b, _initial_state(h0, x.shape[0], U.shape[0])


def _bptt_inputs(x: object, W: object, U: object, b: object, h0: object, upstream: object,
                 truncate: object) -> tuple[Any, ...]:
    """bptt's arguments: simple_rnn's, then upstream (N, H), ones if None, and truncate."""
    x, W, U, b, h0 = _sequence_inputs(x, W, U, b, h0)
    batch = x.shape[0]
    if upstream is None:
        upstream = np.ones((batch, U.shape[0]))
    upstream = finite_array(upstream, "upstream", 2, "(N, H)")
    if upstream.shape != (batch, U.shape[0]):
        raise ValueError(f"upstream must have the shape of h_T, ({batch}, {U.shape[0]}), "
                         f"got {upstream.shape}")
    if truncate is not None:
        truncate = _arrays.positive_int(truncate, "truncate",
                                        hint="a number of steps, or None for every step")
    return x, W, U, b, h0, upstream, truncate


def _clip_inputs(gradients: list[object], max_norm: object) -> tuple[list[np.ndarray], float]:
    """clip_by_global_norm's gradients as finite float64 arrays, and max_norm, a number > 0."""
    max_norm = _arrays.non_negative_number(max_norm, "max_norm", zero_allowed=False)
    arrays = [finite_array(gradient, f"gradients[{index}]", np.ndim(gradient), "any shape")
              for index, gradient in enumerate(gradients)]
    return arrays, max_norm


def _rescaling_inputs(U: object, radius: object) -> tuple[np.ndarray, float]:
    """with_spectral_radius's U, square with a spectral radius above 0, and radius >= 0."""
    U = _square(U, "U")
    radius = _arrays.non_negative_number(radius, "radius")
    if spectral_radius(U) == 0:
        raise ValueError("U has spectral radius 0 (all eigenvalues are zero): it cannot be "
                         "rescaled; start from a random or orthogonal matrix")
    return U, radius


def _square(U: object, name: str) -> np.ndarray:
    """U as a finite float64 matrix (H, H)."""
    U = finite_array(U, name, 2, "(H, H)")
    if U.shape[0] != U.shape[1]:
        raise ValueError(f"U must be square (H, H), got {U.shape}")
    return U


def _weights(W: object, U: object, b: object, inputs: int) -> tuple[np.ndarray, ...]:
    """W (D, H), U (H, H) and b (H,) as float64 arrays that fit ``inputs`` features (D)."""
    W = finite_array(W, "W (kernel)", 2, "(D, H)")
    U = finite_array(U, "U (recurrent_kernel)", 2, "(H, H)")
    b = finite_array(b, "b (bias)", 1, "(H,)")
    units = U.shape[0]
    if U.shape != (units, units):
        raise ValueError(f"U must be square (H, H), got {U.shape}")
    if W.shape != (inputs, units):
        raise ValueError(f"W must have shape (D, H) = ({inputs}, {units}) for inputs with "
                         f"D={inputs} features and U of shape {U.shape}, got {W.shape}: "
                         "is W transposed? Keras' kernel is (input features, units)")
    if b.shape != (units,):
        raise ValueError(f"b must have shape ({units},), got {b.shape}")
    return W, U, b


def _initial_state(h0: object, batch: int, units: int) -> np.ndarray:
    """h0 as a float64 array (N, H), zeros if None."""
    if h0 is None:
        return np.zeros((batch, units))
    h0 = finite_array(h0, "h0", 2, "(N, H)")
    if h0.shape != (batch, units):
        raise ValueError(f"h0 must have shape (N, H) = ({batch}, {units}), got {h0.shape}")
    return h0
