"""Differentiable augmentation: the views of real and generated digits a discriminator sees."""

from __future__ import annotations

import keras
import tensorflow as tf


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
