"""Digit classifiers: the article's CNN and the course's better one (lesson 03).

    build_article_cnn()        the article's snippet, in Keras 3 idiom
    build_course_cnn(...)      deeper, batch norm, dropout, light augmentation
    load_digit_classifier()    the course CNN with its shipped weights (trained by
                               tools/train_digit_cnn.py); lessons 08 and 09 use it as a judge
    read_record(CHECKPOINT_RECORD)   its record: settings, test accuracy, date
    cnn_ablation()             the recipe trained without augmentation, then without dropout
    digit_probabilities(...)   class probabilities, batched, without model.predict
    digit_features(...)        the 128 penultimate-layer features (for a Frechet distance)

Images are float32 of shape (N, 28, 28) or (N, 28, 28, 1) with values in [0, 1], like
``data.load_digits()``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np

from course_utils import _arrays
from course_utils._arrays import callable_model, run_first
from course_utils.models.inference import call_in_batches
from course_utils.models.record import check_record, read_record

# keras is imported inside the functions that need it, so that importing this module stays
# light; `import course_utils` has already given TensorFlow its quiet logging defaults.

__all__ = ["build_article_cnn", "build_course_cnn", "load_digit_classifier", "read_record",
           "cnn_ablation", "digit_probabilities", "digit_features",
           "CHECKPOINT_WEIGHTS", "CHECKPOINT_RECORD", "ABLATION", "FEATURES_LAYER", "IMAGE_SHAPE"]

IMAGE_SHAPE = (28, 28, 1)
FEATURES_LAYER = "features"
_CHECKPOINTS = Path(__file__).resolve().parent.parent / "checkpoints"
CHECKPOINT_WEIGHTS = _CHECKPOINTS / "digit_cnn.weights.h5"
CHECKPOINT_RECORD = _CHECKPOINTS / "digit_cnn.json"
ABLATION = _CHECKPOINTS / "digit_cnn_ablation.json"
# where each lesson makes the digits and the classifier these functions receive
_DIGITS_FROM = (f"in lesson 03, {run_first('The data: 5,000 real handwritten digits')}; "
                "lessons 08 and 09 load the digits in their first code cell")
_CLASSIFIER_FROM = (f"in lesson 03, {run_first('The course CNN, fully trained: a shipped checkpoint')}"
                    f"; in lesson 08, {run_first('Measure, do not eyeball')}; lesson 09 loads "
                    "it in its first code cell")


def build_article_cnn() -> Any:
    """The article's CNN exactly: Conv2D(32, 3x3) - MaxPool(2x2) - Dense(128) - Dense(10).

    Input (N, 28, 28, 1), output (N, 10) softmax probabilities. Compiled as the article
    does: Adam, categorical cross-entropy (so labels must be one-hot), accuracy metric.
    693,962 parameters, 692,352 of them in the Dense(128) layer. Lesson 03.
    """
    import keras
    model = keras.Sequential([
        keras.Input(shape=IMAGE_SHAPE),  # the article writes input_shape=(28, 28, 1) on Conv2D
        keras.layers.Conv2D(32, (3, 3), activation="relu"),
        keras.layers.MaxPooling2D((2, 2)),
        keras.layers.Flatten(),
        keras.layers.Dense(128, activation="relu"),
        keras.layers.Dense(10, activation="softmax"),
    ], name="article_cnn")
    model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
    return model


def build_course_cnn(filters: tuple[int, ...] = (32, 64), convs_per_block: int = 1,
                     feature_units: int = 128,
                     batch_norm: bool = True, batch_norm_momentum: float = 0.99,
                     dropout_rate: float = 0.3,
                     augment: bool = True, rotation_degrees: float = 10.0,
                     shift_fraction: float = 0.1, zoom_fraction: float = 0.1,
                     learning_rate: float = 1e-3) -> Any:
    """The course's digit CNN: blocks of 3x3 convolutions and a max pool, then features.

    Each block: [Conv2D(f, 3x3, same) [-> BatchNorm] -> ReLU] x ``convs_per_block``
    -> MaxPool(2x2) [-> Dropout(dropout_rate / 2)]. Then Flatten -> Dense(feature_units)
    [-> BatchNorm] -> ReLU, the layer named "features" (shape (N, feature_units)),
    [-> Dropout(dropout_rate)] -> Dense(10, softmax).
    ``batch_norm_momentum``: how slowly BatchNormalization's running statistics (used at
    inference) follow the batches; 0.99 needs hundreds of steps to settle, 0.9 suits a run
    of a few dozen. With ``augment``, random rotations (up to ``rotation_degrees``), shifts
    (a fraction of the image) and zooms are applied during training only.
    Input (N, 28, 28, 1), output (N, 10). Compiled with Adam and sparse categorical
    cross-entropy (integer labels). Lesson 03.
    """
    if not filters:
        raise ValueError(f"filters must be a non-empty tuple of positive ints, got {filters!r}")
    filters = tuple(_arrays.positive_int(count, "each of filters") for count in filters)
    if len(filters) > 3:
        raise ValueError(f"at most 3 blocks fit a 28x28 image (28 -> 14 -> 7 -> 3), "
                         f"got {len(filters)} in filters={filters!r}")
    convs_per_block = _arrays.whole_number(convs_per_block, "convs_per_block", 1, 3)
    batch_norm_momentum = _arrays.fraction(batch_norm_momentum, "batch_norm_momentum",
                                           high_open=True)
    dropout_rate = _arrays.fraction(dropout_rate, "dropout_rate", high_open=True)
    feature_units = _arrays.positive_int(feature_units, "feature_units")
    import keras
    layers = keras.layers
    stack: list[Any] = [keras.Input(shape=IMAGE_SHAPE)]
    if augment and rotation_degrees:
        stack.append(layers.RandomRotation(rotation_degrees / 360.0, fill_mode="constant",
                                           seed=1, name="random_rotation"))
    if augment and shift_fraction:
        stack.append(layers.RandomTranslation(shift_fraction, shift_fraction,
                                              fill_mode="constant", seed=2,
                                              name="random_translation"))
    if augment and zoom_fraction:
        stack.append(layers.RandomZoom(zoom_fraction, fill_mode="constant", seed=3,
                                       name="random_zoom"))
    for block, count in enumerate(filters, start=1):
        for step in range(1, convs_per_block + 1):
            stack.append(layers.Conv2D(count, 3, padding="same", use_bias=not batch_norm,
                                       name=f"conv{block}_{step}"))
            if batch_norm:
                stack.append(layers.BatchNormalization(momentum=batch_norm_momentum,
                                                       name=f"norm{block}_{step}"))
            stack.append(layers.ReLU(name=f"relu{block}_{step}"))
        stack.append(layers.MaxPooling2D(2, name=f"pool{block}"))
        if dropout_rate:
            stack.append(layers.Dropout(dropout_rate / 2, name=f"dropout{block}"))
    stack += [layers.Flatten(name="flatten"),
              layers.Dense(feature_units, use_bias=not batch_norm, name="dense")]
    if batch_norm:
        stack.append(layers.BatchNormalization(momentum=batch_norm_momentum, name="norm_dense"))
    stack.append(layers.ReLU(name=FEATURES_LAYER))
    if dropout_rate:
        stack.append(layers.Dropout(dropout_rate, name="dropout_features"))
    stack.append(layers.Dense(10, activation="softmax", name="probabilities"))
    model = keras.Sequential(stack, name="course_cnn")
    model.compile(optimizer=keras.optimizers.Adam(learning_rate),
                  loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


def load_digit_classifier(weights: str | Path = CHECKPOINT_WEIGHTS,
                          record: str | Path = CHECKPOINT_RECORD) -> Any:
    """The trained course CNN, rebuilt from its record's settings with the shipped weights.

    Returns a compiled Keras model: (N, 28, 28, 1) images in [0, 1] -> (N, 10) probabilities.
    Its measured test accuracy is ``read_record(CHECKPOINT_RECORD)["scores"]["test_accuracy"]``.
    Lessons 03, 08, 09.
    """
    weights = Path(weights)
    if not weights.exists():
        raise FileNotFoundError(f"no weights at {weights}: run "
                                "`python -m tools.train_digit_cnn` in the course folder")
    build = dict(read_record(record, needs=("build",))["settings"]["build"])
    build["filters"] = tuple(build["filters"])  # JSON stores it as a list
    model = build_course_cnn(**build)
    model.load_weights(weights)
    return model


def cnn_ablation(path: str | Path = ABLATION) -> dict[str, dict[str, Any]]:
    """What ``python -m tools.train_digit_cnn --ablation`` recorded: {variant: its record},
    the course recipe without augmentation, then without dropout either (lesson 03)."""
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"no ablation table at {path}: run "
                                "`python -m tools.train_digit_cnn --ablation` in the course folder")
    table = json.loads(path.read_text(encoding="utf-8"))
    return {name: check_record(entry, path, row=name) for name, entry in table.items()}


def _takes_digits(model: Any) -> None:
    """A ValueError if a Keras model declares inputs other than digits: a model of another
    lesson (lesson 05's forecaster, say) would otherwise fail deep inside TensorFlow."""
    try:
        shape = tuple(model.inputs[0].shape[1:])
    except (AttributeError, IndexError, TypeError, ValueError):
        return  # not built yet, or a plain function: its first call will tell
    if shape not in (IMAGE_SHAPE, IMAGE_SHAPE[:2]):
        raise ValueError(f"the model takes inputs of shape (N, {', '.join(map(str, shape))}), "
                         f"not digits (N, 28, 28, 1): pass a digit classifier; "
                         f"{_CLASSIFIER_FROM}")


def digit_probabilities(model: Any, images: Any, batch_size: int = 500) -> np.ndarray:
    """Class probabilities of a digit classifier, float32 of shape (N, 10).

    images: (N, 28, 28) or (N, 28, 28, 1) in [0, 1]. Calls the model directly in batches
    (``inference.call_in_batches``, much faster than ``model.predict`` for small inputs).
    """
    callable_model(model, "model", "a Keras digit classifier", _CLASSIFIER_FROM)
    _takes_digits(model)
    return call_in_batches(model, _arrays.digit_images(images, hint=_DIGITS_FROM), batch_size)


def digit_features(model: Any, images: Any, batch_size: int = 500) -> np.ndarray:
    """The penultimate-layer ("features") activations, float32 of shape (N, feature_units).

    images: (N, 28, 28) or (N, 28, 28, 1) in [0, 1]. The model must have a layer named
    "features", like ``build_course_cnn`` and ``load_digit_classifier``. Used for the
    Frechet distance between sets of digits (lessons 08, 09).
    """
    callable_model(model, "model", "the course CNN from load_digit_classifier()",
                   _CLASSIFIER_FROM)
    names = [layer.name for layer in model.layers]
    if FEATURES_LAYER not in names:
        raise ValueError(f"the model has no layer named {FEATURES_LAYER!r} (its layers: "
                         f"{', '.join(names)}): use the course CNN from load_digit_classifier()")
    images = _arrays.digit_images(images, hint=_DIGITS_FROM)
    cut = names.index(FEATURES_LAYER) + 1
    layers = model.layers[:cut]

    def features(batch: np.ndarray, training: bool = False) -> Any:
        for layer in layers:
            batch = layer(batch, training=training)
        return batch

    return call_in_batches(features, images, batch_size)
