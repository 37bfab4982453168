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
    load_dcgan_generator()    the shipped conditional DCGAN generator (every technique on)
    read_record(DCGAN_RECORD) its record: settings, the judge's scores, date
    load_unconditional_dcgan_generator()   the shipped DCGAN of the paper's recipe alone
    dcgan_ablation()          what each technique added to the unconditional DCGAN buys

The generators and the ablation are trained by ``python -m tools.train_dcgan``.

Images are floats in [0, 1] of shape (N, 28, 28) or (N, 28, 28, 1); the article's models
work on flat vectors of 784 pixels, the DCGAN on (28, 28, 1) images.
"""

from __future__ import annotations

from course_utils.models.gan.augment import diff_augment
from course_utils.models.gan.checkpoints import (
                                                 ABLATION,
                                                 DCGAN_RECORD,
                                                 DCGAN_WEIGHTS,
                                                 UNCONDITIONAL_RECORD,
                                                 UNCONDITIONAL_WEIGHTS,
                                                 dcgan_ablation,
                                                 load_dcgan_generator,
                                                 load_unconditional_dcgan_generator,
                                                 restore_checkpoint,
                                                 save_checkpoint,
)
from course_utils.models.gan.game import GAN, build_dcgan, check_label_smoothing, check_noise
from course_utils.models.gan.latent import slerp as slerp  # lesson 08's latent walk
from course_utils.models.gan.networks import (
                                                 ARTICLE_LATENT_DIM,
                                                 BatchSpread,
                                                 DigitChoice,
                                                 article_discriminator,
                                                 article_generator,
                                                 chosen_digits,
                                                 dcgan_discriminator,
                                                 dcgan_generator,
                                                 noise_for_digits,
)
from course_utils.models.record import read_record

__all__ = ["ARTICLE_LATENT_DIM", "article_generator", "article_discriminator", "dcgan_generator",
           "dcgan_discriminator", "DigitChoice", "BatchSpread", "chosen_digits",
           "noise_for_digits", "diff_augment", "GAN", "build_dcgan", "check_noise",
           "check_label_smoothing",
           "save_checkpoint",
           "restore_checkpoint", "load_dcgan_generator", "read_record", "DCGAN_WEIGHTS",
           "DCGAN_RECORD", "load_unconditional_dcgan_generator", "UNCONDITIONAL_WEIGHTS",
           "UNCONDITIONAL_RECORD", "dcgan_ablation", "ABLATION"]

