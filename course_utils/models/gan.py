"""GANs that draw 28x28 digits: the article's dense pair and a DCGAN (lesson 08).

    article_generator()       Dense(128, relu) on 100-d noise -> Dense(784, sigmoid)
    article_discriminator()   Dense(128, relu) on 784 pixels -> Dense(1, sigmoid)
    dcgan_generator()         transposed convolutions, batch norm, leaky ReLU
    dcgan_discriminator()     strided convolutions, leaky ReLU, dropout; outputs a logit
    GAN                       the alternating game as a keras.Model with its own train_step
    save_checkpoint / restore_checkpoint   resume an interrupted run where it stopped
    load_dcgan_generator()    the DCGAN generator trained by tools/train_dcgan.py, shipped

Images are floats in [0, 1] of shape (N, 28, 28) or (N, 28, 28, 1); the article's models
work on flat vectors of 784 pixels, the DCGAN on (28, 28, 1) images.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import keras
import numpy as np
import tensorflow as tf

from course_utils.models._checkpoint import read_description

__all__ = ["LATENT_DIM", "article_generator", "article_discriminator", "dcgan_generator",
           "dcgan_discriminator", "GAN", "check_noise", "check_images", "save_checkpoint",
           "restore_checkpoint", "load_dcgan_generator", "dcgan_info", "DCGAN_WEIGHTS",
           "DCGAN_INFO"]

LATENT_DIM = 100
_CHECKPOINTS = Path(__file__).resolve().parent.parent / "checkpoints"
DCGAN_WEIGHTS = _CHECKPOINTS / "dcgan_generator.weights.h5"
DCGAN_INFO = _CHECKPOINTS / "dcgan_generator.json"


def article_generator(latent_dim: int = LATENT_DIM) -> keras.Sequential:
    """The article's generator: noise (N, latent_dim) -> flat image (N, 784) in [0, 1].

    The article writes Dense(128, input_dim=100, activation='relu'); in Keras 3 the input
    is declared with keras.Input instead of input_dim.
    """
    return keras.Sequential([
        keras.Input((latent_dim,)),
        keras.layers.Dense(128, activation="relu"),
        keras.layers.Dense(784, activation="sigmoid"),
    ], name="article_generator")


def article_discriminator() -> keras.Sequential:
    """The article's discriminator: flat image (N, 784) -> probability of 'real' (N, 1)."""
    return keras.Sequential([
        keras.Input((784,)),
        keras.layers.Dense(128, activation="relu"),
        keras.layers.Dense(1, activation="sigmoid"),
    ], name="article_discriminator")


