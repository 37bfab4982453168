"""The numpy recurrence equals keras.layers.SimpleRNN; its backward pass equals GradientTape."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from course_utils import recurrence

keras = pytest.importorskip("keras")
tf = pytest.importorskip("tensorflow")


def _random_layer(units: int, features: int, seed: int, radius: float | None = None):
    """A built SimpleRNN with random (non-zero) weights, and those weights."""
    rng = np.random.default_rng(seed)
    layer = keras.layers.SimpleRNN(units, return_sequences=True)
    layer.build((None, None, features))
    W = rng.normal(0, 0.5, (features, units))
    U = recurrence.recurrent_matrix(units, radius, seed=seed) if radius else \
        rng.normal(0, 0.5, (units, units))
    b = rng.normal(0, 0.3, units)
    layer.set_weights([W.astype("float32"), U.astype("float32"), b.astype("float32")])
    return layer, [np.asarray(w) for w in layer.get_weights()]


@settings(max_examples=20, deadline=None)
@given(batch=st.integers(1, 4), steps=st.integers(1, 9), features=st.integers(1, 5),
       units=st.integers(1, 6), seed=st.integers(0, 10_000))
def test_simple_rnn_equals_keras(batch, steps, features, units, seed):
    layer, (W, U, b) = _random_layer(units, features, seed)
    x = np.random.default_rng(seed + 1).normal(size=(batch, steps, features)).astype("float32")
    expected = np.asarray(layer(x))
    states = recurrence.simple_rnn(x, W, U, b, return_sequences=True)
    assert states.shape == (batch, steps, units)
    np.testing.assert_allclose(states, expected, atol=1e-5)
    last = recurrence.simple_rnn(x, W, U, b)
    assert last.shape == (batch, units)
    np.testing.assert_allclose(last, expected[:, -1], atol=1e-5)


def test_initial_state_matches_keras():
    layer, (W, U, b) = _random_layer(units=3, features=2, seed=5)
    rng = np.random.default_rng(6)
    x = rng.normal(size=(2, 4, 2)).astype("float32")
    h0 = rng.uniform(-1, 1, (2, 3)).astype("float32")
    expected = np.asarray(layer(x, initial_state=[h0]))
    np.testing.assert_allclose(recurrence.simple_rnn(x, W, U, b, h0=h0, return_sequences=True),
                               expected, atol=1e-5)


def test_step_is_one_column_of_the_sequence():
    _, (W, U, b) = _random_layer(units=4, features=3, seed=1)
    x = np.random.default_rng(2).normal(size=(2, 5, 3))
    states = recurrence.simple_rnn(x, W, U, b, return_sequences=True)
    np.testing.assert_allclose(recurrence.rnn_step(x[:, 3], states[:, 2], W, U, b), states[:, 3])


@pytest.mark.parametrize("input_dim, units", [(1, 1), (2, 32), (28, 64)])
def test_parameter_count_equals_keras(input_dim, units):
    model = keras.Sequential([keras.Input((5, input_dim)), keras.layers.SimpleRNN(units)])
    assert recurrence.simple_rnn_parameter_count(input_dim, units) == model.count_params()


@pytest.mark.parametrize("units", [0, -3, 2.5, True])
def test_parameter_count_refuses_bad_sizes(units):
    with pytest.raises(ValueError, match="units must be a positive int"):
        recurrence.simple_rnn_parameter_count(4, units)


def _tape_gradients(x, W, U, b, h0, upstream, truncate=None):
    """The gradients of sum(h_T * upstream) by TensorFlow's GradientTape, in float64, in the
    order of recurrence.bptt's fields; with ``truncate`` = k, the state entering the last k
    steps is held constant (tf.stop_gradient), as a framework training on windows does."""
    variables = [tf.Variable(np.asarray(value, dtype="float64")) for value in (x, W, U, b, h0)]
    with tf.GradientTape() as tape:
        x_var, W_var, U_var, b_var, h_var = variables
        for t in range(x.shape[1]):
            if truncate is not None and t == x.shape[1] - truncate:
                h_var = tf.stop_gradient(h_var)
            h_var = tf.tanh(x_var[:, t] @ W_var + h_var @ U_var + b_var)
        loss = tf.reduce_sum(h_var * upstream)
    return [gradient.numpy() for gradient in
            tape.gradient(loss, variables, unconnected_gradients="zero")]


@pytest.mark.parametrize("radius", [0.5, 1.0, 1.5])
def test_bptt_equals_gradient_tape(radius):
    layer, (W, U, b) = _random_layer(units=5, features=2, seed=3, radius=radius)
    rng = np.random.default_rng(4)
    x = rng.normal(size=(3, 12, 2))
    h0 = rng.uniform(-0.5, 0.5, (3, 5))
    upstream = rng.normal(size=(3, 5))
    expected = _tape_gradients(x, W, U, b, h0, upstream)
    got = recurrence.bptt(x, W, U, b, h0=h0, upstream=upstream)
    for name, mine, theirs in zip(got._fields, got, expected, strict=True):
        np.testing.assert_allclose(mine, theirs, rtol=1e-6, atol=1e-10, err_msg=name)


def test_bptt_input_gradient_equals_keras_layer_gradient():
    layer, (W, U, b) = _random_layer(units=4, features=3, seed=8)
    x = tf.Variable(np.random.default_rng(9).normal(size=(2, 7, 3)).astype("float32"))
    with tf.GradientTape() as tape:
        loss = tf.reduce_sum(layer(x)[:, -1])
    expected = tape.gradient(loss, x).numpy()
    np.testing.assert_allclose(recurrence.bptt(x.numpy(), W, U, b).x, expected, atol=1e-5)


def test_gradient_norms_vanish_and_explode_with_the_radius():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(16, 30, 1))
    W = rng.normal(0, 0.3, (1, 16))
    b = np.zeros(16)
    small = recurrence.input_gradient_norms(x, W, recurrence.recurrent_matrix(16, 0.5), b)
    large = recurrence.input_gradient_norms(x, W, recurrence.recurrent_matrix(16, 2.0), b)
    assert small.shape == large.shape == (30,)
    assert small[0] < 1e-6 * small[-1]  # the first step barely reaches the end
    assert large[0] > 10 * large[-1]


def test_spectral_radius_helpers():
    U = recurrence.recurrent_matrix(6, 1.3, seed=2)
    assert recurrence.spectral_radius(U) == pytest.approx(1.3)
    np.testing.assert_allclose(U.T @ U, 1.3**2 * np.eye(6), atol=1e-12)
    V = np.random.default_rng(1).normal(size=(5, 5))
    assert recurrence.spectral_radius(recurrence.with_spectral_radius(V, 0.7)) == pytest.approx(0.7)
    assert recurrence.spectral_radius(np.diag([0.2, -0.9])) == pytest.approx(0.9)


@pytest.mark.parametrize("x, W, U, b, match", [
    (np.zeros((4, 3)), np.zeros((3, 2)), np.zeros((2, 2)), np.zeros(2), r"\(N, T, D\)"),
    (np.zeros((1, 4, 3)), np.zeros((2, 3)), np.zeros((3, 3)), np.zeros(3), "transposed"),
    (np.zeros((1, 4, 3)), np.zeros((3, 2)), np.zeros((2, 3)), np.zeros(2), "square"),
    (np.zeros((1, 4, 3)), np.zeros((3, 2)), np.zeros((2, 2)), np.zeros(3), r"b must have shape \(2,\)"),
    (np.full((1, 4, 3), np.nan), np.zeros((3, 2)), np.zeros((2, 2)), np.zeros(2), "NaN"),
    (np.zeros((1, 4, 3)), np.zeros((3, 2)), np.full((2, 2), np.inf), np.zeros(2), "infinite"),
    (np.zeros((1, 0, 3)), np.zeros((3, 2)), np.zeros((2, 2)), np.zeros(2), "no time steps"),
])
def test_bad_input_is_explained(x, W, U, b, match):
    with pytest.raises(ValueError, match=match):
        recurrence.simple_rnn(x, W, U, b)
    with pytest.raises(ValueError, match=match):
        recurrence.bptt(x, W, U, b)


def test_bad_states_and_radii_are_explained():
    W, U, b = np.zeros((3, 2)), np.eye(2), np.zeros(2)
    with pytest.raises(ValueError, match=r"h0 must have shape \(N, H\) = \(1, 2\)"):
        recurrence.simple_rnn(np.zeros((1, 4, 3)), W, U, b, h0=np.zeros((2, 2)))
    with pytest.raises(ValueError, match=r"h_prev must have shape"):
        recurrence.rnn_step(np.zeros((1, 3)), np.zeros((1, 3)), W, U, b)
    with pytest.raises(ValueError, match="upstream"):
        recurrence.bptt(np.zeros((1, 4, 3)), W, U, b, upstream=np.ones((1, 3)))
    with pytest.raises(ValueError, match="radius 0"):
        recurrence.with_spectral_radius(np.zeros((2, 2)), 1.0)
    with pytest.raises(ValueError, match="radius must be"):
        recurrence.recurrent_matrix(3, -1.0)
    with pytest.raises(ValueError, match="units must be"):
        recurrence.recurrent_matrix(0, 1.0)


@pytest.mark.parametrize("truncate", [1, 4, 9])
def test_truncated_bptt_equals_gradient_tape_with_a_stopped_state(truncate):
    """Truncated BPTT is the full backward pass with the state entering the window held
    constant (tf.stop_gradient), the way a framework trains on windows."""
    _, (W, U, b) = _random_layer(units=5, features=2, seed=11, radius=1.5)
    rng = np.random.default_rng(12)
    x = rng.normal(size=(3, 10, 2))
    h0 = rng.uniform(-0.5, 0.5, (3, 5))
    upstream = rng.normal(size=(3, 5))
    expected = _tape_gradients(x, W, U, b, h0, upstream, truncate=truncate)
    got = recurrence.bptt(x, W, U, b, h0=h0, upstream=upstream, truncate=truncate)
    for name, mine, theirs in zip(got._fields, got, expected, strict=True):
        np.testing.assert_allclose(mine, theirs, rtol=1e-6, atol=1e-10, err_msg=name)
    assert not got.x[:, :-truncate].any(), "older inputs get exactly zero"
    assert got.x[:, -truncate:].all()


def test_truncation_longer_than_the_sequence_changes_nothing():
    _, (W, U, b) = _random_layer(units=4, features=3, seed=13, radius=2.0)
    x = np.random.default_rng(14).normal(size=(2, 6, 3))
    full = recurrence.bptt(x, W, U, b)
    for truncate in (6, 50):
        for name, mine, theirs in zip(full._fields, recurrence.bptt(x, W, U, b, truncate=truncate),
                                      full, strict=True):
            np.testing.assert_array_equal(mine, theirs, err_msg=name)


def test_truncation_bounds_the_exploding_gradient():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(16, 60, 1))
    W = rng.normal(0, 0.3, (1, 16))
    U = recurrence.recurrent_matrix(16, 2.0)
    full = np.linalg.norm(recurrence.bptt(x, W, U, np.zeros(16)).U)
    truncated = np.linalg.norm(recurrence.bptt(x, W, U, np.zeros(16), truncate=10).U)
    assert truncated < full / 100


@pytest.mark.parametrize("truncate", [0, -2, 2.5, "10"])
def test_bad_truncation_is_explained(truncate):
    with pytest.raises(ValueError, match="truncate must be"):
        recurrence.bptt(np.zeros((1, 4, 3)), np.zeros((3, 2)), np.eye(2), np.zeros(2),
                       truncate=truncate)


def unroll_weights(units=6, features=1, seed=0):
    """W, U, b of a small layer whose U has spectral radius 1 (lesson 04's memory example)."""
    rng = np.random.default_rng(seed)
    W = rng.uniform(-0.5, 0.5, (features, units))
    return W, recurrence.recurrent_matrix(units, 1.0, seed=seed), np.zeros(units)


def pulse(steps=12, height=1.0):
    """One sequence (steps, 1): a single input of ``height`` at the first step, then zeros."""
    x = np.zeros((steps, 1))
    x[0, 0] = height
    return x


def test_unroll_matches_the_reference_and_finite_differences():
    W, U, b = unroll_weights()
    x = np.random.default_rng(1).normal(size=(10, 1))
    readout = np.linspace(-1, 1, 6)
    run = recurrence.unroll(x, W, U, b, readout)
    states = recurrence.simple_rnn(x[None], W, U, b, return_sequences=True)[0]
    np.testing.assert_allclose(run["states"], states)
    np.testing.assert_allclose(run["outputs"], states @ readout)
    epsilon = 1e-6
    nudged = x.copy()
    nudged[0, 0] += epsilon
    moved = recurrence.simple_rnn(nudged[None], W, U, b, return_sequences=True)[0]
    np.testing.assert_allclose(run["memory"], np.linalg.norm((moved - states) / epsilon, axis=1),
                               rtol=1e-4)


def test_memory_fades_below_radius_one_and_grows_above():
    W, U, b = unroll_weights()
    fading = recurrence.unroll(pulse(30), W, 0.5 * U, b, np.ones(6))["memory"]
    # a small pulse keeps tanh near its linear part, where radius 2 doubles it every step
    growing = recurrence.unroll(pulse(30, height=1e-4), W, 2.0 * U, b, np.ones(6))["memory"]
    assert fading[-1] < 1e-6 * fading[0]
    assert growing[6] > 30 * growing[0]


def test_unroll_explains_bad_input():
    W, U, b = unroll_weights()
    with pytest.raises(ValueError, match=r"\(T, D\)"):
        recurrence.unroll(np.zeros(5), W, U, b, np.ones(6))
    with pytest.raises(ValueError, match=r"readout must have shape \(6,\)"):
        recurrence.unroll(pulse(), W, U, b, np.ones(4))


def test_a_forward_pass_with_the_wrong_shape_is_named():
    W, U, b = unroll_weights()
    with pytest.raises(ValueError, match="every hidden state"):
        recurrence.unroll(pulse(), W, U, b, np.ones(6), forward=lambda x, W, U, b: x)
