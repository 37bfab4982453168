"""The networks of lesson 08: the article's dense pair and the DCGAN's convolutional pair.

    article_generator() / article_discriminator()   the article's snippet, in Keras 3
    dcgan_generator() / dcgan_discriminator()       transposed and strided convolutions
    DigitChoice, chosen_digits(), noise_for_digits()   noise that chooses the digit
    BatchSpread                                     how much a batch's images differ
"""

from __future__ import annotations

import keras
import numpy as np

# lesson 08's noise size: the article's input_dim=100, kept by the DCGANs (lesson 09's
# ConditionalGAN draws from 64 numbers: conditional_gan.CONDITIONAL_GAN_LATENT_DIM)
ARTICLE_LATENT_DIM = 100


def article_generator(latent_dim: int = ARTICLE_LATENT_DIM) -> keras.Sequential:
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


def noise_for_digits(digits: np.ndarray | list[int], latent_dim: int = ARTICLE_LATENT_DIM,
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


def dcgan_generator(latent_dim: int = ARTICLE_LATENT_DIM, width: int = 128,
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
