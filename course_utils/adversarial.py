"""The adversarial game on 2-D points (lesson 07): data, the mode-coverage measure, small
generator and discriminator builders, numpy references of the three GAN losses, and the
game's moves in TensorFlow: one whole round (``make_train_step``), or D's and G's moves
apart with what the explorer draws (``make_discriminator_step``, ``make_generator_step``,
``make_probe``).

The losses take the discriminator's *probabilities* D(x) in (0, 1), as the lesson writes
them; they clip to [1e-7, 1 - 1e-7] like Keras' ``BinaryCrossentropy`` so the two agree.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from course_utils._arrays import (
    fraction,
    given,
    non_negative_int,
    non_negative_number,
    positive_int,
    run_first,
)

__all__ = [
    "ring_centers", "ring_of_gaussians", "grid_centers", "grid_of_gaussians", "spiral",
    "mode_coverage", "make_generator", "make_discriminator",
    "discriminator_loss", "generator_loss_minimax", "generator_loss_non_saturating",
    "make_train_step", "make_discriminator_step", "make_generator_step", "make_probe",
    "GENERATOR_LOSSES", "play_rounds", "play_seeds",
]

_EPSILON = 1e-7
GENERATOR_LOSSES = ("non_saturating", "minimax")


def ring_centers(modes: int = 8, radius: float = 2.0) -> np.ndarray:
    """The centres of ``modes`` Gaussians evenly spaced on a circle: shape (modes, 2)."""
    modes = positive_int(modes, "modes")
    radius = non_negative_number(radius, "radius", zero_allowed=False)
    angles = 2 * np.pi * np.arange(modes) / modes
    return (radius * np.stack([np.cos(angles), np.sin(angles)], axis=1)).astype(np.float32)


def ring_of_gaussians(num_points: int, modes: int = 8, radius: float = 2.0,
                      std: float = 0.05, seed: int = 0) -> np.ndarray:
    """Points from ``modes`` equally likely Gaussians on a circle: shape (num_points, 2)."""
    return _mixture(ring_centers(modes, radius), num_points, std, seed)


def grid_centers(side: int = 5, spacing: float = 1.0) -> np.ndarray:
    """The centres of a ``side`` x ``side`` grid around the origin: shape (side**2, 2)."""
    side = positive_int(side, "side")
    spacing = non_negative_number(spacing, "spacing", zero_allowed=False)
    axis = (np.arange(side) - (side - 1) / 2) * spacing
    x, y = np.meshgrid(axis, axis)
    return np.stack([x.ravel(), y.ravel()], axis=1).astype(np.float32)


def grid_of_gaussians(num_points: int, side: int = 5, spacing: float = 1.0,
                      std: float = 0.05, seed: int = 0) -> np.ndarray:
    """Points from ``side**2`` equally likely Gaussians on a grid: shape (num_points, 2)."""
    return _mixture(grid_centers(side, spacing), num_points, std, seed)


def _mixture(centers: np.ndarray, num_points: int, std: float, seed: int) -> np.ndarray:
    """Points from equally likely Gaussians of spread ``std`` at ``centers``: (num_points, 2)."""
    num_points = positive_int(num_points, "num_points")
    std = non_negative_number(std, "std", zero_allowed=False)
    rng = np.random.default_rng(seed)
    which = rng.integers(0, len(centers), size=num_points)
    return (centers[which] + std * rng.standard_normal((num_points, 2))).astype(np.float32)


def spiral(num_points: int, turns: float = 1.5, radius: float = 2.0, noise: float = 0.05,
           seed: int = 0) -> np.ndarray:
    """Points along an Archimedean spiral, uniformly in angle, plus Gaussian noise: (N, 2).

    A spiral has no separate modes: ``mode_coverage`` does not apply to it.
    """
    num_points = positive_int(num_points, "num_points")
    turns = non_negative_number(turns, "turns", zero_allowed=False)
    radius = non_negative_number(radius, "radius", zero_allowed=False)
    if noise < 0:
        raise ValueError(f"noise must be >= 0, got {noise!r}")
    rng = np.random.default_rng(seed)
    fraction = rng.uniform(0.1, 1.0, size=num_points)
    angle = 2 * np.pi * turns * fraction
    points = np.stack([radius * fraction * np.cos(angle), radius * fraction * np.sin(angle)], 1)
    return (points + noise * rng.standard_normal((num_points, 2))).astype(np.float32)


def mode_coverage(samples: np.ndarray, centers: np.ndarray, std: float,
                  quality_radius: float = 3.0, fair_share: float = 0.25) -> dict[str, Any]:
    """How well generated points cover a mixture of Gaussians (lesson 07).

    samples: (N, 2) generated points; centers: (K, 2) the mixture's means; std: its spread.
    A point is of *high quality* when it lies within ``quality_radius`` standard deviations
    of its nearest centre. A mode is *covered* when it receives at least ``fair_share`` of
    the N / K points it would get if the generator matched the mixture.

    Returns a dict: ``modes_covered`` (int, 0..K), ``high_quality`` (share of the N points,
    0..1) and ``counts`` (K ints, the high-quality points next to each centre).
    """
    data_first = run_first("The data: points in the plane")
    given(samples, "samples", "generated points of shape (N, 2)",
          "run the cell that generates them first")
    given(centers, "centers", "the mixture's means of shape (K, 2)", data_first)
    samples = np.asarray(samples, dtype=np.float64)
    centers = np.asarray(centers, dtype=np.float64)
    if samples.ndim != 2 or samples.shape[1] != 2 or len(samples) == 0:
        raise ValueError(f"samples must have shape (N, 2) with N >= 1, got {samples.shape}: "
                         "pass the generated points, one row per point")
    if centers.ndim != 2 or centers.shape[1] != 2 or len(centers) == 0:
        raise ValueError(f"centers must have shape (K, 2), got {centers.shape}: "
                         f"use ring_centers(...) or grid_centers(...), or {data_first}")
    if not np.all(np.isfinite(samples)):
        raise ValueError("samples contain NaN or infinity: training has diverged")
    std = non_negative_number(std, "std", zero_allowed=False)
    fair_share = fraction(fair_share, "fair_share", low_open=True)
    distances = np.linalg.norm(samples[:, None, :] - centers[None, :, :], axis=2)
    nearest = distances.argmin(axis=1)
    good = distances[np.arange(len(samples)), nearest] <= quality_radius * std
    counts = np.bincount(nearest[good], minlength=len(centers))
    needed = fair_share * len(samples) / len(centers)
    return {"modes_covered": int((counts >= needed).sum()),
            "high_quality": float(good.mean()),
            "counts": counts.tolist()}


def _dense_stack(input_dim: int, hidden_units: int, num_hidden_layers: int, output_dim: int,
                 seed: int | None, name: str) -> Any:
    """input_dim -> num_hidden_layers x Dense(hidden_units, relu) -> Dense(output_dim), linear.

    With a seed, layer i is initialised with seed + i, so a game can be replayed exactly.
    """
    import keras

    init = keras.initializers.GlorotUniform
    inputs = keras.Input(shape=(input_dim,))
    x = inputs
    for index in range(num_hidden_layers):
        x = keras.layers.Dense(hidden_units, activation="relu",
                               kernel_initializer=init(None if seed is None else seed + index))(x)
    outputs = keras.layers.Dense(output_dim, kernel_initializer=init(
        None if seed is None else seed + num_hidden_layers))(x)
    return keras.Model(inputs, outputs, name=name)


def make_generator(noise_dim: int = 2, hidden_units: int = 64, num_hidden_layers: int = 2,
                   output_dim: int = 2, seed: int | None = None) -> Any:
    """A small dense generator: noise (N, noise_dim) -> points (N, output_dim) (lesson 07)."""
    return _dense_stack(positive_int(noise_dim, "noise_dim"),
                        positive_int(hidden_units, "hidden_units"),
                        positive_int(num_hidden_layers, "num_hidden_layers"),
                        positive_int(output_dim, "output_dim"), seed, name="generator")


def make_discriminator(input_dim: int = 2, hidden_units: int = 64, num_hidden_layers: int = 2,
                       seed: int | None = None) -> Any:
    """A small dense discriminator: points (N, input_dim) -> logits (N, 1) (lesson 07).

    It returns the logit l; the probability that x is real is D(x) = sigmoid(l).
    """
    return _dense_stack(positive_int(input_dim, "input_dim"),
                        positive_int(hidden_units, "hidden_units"),
                        positive_int(num_hidden_layers, "num_hidden_layers"),
                        1, seed, name="discriminator")


def _probabilities(name: str, values: Any) -> np.ndarray:
    given(values, name, "the discriminator's probabilities for a batch",
          run_first("The two players and their losses"))
    array = np.asarray(values, dtype=np.float64)
    if array.size == 0:
        raise ValueError(f"{name} is empty: pass the discriminator's outputs for a batch")
    if not np.all(np.isfinite(array)) or array.min() < 0 or array.max() > 1:
        raise ValueError(f"{name} must hold probabilities in [0, 1], got values from "
                         f"{np.nanmin(array):.3g} to {np.nanmax(array):.3g}: "
                         "apply a sigmoid to the discriminator's logits first")
    return np.clip(array, _EPSILON, 1 - _EPSILON)


def discriminator_loss(real_probability: Any, fake_probability: Any) -> float:
    """-mean log D(x) - mean log(1 - D(G(z))): real points labelled 1, generated 0.

    real_probability: D(x) for a batch of real points, any shape; fake_probability: D(G(z)).
    Equal to BinaryCrossentropy()(ones, real) + BinaryCrossentropy()(zeros, fake).
    """
    real = _probabilities("real_probability", real_probability)
    fake = _probabilities("fake_probability", fake_probability)
    return float(-np.mean(np.log(real)) - np.mean(np.log(1 - fake)))


def generator_loss_minimax(fake_probability: Any) -> float:
    """mean log(1 - D(G(z))): the original game's generator loss (to minimise).

    Equal to -BinaryCrossentropy()(zeros, fake). Its gradient vanishes when D(G(z)) is near 0,
    that is exactly when the generator is bad and needs it most.
    """
    fake = _probabilities("fake_probability", fake_probability)
    return float(np.mean(np.log(1 - fake)))


def generator_loss_non_saturating(fake_probability: Any) -> float:
    """-mean log D(G(z)): the non-saturating generator loss used in practice (to minimise).

    Equal to BinaryCrossentropy()(ones, fake): generated points labelled as real.
    """
    fake = _probabilities("fake_probability", fake_probability)
    return float(-np.mean(np.log(fake)))


def make_train_step(generator: Any, discriminator: Any, generator_optimizer: Any,
                    discriminator_optimizer: Any, generator_loss: str = "non_saturating") -> Any:
    """One round of the game, compiled: ``train_step(x_real, z_for_d, z_for_g)``.

    D's move first: real points labelled 1, the points G makes from ``z_for_d`` labelled 0,
    binary cross-entropy on D's logits, a step on D's weights only. Then G's move, against D
    as it is after its move: the points G makes from ``z_for_g``, G's loss (``"non_saturating"``,
    -mean log D(G(z)), or ``"minimax"``, mean log(1 - D(G(z)))), a step on G's weights only.
    Returns (d_loss, g_loss, mean D(real), mean D(generated)), the last from G's move.
    """
    import keras
    import tensorflow as tf

    if generator_loss not in GENERATOR_LOSSES:
        raise ValueError(f"generator_loss must be one of {GENERATOR_LOSSES}, "
                         f"got {generator_loss!r}")
    bce_logits = keras.losses.BinaryCrossentropy(from_logits=True)

    @tf.function
    def train_step(x_real, z_for_d, z_for_g):
        with tf.GradientTape() as tape:
            real_logits = discriminator(x_real, training=True)
            fake_logits = discriminator(generator(z_for_d, training=True), training=True)
            d_loss = (bce_logits(tf.ones_like(real_logits), real_logits)
                      + bce_logits(tf.zeros_like(fake_logits), fake_logits))
        d_gradients = tape.gradient(d_loss, discriminator.trainable_variables)
        discriminator_optimizer.apply_gradients(
            zip(d_gradients, discriminator.trainable_variables))
        with tf.GradientTape() as tape:
            fake_logits = discriminator(generator(z_for_g, training=True), training=True)
            if generator_loss == "non_saturating":
                g_loss = bce_logits(tf.ones_like(fake_logits), fake_logits)
            else:
                g_loss = -bce_logits(tf.zeros_like(fake_logits), fake_logits)
        g_gradients = tape.gradient(g_loss, generator.trainable_variables)
        generator_optimizer.apply_gradients(zip(g_gradients, generator.trainable_variables))
        return (d_loss, g_loss, tf.reduce_mean(tf.sigmoid(real_logits)),
                tf.reduce_mean(tf.sigmoid(fake_logits)))

    return train_step


def _generator_loss_on_logits(fake_logits: Any, kind: str) -> Any:
    """G's loss on D's logits for generated points: "minimax" or "non_saturating"."""
    import keras
    import tensorflow as tf

    bce = keras.losses.BinaryCrossentropy(from_logits=True)
    if kind == "minimax":  # mean log(1 - D(G(z)))
        return -bce(tf.zeros_like(fake_logits), fake_logits)
    return bce(tf.ones_like(fake_logits), fake_logits)  # -mean log D(G(z))


def make_discriminator_step(generator: Any, discriminator: Any, optimizer: Any) -> Any:
    """D's move alone, compiled (lesson 07's explorer plays D and G steps separately): real
    points labelled 1, generated ones 0; returns the loss and D's mean output on each."""
    import keras
    import tensorflow as tf

    bce = keras.losses.BinaryCrossentropy(from_logits=True)

    @tf.function
    def discriminator_step(x_real, z):
        with tf.GradientTape() as tape:
            real_logits = discriminator(x_real, training=True)
            fake_logits = discriminator(generator(z, training=True), training=True)
            loss = (bce(tf.ones_like(real_logits), real_logits)
                    + bce(tf.zeros_like(fake_logits), fake_logits))
        variables = discriminator.trainable_variables
        optimizer.apply_gradients(zip(tape.gradient(loss, variables), variables))
        return loss, tf.reduce_mean(tf.sigmoid(real_logits)), tf.reduce_mean(
            tf.sigmoid(fake_logits))

    return discriminator_step


