"""Exercise definitions, one module per lesson; ``course_utils.checks`` finds them all.

    exercises.start        a warm-up: how exercises and their feedback work        lesson 00
    exercises.conv         convolution written by hand                              lesson 01
    exercises.pooling      pooling, padding and receptive fields                    lesson 02
    exercises.digits       the digit classifier: parameters, a better model, a bug  lesson 03
    exercises.recurrence   the recurrence and backpropagation through time          lesson 04
    exercises.forecast     windows, a baseline's score, a leak                      lesson 05
    exercises.gated        LSTM and GRU gates                                       lesson 06
    exercises.adversarial  the GAN losses and the 2-D game                          lesson 07
    exercises.gan          the GAN training step and a transposed convolution       lesson 08
    exercises.quiz         choosing an architecture                                 lesson 09

An exercise's id starts with its module's name (``"digits.better_model"``). Each module is
reached as an attribute, ``exercises.pooling.SMALL``, and imported on first use.
"""

from course_utils._lazy import submodule_getter

__getattr__ = submodule_getter(__name__, __path__, "exercise")
