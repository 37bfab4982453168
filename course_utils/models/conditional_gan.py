"""A class-conditional DCGAN: ask for a digit, get that digit (lesson 09).

    conditional_generator()       (noise (N, latent_dim), labels (N,)) -> images (N, 28, 28, 1)
    conditional_discriminator()   (images, labels) -> logit of "a real image of this digit"
    ConditionalGAN                the alternating game, one train_step per batch
    load_conditional_generator()  the shipped generator, trained on 50 labelled digits per
                                  class by tools/train_conditional_gan.py
    read_record(CHECKPOINT_RECORD)  its record: settings, the judge's scores, date
    generate_digits()             a labelled batch of generated digits for augmentation

The label enters the generator as a learned embedding multiplied into the noise, and the
discriminator as one-hot channels stacked on the image, so both players see which digit is
meant.
"""

from __future__ import annotations

from pathlib import Path

import keras
import numpy as np
import tensorflow as tf

from course_utils import _arrays
from course_utils._arrays import callable_model, run_first
from course_utils.models.gan.game import check_label_smoothing
from course_utils.models.inference import call_in_batches
from course_utils.models.record import read_record

__all__ = ["CONDITIONAL_GAN_LATENT_DIM", "conditional_generator", "conditional_discriminator",
           "ConditionalGAN", "load_conditional_generator", "read_record", "generate_digits",
           "CHECKPOINT_WEIGHTS", "CHECKPOINT_RECORD"]

# lesson 09's noise size (lesson 08's GANs draw from 100 numbers: gan.ARTICLE_LATENT_DIM)
CONDITIONAL_GAN_LATENT_DIM = 64
_CHECKPOINTS = Path(__file__).resolve().parent.parent / "checkpoints"
CHECKPOINT_WEIGHTS = _CHECKPOINTS / "conditional_generator.weights.h5"
CHECKPOINT_RECORD = _CHECKPOINTS / "conditional_generator.json"


def conditional_generator(latent_dim: int = CONDITIONAL_GAN_LATENT_DIM,
                          width: int = 64) -> keras.Model:
    """(noise (N, latent_dim), labels (N,) int) -> images (N, 28, 28, 1) in [0, 1]."""
    noise = keras.Input((latent_dim,), name="noise")
    label = keras.Input((), dtype="int32", name="label")
    embedded = keras.layers.Embedding(10, latent_dim)(label)
    x = keras.layers.Concatenate()([noise, embedded])
    x = keras.layers.Dense(7 * 7 * 2 * width, use_bias=False)(x)
    x = keras.layers.BatchNormalization()(x)
    x = keras.layers.LeakyReLU(0.2)(x)
    x = keras.layers.Reshape((7, 7, 2 * width))(x)
    x = keras.layers.Conv2DTranspose(width, 4, strides=2, padding="same", use_bias=False)(x)
    x = keras.layers.BatchNormalization()(x)
    x = keras.layers.LeakyReLU(0.2)(x)
    images = keras.layers.Conv2DTranspose(1, 4, strides=2, padding="same",
                                          activation="sigmoid")(x)
    return keras.Model([noise, label], images, name="conditional_generator")


def conditional_discriminator(width: int = 64, dropout_rate: float = 0.3) -> keras.Model:
    """(images (N, 28, 28, 1), labels (N,) int) -> logit (N, 1) of 'a real image of this digit'."""
    image = keras.Input((28, 28, 1), name="image")
    label = keras.Input((), dtype="int32", name="label")
    planes = keras.layers.Reshape((1, 1, 10))(keras.layers.CategoryEncoding(
        10, output_mode="one_hot")(label))
    planes = keras.layers.UpSampling2D(28)(planes)
    x = keras.layers.Concatenate()([image, planes])
    x = keras.layers.Conv2D(width, 4, strides=2, padding="same")(x)
    x = keras.layers.LeakyReLU(0.2)(x)
    x = keras.layers.Dropout(dropout_rate)(x)
    x = keras.layers.Conv2D(2 * width, 4, strides=2, padding="same")(x)
    x = keras.layers.LeakyReLU(0.2)(x)
    x = keras.layers.Dropout(dropout_rate)(x)
    x = keras.layers.Flatten()(x)
    logit = keras.layers.Dense(1)(x)
    return keras.Model([image, label], logit, name="conditional_discriminator")


