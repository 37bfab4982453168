"""GANs that draw 28x28 digits: the article's dense pair and a DCGAN (lesson 08).

    article_generator()       Dense(128, relu) on 100-d noise -> Dense(784, sigmoid)
    article_discriminator()   Dense(128, relu) on 784 pixels -> Dense(1, sigmoid)
    dcgan_generator()         transposed convolutions, batch norm, leaky ReLU; optionally
                              the noise chooses the digit (DigitChoice)
    dcgan_discriminator()     strided convolutions, leaky ReLU, dropout; outputs a logit;
                              optionally told the digit (a projection discriminator)
    diff_augment()            random shifts and cutouts a discriminator sees on every image
    GAN                       the alternating game as a keras.Model with its own train_step
    build_dcgan()             the compiled DCGAN game as a checkpoint's settings describe it
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
           "dcgan_discriminator", "DigitChoice", "BatchSpread", "chosen_digits",
           "noise_for_digits", "diff_augment", "GAN", "build_dcgan", "check_noise",
           "check_images", "save_checkpoint",
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


@keras.saving.register_keras_serializable(package="course_utils")
class DigitChoice(keras.layers.Layer):
    """The first ``classes`` noise numbers become a one-hot choice: the largest one wins.

    The first layer of lesson 08's shipped DCGAN generator.

    Noise (N, latent_dim) -> (N, latent_dim): one-hot of the chosen digit, then the other
    noise numbers unchanged. Each digit is chosen with probability 1/classes, and the rest
    of the noise sets the digit's style.
    """

    def __init__(self, classes: int = 10, **kwargs):
        super().__init__(**kwargs)
        self.classes = classes

    def call(self, noise):
        choice = keras.ops.one_hot(keras.ops.argmax(noise[:, :self.classes], axis=1),
                                   self.classes)
        return keras.ops.concatenate([choice, noise[:, self.classes:]], axis=1)

    def get_config(self):
        return {**super().get_config(), "classes": self.classes}


def chosen_digits(noise: np.ndarray, classes: int = 10) -> np.ndarray:
    """The digit each noise vector (N, latent_dim) asks a DigitChoice generator for: (N,) ints."""
    return np.argmax(np.asarray(noise)[:, :classes], axis=1)


def noise_for_digits(digits: np.ndarray | list[int], latent_dim: int = LATENT_DIM,
                     seed: int = 0, classes: int = 10) -> np.ndarray:
    """Noise (N, latent_dim) that asks a DigitChoice generator for ``digits`` (N,) ints.

    Ordinary Gaussian noise, with the largest of its first ``classes`` numbers swapped into
    each digit's place: the style part keeps its distribution.
    """
    digits = np.asarray(digits)
    if (digits.ndim != 1 or not np.issubdtype(digits.dtype, np.integer)
            or not np.all((0 <= digits) & (digits < classes))):
        raise ValueError(f"digits must be a 1-D array of ints in 0..{classes - 1}, "
                         f"got {digits!r}")
    noise = np.random.default_rng(seed).normal(size=(len(digits), latent_dim))
    rows = np.arange(len(digits))
    largest = np.argmax(noise[:, :classes], axis=1)
    noise[rows, largest], noise[rows, digits] = noise[rows, digits], noise[rows, largest]
    return noise.astype(np.float32)


def dcgan_generator(latent_dim: int = LATENT_DIM, width: int = 128,
                    classes: int = 0) -> keras.Sequential:
    """A DCGAN generator: noise (N, latent_dim) -> image (N, 28, 28, 1) in [0, 1].

    Noise is projected to a 7x7 map of ``width`` channels, then two transposed
    convolutions with stride 2 grow it to 14x14 and 28x28. Batch norm and leaky ReLU
    keep the gradients alive; the sigmoid puts pixels in [0, 1] like the data.
    With ``classes`` > 0 the noise first goes through ``DigitChoice``: its first
    ``classes`` numbers choose which digit to draw (train it with a conditional
    discriminator, see dcgan_discriminator).
    """
    return keras.Sequential([
        keras.Input((latent_dim,)),
        *([DigitChoice(classes)] if classes else []),
        keras.layers.Dense(7 * 7 * width, use_bias=False),
        keras.layers.BatchNormalization(),
        keras.layers.LeakyReLU(0.2),
        keras.layers.Reshape((7, 7, width)),
        keras.layers.Conv2DTranspose(width // 2, 4, strides=2, padding="same", use_bias=False),
        keras.layers.BatchNormalization(),
        keras.layers.LeakyReLU(0.2),
        keras.layers.Conv2DTranspose(1, 4, strides=2, padding="same", activation="sigmoid"),
    ], name="dcgan_generator")


@keras.saving.register_keras_serializable(package="course_utils")
class BatchSpread(keras.layers.Layer):
    """Append one channel holding how much the batch's feature maps differ (Karras et al. 2018).

    (N, H, W, C) -> (N, H, W, C + 1). A generator that draws the same image again and again
    makes this number small, so the discriminator can see a collapse that no single image
    shows. Used by lesson 08's shipped DCGAN.
    """

    def call(self, features):
        spread = keras.ops.mean(keras.ops.sqrt(keras.ops.var(features, axis=0) + 1e-8))
        return keras.ops.concatenate(
            [features, keras.ops.ones_like(features[..., :1]) * spread], axis=-1)


def dcgan_discriminator(width: int = 64, dropout_rate: float = 0.3, depth: int = 2,
                        classes: int = 0, batch_spread: bool = False) -> keras.Model:
    """A DCGAN discriminator: image (N, 28, 28, 1) -> logit of 'real' (N, 1).

    ``depth`` strided convolutions (2 or 3) replace pooling: 28x28 -> 14x14 -> 7x7 (-> 4x4),
    doubling the channels each time from ``width``. A third one widens what each feature
    sees from 10 to 18 pixels, most of a digit. ``batch_spread`` adds a BatchSpread
    channel before the last convolution. It returns a logit (no sigmoid), so the loss is
    computed with from_logits=True, which is numerically safer.

    With ``classes`` > 0 it is conditional: it reads (images, labels (N,) ints) and judges
    "a real image of this digit", by adding to the logit the dot product of the features
    with a learned vector per digit (a projection discriminator, Miyato & Koyama 2018).
    """
    if depth not in (2, 3):
        raise ValueError(f"depth must be 2 or 3 strided convolutions, got {depth!r}")
    image = keras.Input((28, 28, 1), name="image")
    features = image
    for level in range(depth):
        if batch_spread and level == depth - 1:
            features = BatchSpread()(features)
        features = keras.layers.Conv2D(width * 2 ** level, 4 if level < 2 else 3, strides=2,
                                       padding="same")(features)
        features = keras.layers.LeakyReLU(0.2)(features)
        if dropout_rate:
            features = keras.layers.Dropout(dropout_rate)(features)
    features = keras.layers.Flatten()(features)
    logit = keras.layers.Dense(1)(features)
    if not classes:
        return keras.Model(image, logit, name="dcgan_discriminator")
    label = keras.Input((), dtype="int32", name="label")
    digit_vector = keras.layers.Embedding(classes, features.shape[-1])(label)
    logit = keras.layers.Add()([logit, keras.ops.sum(digit_vector * features, axis=1,
                                                     keepdims=True)])
    return keras.Model([image, label], logit, name="dcgan_discriminator")


def diff_augment(images: tf.Tensor, seed_generator: keras.random.SeedGenerator,
                 shift: int = 3, cutout: int = 7) -> tf.Tensor:
    """Shift each image by up to ``shift`` pixels and blank a ``cutout`` x ``cutout`` square.

    Differentiable augmentation (Zhao et al., 2020; lesson 08): the discriminator sees every
    image, real or generated, through the same kind of random changes (each image its own
    shift and square), so with only a few thousand digits it cannot win by memorising them,
    and the generator still learns unshifted, whole digits because its gradients flow
    through the same operations. The square's centre is any pixel, so near the border only
    part of it falls on the image.
    images: (N, 28, 28, 1) tensor; cutout: an odd side length. Returns a tensor of the same
    shape.
    """
    if cutout % 2 != 1:
        raise ValueError(f"cutout must be an odd side length (the square is centred on a "
                         f"pixel), got {cutout!r}")
    batch = tf.shape(images)[0]
    height, width = images.shape[1], images.shape[2]
    padded = tf.pad(images, [[0, 0], [shift, shift], [shift, shift], [0, 0]])
    offsets = keras.random.randint((2, batch), 0, 2 * shift + 1, seed=seed_generator,
                                   dtype="int32")
    rows = offsets[0][:, None] + tf.range(height)[None, :]
    columns = offsets[1][:, None] + tf.range(width)[None, :]
    shifted = tf.gather(tf.gather(padded, rows, axis=1, batch_dims=1), columns, axis=2,
                        batch_dims=1)
    centres = keras.random.randint((2, batch), 0, height, seed=seed_generator, dtype="int32")
    inside_rows = tf.abs(tf.range(height)[None, :] - centres[0][:, None]) <= cutout // 2
    inside_columns = tf.abs(tf.range(width)[None, :] - centres[1][:, None]) <= cutout // 2
    hole = tf.logical_and(inside_rows[:, :, None], inside_columns[:, None, :])
    return shifted * tf.cast(tf.logical_not(hole), shifted.dtype)[..., None]


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
    returns logits (the DCGAN) or probabilities (the article's model). With
    ``augment=True`` the discriminator sees every image during training through
    ``diff_augment`` (shifted, with a square cut out).

    With ``classes`` > 0 the game is conditional: the generator chooses its digit from the
    noise (DigitChoice) and the discriminator reads (images, labels). Real images come with
    their true labels, generated ones with the digit their noise chose, so the generator is
    rewarded only for drawing the digit it was asked for.
    """

    def __init__(self, generator: keras.Model, discriminator: keras.Model,
                 latent_dim: int = LATENT_DIM, label_smoothing: float = 0.1,
                 from_logits: bool = True, seed: int = 0, augment: bool = False,
                 classes: int = 0, **kwargs):
        super().__init__(**kwargs)
        if not 0.0 <= label_smoothing < 0.5:
            raise ValueError(f"label_smoothing must be in [0, 0.5), got {label_smoothing}")
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
        real_images = check_images(real_images, self.image_shape)
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

    settings: the "settings" of dcgan_info() (what tools/train_dcgan.py records), e.g.
    ``build_dcgan(dcgan_info()["settings"])`` plays the game the shipped generator won.
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
    generator = dcgan_generator(settings["latent_dim"], settings["generator_width"],
                                settings.get("classes", 0))
    generator.load_weights(str(weights))
    return generator
