"""The digit classifiers: the article's CNN, the course CNN, its checkpoint and its features."""


import keras
import numpy as np
import pytest

from course_utils import data
from course_utils.models import digits


@pytest.fixture(scope="module")
def classifier():
    return digits.load_digit_classifier()


@pytest.fixture(scope="module")
def test_split():
    _, (x_test, y_test) = data.load_digits()
    return x_test, y_test


def test_article_cnn_matches_the_snippet():
    model = digits.build_article_cnn()
    assert model.input_shape == (None, 28, 28, 1)
    assert model.output_shape == (None, 10)
    counts = {layer.name: layer.count_params() for layer in model.layers}
    kinds = [type(layer).__name__ for layer in model.layers]
    assert kinds == ["Conv2D", "MaxPooling2D", "Flatten", "Dense", "Dense"]
    assert list(counts.values()) == [3 * 3 * 1 * 32 + 32, 0, 0, 13 * 13 * 32 * 128 + 128,
                                     128 * 10 + 10]
    assert model.count_params() == 693_962
    assert model.loss == "categorical_crossentropy"
    assert isinstance(model.optimizer, keras.optimizers.Adam)


def test_article_cnn_trains_on_one_hot_labels():
    keras.utils.set_random_seed(0)
    model = digits.build_article_cnn()
    x = np.random.default_rng(0).random((8, 28, 28, 1), dtype=np.float32)
    y = keras.utils.to_categorical(np.arange(8) % 10, 10)
    before = model.evaluate(x, y, verbose=0)[0]
    for _ in range(5):
        model.train_on_batch(x, y)
    # spread: the loss drops by 1.0-1.3 over 5 seeds; 1 thread moves it by 1e-7
    assert model.evaluate(x, y, verbose=0)[0] < before


@pytest.mark.parametrize("filters, convs_per_block, units", [((8,), 1, 16), ((8, 16), 2, 32),
                                                             ((4, 8, 8), 1, 8)])
def test_course_cnn_shapes(filters, convs_per_block, units):
    model = digits.build_course_cnn(filters=filters, convs_per_block=convs_per_block,
                                    feature_units=units)
    x = np.random.default_rng(1).random((3, 28, 28, 1), dtype=np.float32)
    probabilities = np.asarray(model(x, training=False))
    assert probabilities.shape == (3, 10)
    np.testing.assert_allclose(probabilities.sum(axis=1), 1.0, rtol=1e-5)
    assert digits.digit_features(model, x).shape == (3, units)
    convs = [layer for layer in model.layers if isinstance(layer, keras.layers.Conv2D)]
    assert [layer.filters for layer in convs] == [f for f in filters for _ in range(convs_per_block)]


def test_course_cnn_switches_remove_their_layers():
    plain = digits.build_course_cnn(batch_norm=False, dropout_rate=0.0, augment=False)
    kinds = {type(layer).__name__ for layer in plain.layers}
    assert not kinds & {"BatchNormalization", "Dropout", "RandomRotation", "RandomTranslation",
                        "RandomZoom"}
    full = {type(layer).__name__ for layer in digits.build_course_cnn().layers}
    assert {"BatchNormalization", "Dropout", "RandomRotation", "RandomTranslation",
            "RandomZoom"} <= full


def test_augmentation_acts_only_in_training():
    keras.utils.set_random_seed(0)
    model = digits.build_course_cnn(filters=(4,), feature_units=8, batch_norm=False,
                                    dropout_rate=0.0)
    _, (x_test, _) = data.load_digits()
    x = x_test[:4, ..., None]
    augment = keras.Sequential([layer for layer in model.layers if layer.name.startswith("random")])
    assert not np.allclose(np.asarray(augment(x, training=True)), x)
    np.testing.assert_array_equal(np.asarray(augment(x, training=False)), x)
    np.testing.assert_array_equal(np.asarray(model(x, training=False)),
                                  np.asarray(model(x, training=False)))


@pytest.mark.parametrize("arguments, words", [
    ({"filters": ()}, "non-empty"),
    ({"filters": (8, 8, 8, 8)}, "at most 3 blocks"),
    ({"convs_per_block": 0}, "convs_per_block"),
    ({"dropout_rate": 1.0}, "dropout_rate"),
    ({"batch_norm_momentum": 1.0}, "batch_norm_momentum"),
    ({"feature_units": 0}, "feature_units"),
])
def test_course_cnn_rejects_bad_arguments(arguments, words):
    with pytest.raises(ValueError, match=words):
        digits.build_course_cnn(**arguments)


def test_checkpoint_is_small_and_described():
    size = digits.CHECKPOINT_WEIGHTS.stat().st_size
    assert 100_000 < size < 5_000_000, f"checkpoint of {size:,} bytes"
    record = digits.read_record(digits.CHECKPOINT_RECORD, needs=("build", "epochs"))
    assert record["model"] == "course_utils.models.digits.build_course_cnn"
    assert record["scores"]["test_size"] == 1000