class ConditionalGAN(keras.Model):
    """The game with labels: D judges (image, label) pairs, G makes images for a label.

    Real pairs are labelled ``1 - label_smoothing`` (0.9 by default: one-sided label
    smoothing, as in lesson 08's GAN), generated pairs 0. The generator uses the
    non-saturating loss. Resume an interrupted run with ``gan.save_checkpoint`` and
    ``gan.restore_checkpoint``, like lesson 08's GAN.
    """

    def __init__(self, generator: keras.Model, discriminator: keras.Model,
                 latent_dim: int = CONDITIONAL_GAN_LATENT_DIM, label_smoothing: float = 0.1,
                 **kwargs):
        super().__init__(**kwargs)
        self.generator, self.discriminator = generator, discriminator
        self.latent_dim = latent_dim
        self.label_smoothing = check_label_smoothing(label_smoothing)
        self.loss_fn = keras.losses.BinaryCrossentropy(from_logits=True)

    def compile(self, d_optimizer: keras.optimizers.Optimizer,
                g_optimizer: keras.optimizers.Optimizer, **kwargs) -> None:
        """Give each player its own optimizer (they must not share Adam's moments).

        Other keyword arguments go to ``keras.Model.compile``.
        """
        super().compile(**kwargs)
        self.d_optimizer = d_optimizer
        self.g_optimizer = g_optimizer
        self.d_optimizer.build(self.discriminator.trainable_variables)
        self.g_optimizer.build(self.generator.trainable_variables)

    def train_step(self, batch):
        images, labels = (tf.convert_to_tensor(part) for part in batch)
        batch_size = tf.shape(images)[0]
        noise = tf.random.normal((batch_size, self.latent_dim))
        with tf.GradientTape() as tape:
            fake = self.generator([noise, labels], training=True)
            real_logit = self.discriminator([images, labels], training=True)
            fake_logit = self.discriminator([fake, labels], training=True)
            real_target = tf.fill(tf.shape(real_logit), 1.0 - self.label_smoothing)
            d_loss = (self.loss_fn(real_target, real_logit)
                      + self.loss_fn(tf.zeros_like(fake_logit), fake_logit))
        weights = self.discriminator.trainable_variables
        self.d_optimizer.apply_gradients(zip(tape.gradient(d_loss, weights), weights))
        noise = tf.random.normal((batch_size, self.latent_dim))
        with tf.GradientTape() as tape:
            fake_logit = self.discriminator([self.generator([noise, labels], training=True),
                                             labels], training=True)
            g_loss = self.loss_fn(tf.ones_like(fake_logit), fake_logit)
        weights = self.generator.trainable_variables
        self.g_optimizer.apply_gradients(zip(tape.gradient(g_loss, weights), weights))
        return {"d_loss": d_loss, "g_loss": g_loss}


def load_conditional_generator(weights: str | Path = CHECKPOINT_WEIGHTS,
                               record: str | Path = CHECKPOINT_RECORD) -> keras.Model:
    """The shipped conditional generator (see tools/train_conditional_gan.py), rebuilt from
    the settings of the record beside its weights (``read_record(CHECKPOINT_RECORD)``)."""
    weights = Path(weights)
    if not weights.exists():
        raise FileNotFoundError(f"no weights at {weights}: run "
                                "`python -m tools.train_conditional_gan` to create it")
    settings = read_record(record, needs=("latent_dim", "generator_width"))["settings"]
    generator = conditional_generator(settings["latent_dim"], settings["generator_width"])
    generator.load_weights(weights)
    return generator


def generate_digits(generator: keras.Model, per_class: int, seed: int = 0,
                    batch_size: int = 500) -> tuple[np.ndarray, np.ndarray]:
    """``per_class`` generated digits of each class: images (10 * per_class, 28, 28) in [0, 1]
    and labels (10 * per_class,) int64, in class order."""
    per_class = _arrays.positive_int(per_class, "per_class")
    section = run_first("3. New samples: a classifier is not a generator")
    expected = "the conditional generator from load_conditional_generator()"
    callable_model(generator, "generator", expected, section)
    if len(getattr(generator, "inputs", None) or ()) != 2:
        # an unconditional generator (lesson 08's DCGAN) takes noise only, not (noise, label)
        raise TypeError(f"generator must be {expected}, which takes (noise, label); got "
                        f"{type(generator).__name__} {getattr(generator, 'name', '')!r}: "
                        f"{section}")
    latent_dim = generator.inputs[0].shape[-1]
    rng = np.random.default_rng(seed)
    labels = np.repeat(np.arange(10), per_class).astype(np.int32)
    noise = rng.standard_normal((len(labels), latent_dim)).astype(np.float32)
    images = call_in_batches(generator, [noise, labels], batch_size)
    return images[..., 0], labels.astype(np.int64)