def make_generator_step(generator: Any, discriminator: Any, optimizer: Any, kind: str) -> Any:
    """G's move with its loss ``kind``, compiled; returns the loss."""
    import tensorflow as tf

    @tf.function
    def generator_step(z):
        with tf.GradientTape() as tape:
            loss = _generator_loss_on_logits(discriminator(generator(z, training=True), training=True),
                                   kind)
        variables = generator.trainable_variables
        optimizer.apply_gradients(zip(tape.gradient(loss, variables), variables))
        return loss

    return generator_step


def make_probe(generator: Any, discriminator: Any) -> Any:
    """Compiled once per pair of networks: D(x) on a grid, the points G makes from z, and
    the push on each point (minus the gradient of G's loss) for both losses."""
    import tensorflow as tf

    @tf.function
    def probe(grid, z):
        surface = tf.sigmoid(discriminator(grid, training=False))
        points = generator(z, training=False)
        pushes = {}
        for kind in GENERATOR_LOSSES:
            with tf.GradientTape() as tape:
                tape.watch(points)
                loss = _generator_loss_on_logits(discriminator(points, training=False), kind)
            pushes[kind] = -tape.gradient(loss, points)
        return surface, points, pushes

    return probe

def play_rounds(d_step: Any, g_step: Any, images: Any, rounds: int, batch_size: int,
                latent_dim: int, rng: np.random.Generator, d_steps: int = 1) -> np.ndarray:
    """The alternating training loop of a GAN (lesson 08), for any pair of moves.

    A round is ``d_steps`` moves of D, each on its own batch of ``batch_size`` real images
    drawn at random (with replacement) from ``images`` and its own standard normal noise
    (batch_size, latent_dim), then one move of G on fresh noise; all drawn from ``rng``.
    ``d_step(real_batch, noise)`` and ``g_step(noise)`` make one move and return its loss.
    Returns the losses, shape (rounds, 2): D's last loss of each round, and G's.
    """
    images = np.asarray(images)
    rounds, batch_size = positive_int(rounds, "rounds"), positive_int(batch_size, "batch_size")
    latent_dim, d_steps = positive_int(latent_dim, "latent_dim"), positive_int(d_steps, "d_steps")
    losses = []
    for _ in range(rounds):
        for _ in range(d_steps):
            real_batch = images[rng.integers(0, len(images), size=batch_size)]
            d_loss = d_step(real_batch, rng.standard_normal((batch_size, latent_dim),
                                                            dtype=np.float32))
        g_loss = g_step(rng.standard_normal((batch_size, latent_dim), dtype=np.float32))
        losses.append((float(d_loss), float(g_loss)))
    return np.array(losses)