def test_ablation_lists_each_variant_of_the_recipe():
    table = digits.cnn_ablation()
    recipe = digits.read_record(digits.CHECKPOINT_RECORD)
    assert set(table) == {"without augmentation", "without augmentation or dropout"}
    for record in table.values():
        assert 0.9 < record["scores"]["test_accuracy"] <= 1.0
        assert record["settings"]["epochs"] == recipe["settings"]["epochs"]
    assert not table["without augmentation"]["settings"]["build"]["augment"]
    assert table["without augmentation or dropout"]["settings"]["build"]["dropout_rate"] == 0.0


def test_batch_norm_momentum_reaches_the_layers():
    model = digits.build_course_cnn(batch_norm_momentum=0.9)
    norms = [layer for layer in model.layers if isinstance(layer, keras.layers.BatchNormalization)]
    assert norms and all(layer.momentum == 0.9 for layer in norms)


def test_checkpoint_scores_on_the_held_out_digits(classifier, test_split):
    x_test, y_test = test_split
    accuracy = np.mean(digits.digit_probabilities(classifier, x_test).argmax(axis=1) == y_test)
    # spread: 98.8% on 1 thread and at the default, the same 10 times (benchmarks/spread.json)
    assert accuracy >= 0.985, f"checkpoint accuracy {accuracy:.2%} on the test split"
    recorded = digits.read_record(digits.CHECKPOINT_RECORD)["scores"]["test_accuracy"]
    assert abs(accuracy - recorded) <= 0.003, f"measured {accuracy:.4f}, recorded {recorded}"


def test_features_are_the_penultimate_layer(classifier, test_split):
    x_test, _ = test_split
    features = digits.digit_features(classifier, x_test[:300], batch_size=128)
    assert features.shape == (300, 128) and features.dtype == np.float32
    reference = keras.Model(classifier.inputs, classifier.get_layer("features").output)
    np.testing.assert_allclose(features, np.asarray(reference(x_test[:300, ..., None], training=False)),
                               rtol=1e-4, atol=1e-5)
    assert np.all(features >= 0), "features come after a ReLU"


def test_probabilities_batched_equal_one_call(classifier, test_split):
    x_test, _ = test_split
    batched = digits.digit_probabilities(classifier, x_test[:70], batch_size=32)
    whole = np.asarray(classifier(x_test[:70, ..., None], training=False))
    np.testing.assert_allclose(batched, whole, rtol=1e-4, atol=1e-6)


def test_scattered_ink_is_not_a_confident_digit(classifier, test_split):
    ink = (np.random.default_rng(0).random((200, 28, 28)) > 0.8).astype(np.float32)
    real = digits.digit_probabilities(classifier, test_split[0][:200]).max(axis=1)
    assert np.mean(real > 0.9) > 0.9
    assert np.mean(digits.digit_probabilities(classifier, ink).max(axis=1) > 0.9) < 0.3


@pytest.mark.parametrize("images, words", [
    (np.zeros((28, 28)), "images\\[None\\]"),
    (np.zeros((2, 32, 32)), "must have shape \\(N, 28, 28\\).*load_digits"),
    (np.zeros((2, 28, 28, 3)), "must have shape \\(N, 28, 28\\)"),
    (np.zeros((0, 28, 28)), "empty"),
    (np.full((2, 28, 28), np.nan), "NaN"),
    (np.full((2, 28, 28), -0.5), "\\(x \\+ 1\\) / 2"),
    (np.full((2, 28, 28), 255.0), "divide 0..255 pixels by 255"),
])
def test_bad_images_are_explained(classifier, images, words):
    with pytest.raises(ValueError, match=words):
        digits.digit_features(classifier, images)
    with pytest.raises(ValueError, match=words):
        digits.digit_probabilities(classifier, images)


def test_features_need_a_features_layer():
    with pytest.raises(ValueError, match="no layer named 'features'"):
        digits.digit_features(digits.build_article_cnn(), np.zeros((1, 28, 28)))


def test_bad_batch_size(classifier):
    with pytest.raises(ValueError, match="batch_size"):
        digits.digit_features(classifier, np.zeros((1, 28, 28)), batch_size=0)


def test_missing_checkpoint_says_how_to_make_it(tmp_path):
    with pytest.raises(FileNotFoundError, match="python -m tools.train_digit_cnn"):
        digits.load_digit_classifier(weights=tmp_path / "none.weights.h5")


def test_a_classifier_of_another_size_loads_from_its_record(tmp_path, test_split):
    """The loader rebuilds the network from the recorded settings, not from the defaults."""
    from course_utils.models import record

    build = {"filters": [8], "feature_units": 16, "augment": False}
    model = digits.build_course_cnn(**{**build, "filters": (8,)})
    model.save_weights(tmp_path / "small.weights.h5")
    record.write_record(tmp_path / "small.json", record.new_record(
        "course_utils.models.digits.build_course_cnn", "python -m tools.train_digit_cnn",
        {"build": build}, None))
    loaded = digits.load_digit_classifier(tmp_path / "small.weights.h5", tmp_path / "small.json")
    x_test, _ = test_split
    np.testing.assert_allclose(digits.digit_probabilities(loaded, x_test[:20]),
                               digits.digit_probabilities(model, x_test[:20]), rtol=1e-5, atol=1e-6)
