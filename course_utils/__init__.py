"""course_utils: the small package behind the course "CNN, RNN and GAN, by doing".

Modules, one concept each (import the module, not its objects):

    env          set_seed, pre-flight check, quiet TensorFlow start-up
    data         offline data sets: digits, photos, CO2, names
    checks       exercise feedback: check(), hint(), solution(), summary()
    exercises    the exercises checks judges, one module per concept
    results      publish() a measured figure for the benchmark harness
    explore      interactive explorers (ipywidgets), one module per lesson's concept
    conv         convolution and pooling in numpy, equal to Keras           lessons 01, 02
    recurrence   the SimpleRNN recurrence and backprop through time         lesson 04
    forecast     windows, baselines and errors for a time series            lesson 05
    gated        LSTM and GRU in numpy, equal to Keras                      lesson 06
    diagrams     static figures drawn once: the LSTM and GRU cells          lesson 06
    sequences    the adding problem; names as character sequences           lesson 06
    adversarial  2-D data, GAN losses and mode coverage                     lesson 07
    quality      judging generated digits: confidence, coverage, Frechet    lessons 08, 09
    models       Keras models: digits, forecasters, gan, conditional_gan, inference, record

Each lesson has one key: start, conv, pooling, digits, recurrence, forecast, gated,
adversarial, gan. Its explorer is ``explore.<key>``, its exercises are ``exercises.<key>``
(and their ids begin with the key), and its concept module has the same name: pooling is
part of ``conv``, and ``digits`` and ``gan`` are under ``models``.

The only thing importing this package does is give TensorFlow's logging two
defaults (TF_CPP_MIN_LOG_LEVEL=2, TF_ENABLE_ONEDNN_OPTS=0) when they are unset,
so that TensorFlow's C++ start-up banner stays out of the notebooks. Errors are
still shown; set the variables yourself to override.
"""

from importlib import metadata as _metadata

from course_utils.env import quiet_tensorflow as _quiet_tensorflow
from course_utils.env import set_seed

_quiet_tensorflow()  # env imports only the standard library: TensorFlow is not loaded yet

__all__ = ["set_seed"]

try:  # the version is written once, in pyproject.toml; installing records it
    __version__ = _metadata.version("course_utils")
except _metadata.PackageNotFoundError:  # imported from a clone that was never installed
    __version__ = "unknown"