def dcgan_generator(latent_dim: int = LATENT_DIM, width: int = 128) -> keras.Sequential:
    """A DCGAN generator: noise (N, latent_dim) -> image (N, 28, 28, 1) in [0, 1].

    Noise is projected to a 7x7 map of ``width`` channels, then two transposed
    convolutions with stride 2 grow it to 14x14 and 28x28. Batch norm and leaky ReLU
    keep the gradients alive; the sigmoid puts pixels in [0, 1] like the data.
    """
    return keras.Sequential([
        keras.Input((latent_dim,)),
        keras.layers.Dense(7 * 7 * width, use_bias=False),
        keras.layers.BatchNormalization(),
        keras.layers.LeakyReLU(0.2),
        keras.layers.Reshape((7, 7, width)),
        keras.layers.Conv2DTranspose(width // 2, 4, strides=2, padding="same", use_bias=False),
        keras.layers.BatchNormalization(),
        keras.layers.LeakyReLU(0.2),
        keras.layers.Conv2DTranspose(1, 4, strides=2, padding="same", activation="sigmoid"),
    ], name="dcgan_generator")


def dcgan_discriminator(width: int = 64, dropout_rate: float = 0.3) -> keras.Sequential:
    """A DCGAN discriminator: image (N, 28, 28, 1) -> logit of 'real' (N, 1).

    Strided convolutions replace pooling; it returns a logit (no sigmoid), so the loss is
    computed with from_logits=True, which is numerically safer.
    """
    return keras.Sequential([
        keras.Input((28, 28, 1)),
        keras.layers.Conv2D(width, 4, strides=2, padding="same"),
        keras.layers.LeakyReLU(0.2),
        keras.layers.Dropout(dropout_rate),
        keras.layers.Conv2D(2 * width, 4, strides=2, padding="same"),
        keras.layers.LeakyReLU(0.2),
        keras.layers.Dropout(dropout_rate),
        keras.layers.Flatten(),
        keras.layers.Dense(1),
    ], name="dcgan_discriminator")


def check_noise(noise: np.ndarray, latent_dim: int) -> np.ndarray:
    """Return noise as float32 (N, latent_dim), or raise a ValueError saying what is wrong."""
    noise = np.asarray(noise, dtype=np.float32)
    if noise.ndim != 2 or noise.shape[1] != latent_dim:
        raise ValueError(f"noise must have shape (N, {latent_dim}), got {noise.shape}: "
                         f"draw it with rng.normal(size=(N, {latent_dim}))")
    return noise


def check_images(images: np.ndarray, shape: tuple[int, ...] = (28, 28, 1)) -> np.ndarray:
    """Return images as float32 (N, *shape) with values in [0, 1], or raise a ValueError.

    images: (N, 28, 28), (N, 28, 28, 1) or (N, 784); reshaped to ``shape``.
    """
    images = np.asarray(images, dtype=np.float32)
    size = int(np.prod(shape))
    if images.ndim < 2 or int(np.prod(images.shape[1:])) != size:
        raise ValueError(f"images must have shape (N, {', '.join(map(str, shape))}) or "
                         f"(N, {size}), got {images.shape}")
    low, high = float(images.min()), float(images.max())
    if low < 0.0 or high > 1.0 or not np.isfinite(low + high):
        raise ValueError(f"images must have values in [0, 1], got values in [{low:.3g}, "
                         f"{high:.3g}]: divide 0..255 pixels by 255 (data.load_digits() "
                         "already does)")
    return images.reshape((len(images), *shape))


class GAN(keras.Model):
    """A generator and a discriminator playing the adversarial game (lesson 08).

    Each ``train_step`` makes one discriminator step (real images labelled
    ``1 - label_smoothing``, generated ones 0) then one generator step (generated images
    labelled 1: the non-saturating loss). ``from_logits`` says whether the discriminator
    returns logits (the DCGAN) or probabilities (the article's model).
    """

    def __init__(self, generator: keras.Model, discriminator: keras.Model,
                 latent_dim: int = LATENT_DIM, label_smoothing: float = 0.1,
                 from_logits: bool = True, seed: int = 0, **kwargs):
        super().__init__(**kwargs)
        if not 0.0 <= label_smoothing < 0.5:
            raise ValueError(f"label_smoothing must be in [0, 0.5), got {label_smoothing}")
        if generator.output_shape[1:] != discriminator.input_shape[1:]:
            raise ValueError(f"the generator makes {generator.output_shape[1:]} but the "
                             f"discriminator reads {discriminator.input_shape[1:]}")
        self.generator = generator
        self.discriminator = discriminator
        self.latent_dim = latent_dim
        self.label_smoothing = label_smoothing
        self.loss_fn = keras.losses.BinaryCrossentropy(from_logits=from_logits)
        self.seed_generator = keras.random.SeedGenerator(seed)
        self.image_shape = tuple(generator.output_shape[1:])

    def compile(self, d_optimizer: keras.optimizers.Optimizer,
                g_optimizer: keras.optimizers.Optimizer, **kwargs) -> None:
        """Give each player its own optimizer (they must not share Adam's moments).

        Other keyword arguments (e.g. ``run_eagerly=True`` to step through in a debugger)
        go to ``keras.Model.compile``.
        """
        super().compile(**kwargs)
        self.d_optimizer = d_optimizer
        self.g_optimizer = g_optimizer
        self.d_optimizer.build(self.discriminator.trainable_variables)
        self.g_optimizer.build(self.generator.trainable_variables)

    def discriminator_loss(self, real_images, noise, training: bool = False):
        """Binary cross-entropy of D on real images (smoothed label) and generated ones (0)."""
        fake_images = self.generator(noise, training=training)
        real_output = self.discriminator(real_images, training=training)
        fake_output = self.discriminator(fake_images, training=training)
        real_labels = tf.fill(tf.shape(real_output), 1.0 - self.label_smoothing)
        return (self.loss_fn(real_labels, real_output)
                + self.loss_fn(tf.zeros_like(fake_output), fake_output))

    def generator_loss(self, noise, training: bool = False):
        """Binary cross-entropy of D on generated images labelled 1 (non-saturating)."""
        fake_output = self.discriminator(self.generator(noise, training=training),
                                         training=training)
        return self.loss_fn(tf.ones_like(fake_output), fake_output)

    def discriminator_step(self, real_images, noise):
        """One optimizer step on the discriminator only; returns the loss before the step."""
        with tf.GradientTape() as tape:
            loss = self.discriminator_loss(real_images, noise, training=True)
        variables = self.discriminator.trainable_variables
        self.d_optimizer.apply_gradients(zip(tape.gradient(loss, variables), variables))
        return loss

    def generator_step(self, noise):
        """One optimizer step on the generator only; returns the loss before the step."""
        with tf.GradientTape() as tape:
            loss = self.generator_loss(noise, training=True)
        variables = self.generator.trainable_variables
        self.g_optimizer.apply_gradients(zip(tape.gradient(loss, variables), variables))
        return loss

    def train_step(self, data):
        real_images = data[0] if isinstance(data, tuple) else data  # fit() may pass (x, y, w)
        batch_size = tf.shape(real_images)[0]
        noise = keras.random.normal((batch_size, self.latent_dim), seed=self.seed_generator)
        d_loss = self.discriminator_step(real_images, noise)
        noise = keras.random.normal((batch_size, self.latent_dim), seed=self.seed_generator)
        g_loss = self.generator_step(noise)
        return {"d_loss": d_loss, "g_loss": g_loss}

    def train_batch(self, real_images: np.ndarray) -> dict[str, float]:
        """Check a batch of real images, then play one round; returns both losses."""
        real_images = check_images(real_images, self.image_shape)
        logs = self.train_on_batch(real_images, return_dict=True)
        return {name: float(value) for name, value in logs.items()}

    def sample(self, noise: np.ndarray) -> np.ndarray:
        """Images (N, 28, 28) in [0, 1] drawn by the generator from noise (N, latent_dim)."""
        noise = check_noise(noise, self.latent_dim)
        images = self.generator(noise, training=False)
        return keras.ops.convert_to_numpy(images).reshape(len(noise), 28, 28)

    def call(self, noise, training: bool = False):
        return self.generator(noise, training=training)


def _state(gan: GAN) -> dict[str, list]:
    return {
        "generator": gan.generator.variables,
        "discriminator": gan.discriminator.variables,  # with dropout noise states
        "g_optimizer": gan.g_optimizer.variables,
        "d_optimizer": gan.d_optimizer.variables,
        "seed": [gan.seed_generator.state],
    }


def save_checkpoint(gan: GAN, directory: str, step: int, **extra) -> str:
    """Save everything needed to resume (weights, optimizer moments, noise state, step).

    Written to a temporary file then renamed, so a run killed mid-save leaves the previous
    checkpoint intact. ``extra`` (numbers, e.g. the loss history length) goes in the JSON.
    Returns the path of the checkpoint file.
    """
    os.makedirs(directory, exist_ok=True)
    arrays = {f"{group}/{index}": keras.ops.convert_to_numpy(variable)
              for group, variables in _state(gan).items()
              for index, variable in enumerate(variables)}
    path = os.path.join(directory, "state.npz")
    temporary = path + ".tmp.npz"
    np.savez(temporary, **arrays)
    os.replace(temporary, path)
    meta = os.path.join(directory, "state.json")
    with open(meta + ".tmp", "w", encoding="utf-8") as file:
        json.dump({"step": int(step), **extra}, file)
    os.replace(meta + ".tmp", meta)
    return path


def restore_checkpoint(gan: GAN, directory: str) -> dict:
    """Load the checkpoint in ``directory`` into a compiled ``gan``; returns its JSON.

    Returns {"step": 0} when there is no checkpoint yet (a fresh start).
    """
    path, meta = os.path.join(directory, "state.npz"), os.path.join(directory, "state.json")
    if not (os.path.exists(path) and os.path.exists(meta)):
        return {"step": 0}
    with open(meta, encoding="utf-8") as file:
        info = json.load(file)
    with np.load(path) as arrays:
        for group, variables in _state(gan).items():
            stored = sum(1 for key in arrays.files if key.startswith(group + "/"))
            if stored != len(variables):
                raise ValueError(f"checkpoint {path} holds {stored} {group} variables, the "
                                 f"model has {len(variables)}: was it saved by another "
                                 "architecture? Delete the directory to start over.")
            for index, variable in enumerate(variables):
                value = arrays[f"{group}/{index}"]
                if tuple(value.shape) != tuple(variable.shape):
                    raise ValueError(f"{group} variable {index}: checkpoint shape "
                                     f"{value.shape}, model shape {tuple(variable.shape)}")
                variable.assign(value)
    return info


def dcgan_info(path: str | Path = DCGAN_INFO) -> dict:
    """What tools/train_dcgan.py recorded: settings, training time and the judge's scores."""
    return read_description(path, "tools/train_dcgan.py")


def load_dcgan_generator(weights: str | Path = DCGAN_WEIGHTS,
                         info: str | Path = DCGAN_INFO) -> keras.Sequential:
    """The shipped DCGAN generator: noise (N, 100) -> images (N, 28, 28, 1) in [0, 1]."""
    weights = Path(weights)
    if not weights.exists():
        raise FileNotFoundError(f"no weights at {weights}: run "
                                "`python tools/train_dcgan.py` in the course folder")
    settings = dcgan_info(info)["settings"]
    generator = dcgan_generator(settings["latent_dim"], settings["generator_width"])
    generator.load_weights(str(weights))
    return generator