def _built_adam(learning_rate: float, model: Any) -> Any:
    """Adam (beta_1 = 0.5) with its slots made now: tracing a step that makes them costs twice."""
    import keras

    optimizer = keras.optimizers.Adam(learning_rate, beta_1=0.5)
    optimizer.build(model.trainable_variables)
    return optimizer


def play_seeds(points: np.ndarray, centers: np.ndarray, std: float, seeds: Sequence[int],
               num_rounds: int, generator_losses: Sequence[str] = GENERATOR_LOSSES,
               record_every: int = 100, warmup_steps: int = 0,
               generator_learning_rate: float = 2e-3, discriminator_learning_rate: float = 2e-3,
               noise_scale: float = 1.0, noise_dim: int = 2, batch_size: int = 256,
               num_probe_points: int = 2000,
               train_step_maker: Callable[..., Any] | None = None) -> dict[str, Any]:
    """Play the 2-D game once per seed and loss, and count the modes covered (lesson 07).

    points: (N, 2) real points; centers: (K, 2) their modes; std: the modes' spread.
    For each seed s: a generator and a discriminator of 64 units per layer, initialised with
    s and s + 100; first D alone for ``warmup_steps`` steps against the frozen G (a confident
    D); then, from that same start, one game per generator loss for ``num_rounds`` rounds,
    every game of a seed on the same batches (``batch_size`` real points from ``points``,
    standard normal noise times ``noise_scale``), Adam with beta_1 = 0.5 for both players.
    Every ``record_every`` rounds G makes ``num_probe_points`` points from fixed noise and
    ``mode_coverage`` measures them. All games step together in one compiled call.
    ``train_step_maker`` builds a round (default ``make_train_step``).

    Returns a dict: ``rounds`` (R,) the rounds measured; ``modes_covered`` and
    ``high_quality``, each {loss: array of shape (len(seeds), R)}; ``points``, {loss: array
    of shape (len(seeds), num_probe_points, 2)}, the points of the last measurement.
    """
    import keras
    import tensorflow as tf

    seeds = [int(seed) for seed in seeds]
    if not seeds or len(set(seeds)) != len(seeds):
        raise ValueError(f"seeds must be distinct ints, at least one, got {seeds!r}")
    unknown = [name for name in generator_losses if name not in GENERATOR_LOSSES]
    if unknown or not generator_losses:
        raise ValueError(f"generator_losses must be some of {GENERATOR_LOSSES}, "
                         f"got {tuple(generator_losses)!r}")
    num_rounds = positive_int(num_rounds, "num_rounds")
    record_every = positive_int(record_every, "record_every")
    if record_every > num_rounds:
        raise ValueError(f"record_every ({record_every}) must be at most num_rounds "
                         f"({num_rounds}): nothing would be measured")
    warmup_steps = non_negative_int(warmup_steps, "warmup_steps")
    noise_scale = non_negative_number(noise_scale, "noise_scale", zero_allowed=False)
    batch_size = positive_int(batch_size, "batch_size")
    points = np.asarray(points, dtype=np.float32)
    train_step_maker = train_step_maker or make_train_step
    rngs = [np.random.default_rng(seed) for seed in seeds]

    def noise(rng: np.random.Generator, *shape: int) -> np.ndarray:
        return (noise_scale * rng.standard_normal((*shape, noise_dim))).astype(np.float32)

    def real_batches() -> np.ndarray:
        return np.stack([points[rng.integers(0, len(points), batch_size)] for rng in rngs])

    starts = [(make_generator(noise_dim=noise_dim, seed=seed),
               make_discriminator(input_dim=points.shape[1], seed=seed + 100)) for seed in seeds]
    if warmup_steps:
        bce_logits = keras.losses.BinaryCrossentropy(from_logits=True)
        warmups = [(generator, discriminator,
                    _built_adam(discriminator_learning_rate, discriminator))
                   for generator, discriminator in starts]

        @tf.function
        def discriminator_steps(x_real, z):  # D's move of every seed, G frozen
            for index, (generator, discriminator, optimizer) in enumerate(warmups):
                with tf.GradientTape() as tape:
                    real_logits = discriminator(x_real[index], training=True)
                    fake_logits = discriminator(generator(z[index], training=True),
                                                training=True)
                    d_loss = (bce_logits(tf.ones_like(real_logits), real_logits)
                              + bce_logits(tf.zeros_like(fake_logits), fake_logits))
                variables = discriminator.trainable_variables
                optimizer.apply_gradients(zip(tape.gradient(d_loss, variables), variables))

        for _ in range(warmup_steps):
            discriminator_steps(real_batches(), np.stack([noise(rng, batch_size)
                                                          for rng in rngs]))

    games = []  # (seed index, loss, generator, train step)
    for index, (seed, (generator_start, discriminator_start)) in enumerate(zip(seeds, starts)):
        for loss in generator_losses:
            generator = make_generator(noise_dim=noise_dim, seed=seed)
            discriminator = make_discriminator(input_dim=points.shape[1], seed=seed + 100)
            generator.set_weights(generator_start.get_weights())
            discriminator.set_weights(discriminator_start.get_weights())
            train_step = train_step_maker(
                generator, discriminator, _built_adam(generator_learning_rate, generator),
                _built_adam(discriminator_learning_rate, discriminator), loss)
            games.append((index, loss, generator, train_step))
    seed_of_game = [index for index, *_ in games]

    @tf.function
    def all_rounds(x_real, z):
        for game, (_, _, _, train_step) in enumerate(games):
            train_step(x_real[game], z[game, 0], z[game, 1])

    probe_noise = noise(np.random.default_rng(1), num_probe_points)
    recorded = range(record_every, num_rounds + 1, record_every)
    modes = {loss: np.zeros((len(seeds), len(recorded)), dtype=int) for loss in generator_losses}
    quality = {loss: np.zeros((len(seeds), len(recorded))) for loss in generator_losses}
    last_points = {loss: np.zeros((len(seeds), num_probe_points, 2), dtype=np.float32)
                   for loss in generator_losses}
    for round_number in range(1, num_rounds + 1):
        z = np.stack([noise(rng, 2, batch_size) for rng in rngs])
        all_rounds(real_batches()[seed_of_game], z[seed_of_game])
        if round_number % record_every == 0:
            column = round_number // record_every - 1
            for index, loss, generator, _ in games:
                last_points[loss][index] = generator(probe_noise, training=False).numpy()
                coverage = mode_coverage(last_points[loss][index], centers, std)
                modes[loss][index, column] = coverage["modes_covered"]
                quality[loss][index, column] = coverage["high_quality"]
    return {"rounds": np.array(recorded), "modes_covered": modes, "high_quality": quality,
            "points": last_points}
