"""The adversarial game as a keras.Model: one discriminator move, then one generator move."""

from __future__ import annotations

import keras
import numpy as np
import tensorflow as tf

from course_utils._arrays import digit_images, fraction
from course_utils.models.gan.augment import diff_augment
from course_utils.models.gan.networks import (
    ARTICLE_LATENT_DIM,
    DigitChoice,
    dcgan_discriminator,
    dcgan_generator,
)


def check_noise(noise: np.ndarray, latent_dim: int) -> np.ndarray:
    """Return noise as float32 (N, latent_dim), or raise a ValueError saying what is wrong."""
    noise = np.asarray(noise, dtype=np.float32)
    if noise.ndim != 2 or noise.shape[1] != latent_dim:
        raise ValueError(f"noise must have shape (N, {latent_dim}), got {noise.shape}: "
                         f"draw it with rng.normal(size=(N, {latent_dim}))")
    return noise


def check_label_smoothing(label_smoothing: float) -> float:
    """The amount taken off the real images' label 1 (one-sided label smoothing), in [0, 0.5),
    or a ValueError: at 0.5 a real image's label is no more real than a fake's."""
    if fraction(label_smoothing, "label_smoothing") >= 0.5:
        raise ValueError(f"label_smoothing must be in [0, 0.5), got {label_smoothing}: "
                         "at 0.5 a real image's label is no more real than a fake's")
    return float(label_smoothing)


class GAN(keras.Model):
    """A generator and a discriminator playing the adversarial game (lesson 08).

    Each ``train_step`` makes one discriminator step (real images labelled
    ``1 - label_smoothing``, generated ones 0) then one generator step (generated images
    labelled 1: the non-saturating loss). ``from_logits`` says whether the discriminator
    returns logits (the DCGAN) or probabilities (the article's model). With
    ``augment=True`` the discriminator sees every image during training through
    ``diff_augment`` (shifted, with a square cut out).

    With ``classes`` > 0 the game is conditional: the generator chooses its digit from the
    noise (DigitChoice) and the discriminator reads (images, labels). Real images come with
    their true labels, generated ones with the digit their noise chose, so the generator is
    rewarded only for drawing the digit it was asked for.
    """

    def __init__(self, generator: keras.Model, discriminator: keras.Model,
                 latent_dim: int = ARTICLE_LATENT_DIM, label_smoothing: float = 0.1,
                 from_logits: bool = True, seed: int = 0, augment: bool = False,
                 classes: int = 0, **kwargs):
        super().__init__(**kwargs)
        label_smoothing = check_label_smoothing(label_smoothing)
        reads = discriminator.input_shape
        if bool(classes) != isinstance(reads, list):
            raise ValueError(f"classes={classes} needs a discriminator that reads "
                             f"{'(images, labels)' if classes else 'images only'}: build it "
                             f"with dcgan_discriminator(classes={classes}), or pass the "
                             f"GAN the classes its discriminator was built with")
        if classes and not any(isinstance(layer, DigitChoice) and layer.classes == classes
                               for layer in generator.layers):
            raise ValueError(f"classes={classes} needs a generator whose noise chooses the "
                             f"digit: build it with dcgan_generator(classes={classes})")
        reads = reads[0] if classes else reads
        if generator.output_shape[1:] != reads[1:]:
            raise ValueError(f"the generator makes {generator.output_shape[1:]} but the "
                             f"discriminator reads {reads[1:]}")
        self.generator = generator
        self.discriminator = discriminator
        self.latent_dim = latent_dim
        self.label_smoothing = label_smoothing
        self.loss_fn = keras.losses.BinaryCrossentropy(from_logits=from_logits)
        self.seed_generator = keras.random.SeedGenerator(seed)
        self.image_shape = tuple(generator.output_shape[1:])
        self.augment = augment
        self.classes = classes
        if augment and self.image_shape != (28, 28, 1):
            raise ValueError(f"augment=True shifts (28, 28, 1) images, the generator makes "
                             f"{self.image_shape}: use the DCGAN or augment=False")

    def discriminate(self, images: tf.Tensor, labels: tf.Tensor | None = None,
                     training: bool = False) -> tf.Tensor:
        """The discriminator's output, on augmented images when training with augment=True.

        labels: (N,) ints, required when the game is conditional (classes > 0).
        """
        if self.augment and training:
            images = diff_augment(images, self.seed_generator)
        if not self.classes:
            return self.discriminator(images, training=training)
        if labels is None:
            raise ValueError(f"this GAN is conditional (classes={self.classes}): the "
                             "discriminator needs the real images' labels too, e.g. "
                             "train_batch(images, labels) or fit(images, labels)")
        return self.discriminator([keras.ops.convert_to_tensor(images, "float32"),
                                   keras.ops.convert_to_tensor(labels, "int32")],
                                  training=training)

    def _chosen(self, noise):
        """The digits the noise asks for (conditional game), or None."""
        if not self.classes:
            return None
        return keras.ops.cast(keras.ops.argmax(noise[:, :self.classes], axis=1), "int32")

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

    def discriminator_loss(self, real_images, noise, training: bool = False, labels=None):
        """Binary cross-entropy of D on real images (smoothed label) and generated ones (0)."""
        fake_images = self.generator(noise, training=training)
        real_output = self.discriminate(real_images, labels, training=training)
        fake_output = self.discriminate(fake_images, self._chosen(noise), training=training)
        real_labels = tf.fill(tf.shape(real_output), 1.0 - self.label_smoothing)
        return (self.loss_fn(real_labels, real_output)
                + self.loss_fn(tf.zeros_like(fake_output), fake_output))

    def generator_loss(self, noise, training: bool = False):
        """Binary cross-entropy of D on generated images labelled 1 (non-saturating)."""
        fake_output = self.discriminate(self.generator(noise, training=training),
                                        self._chosen(noise), training=training)
        return self.loss_fn(tf.ones_like(fake_output), fake_output)

    def discriminator_step(self, real_images, noise, labels=None):
        """One optimizer step on the discriminator only; returns the loss before the step."""
        with tf.GradientTape() as tape:
            loss = self.discriminator_loss(real_images, noise, training=True, labels=labels)
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
        labels = data[1] if isinstance(data, tuple) and len(data) > 1 else None
        batch_size = tf.shape(real_images)[0]
        noise = keras.random.normal((batch_size, self.latent_dim), seed=self.seed_generator)
        d_loss = self.discriminator_step(real_images, noise, labels)
        noise = keras.random.normal((batch_size, self.latent_dim), seed=self.seed_generator)
        g_loss = self.generator_step(noise)
        return {"d_loss": d_loss, "g_loss": g_loss}

    def train_batch(self, real_images: np.ndarray, labels: np.ndarray | None = None
                    ) -> dict[str, float]:
        """Check a batch of real images (and their labels, if conditional), then play one
        round; returns both losses."""
        real_images = digit_images(real_images, "real_images", self.image_shape)
        if bool(self.classes) != (labels is not None):
            raise ValueError(f"this GAN {'is' if self.classes else 'is not'} conditional: "
                             f"call train_batch(images{', labels' if self.classes else ''})")
        if labels is not None:
            labels = np.asarray(labels)
            if (labels.shape != (len(real_images),)
                    or not np.issubdtype(labels.dtype, np.integer)
                    or not np.all((labels >= 0) & (labels < self.classes))):
                raise ValueError(f"labels must be {len(real_images)} ints in "
                                 f"0..{self.classes - 1}, one per image; got "
                                 f"{labels.dtype} of shape {labels.shape}, values "
                                 f"{labels.min() if labels.size else '-'}.."
                                 f"{labels.max() if labels.size else '-'}")
            labels = labels.astype(np.int32)
        logs = self.train_on_batch(real_images, labels, return_dict=True)
        return {name: float(value) for name, value in logs.items()}

    def sample(self, noise: np.ndarray) -> np.ndarray:
        """Images (N, 28, 28) in [0, 1] drawn by the generator from noise (N, latent_dim)."""
        noise = check_noise(noise, self.latent_dim)
        images = self.generator(noise, training=False)
        return keras.ops.convert_to_numpy(images).reshape(len(noise), 28, 28)

    def call(self, noise, training: bool = False):
        return self.generator(noise, training=training)


def build_dcgan(settings: dict) -> GAN:
    """The DCGAN game as a checkpoint's settings describe it, compiled with Adam (beta_1 0.5).

    settings: the "settings" of a DCGAN's record (what python -m tools.train_dcgan records),
    e.g. ``build_dcgan(read_record(DCGAN_RECORD)["settings"])`` plays the game the shipped
    generator won.
    """
    classes = settings.get("classes", 0)
    model = GAN(dcgan_generator(settings["latent_dim"], settings["generator_width"], classes),
                dcgan_discriminator(settings["discriminator_width"],
                                    settings.get("dropout_rate", 0.3),
                                    settings.get("discriminator_depth", 2), classes,
                                    settings.get("batch_spread", False)),
                latent_dim=settings["latent_dim"], label_smoothing=settings["label_smoothing"],
                from_logits=True, seed=settings["seed"], augment=settings.get("augment", False),
                classes=classes)
    model.compile(d_optimizer=keras.optimizers.Adam(settings["learning_rate"], beta_1=0.5),
                  g_optimizer=keras.optimizers.Adam(settings["learning_rate"], beta_1=0.5))
    return model
