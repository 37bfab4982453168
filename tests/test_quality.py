"""The judge-based scores: real digits score high, noise and collapsed sets score low."""

import numpy as np
import pytest

from course_utils import data, quality


@pytest.fixture(scope="module")
def digits():
    (x_train, y_train), (x_test, y_test) = data.load_digits()
    return x_train, y_train, x_test, y_test


class SoftmaxRegression:
    """A linear softmax classifier trained by gradient descent in numpy: a stand-in judge,
    independent of the shipped CNN and of TensorFlow, trained in about a second."""

    def __init__(self, x, y, steps=100, learning_rate=2.0):
        x = x.reshape(len(x), -1)
        onehot = np.eye(10, dtype=np.float32)[y]
        self.weights = np.zeros((x.shape[1], 10), np.float32)
        self.bias = np.zeros(10, np.float32)
        for _ in range(steps):
            error = self._softmax(x @ self.weights + self.bias) - onehot
            self.weights -= learning_rate * x.T @ error / len(x)
            self.bias -= learning_rate * error.mean(axis=0)

    @staticmethod
    def _softmax(logits):
        exp = np.exp(logits - logits.max(axis=1, keepdims=True))
        return exp / exp.sum(axis=1, keepdims=True)

    def __call__(self, images, training=False):
        return self._softmax(np.asarray(images).reshape(len(images), -1) @ self.weights
                             + self.bias)


@pytest.fixture(scope="module")
def classifier(digits):
    x_train, y_train, _, _ = digits
    return SoftmaxRegression(x_train, y_train)


def test_real_digits_score_high_and_noise_low(digits, classifier):
    _, _, x_test, _ = digits
    real = quality.digit_scores(classifier, x_test)
    noise = quality.digit_scores(classifier, np.random.default_rng(0).random((1000, 28, 28)))
    assert real["conf90"] > 0.6, real["conf90"]
    assert real["classes_covered"] > 9.5, real["classes_covered"]
    assert noise["conf90"] < 0.1, noise["conf90"]
    assert noise["classes_covered"] < 4.0, noise["histogram"]
    assert real["histogram"].sum() == len(x_test) and real["predicted"].shape == (len(x_test),)


def test_one_digit_repeated_covers_one_class(digits, classifier):
    _, y_train, x_test, y_test = digits
    sevens = x_test[y_test == 7]
    scores = quality.digit_scores(classifier, sevens)
    assert scores["classes_covered"] < 2.0  # the stand-in judge misreads a few sevens
    assert scores["histogram"][7] > 0.8 * len(sevens)


@pytest.mark.parametrize("counts, expected", [
    ([10] * 10, 10.0), ([0, 0, 5, 0], 1.0), ([3, 3, 0], 2.0), ([1, 1, 1, 1], 4.0)])
def test_classes_covered_counts_equally_likely_classes(counts, expected):
    assert quality.classes_covered(counts) == pytest.approx(expected)


def test_classes_covered_grows_with_balance():
    assert quality.classes_covered([9, 1]) < quality.classes_covered([6, 4]) < 2.0


def test_frechet_distance_is_zero_for_a_set_and_itself():
    features = np.random.default_rng(0).normal(size=(200, 16))
    assert quality.frechet_distance(features, features) == pytest.approx(0.0, abs=1e-6)


def test_frechet_distance_of_gaussians_matches_the_closed_form():
    """For isotropic Gaussians: |mu_a - mu_b|^2 + D (sigma_a - sigma_b)^2."""
    rng = np.random.default_rng(1)
    dims = 8
    a = rng.normal(0.0, 1.0, size=(20000, dims))
    b = rng.normal(0.5, 2.0, size=(20000, dims))
    expected = dims * 0.5 ** 2 + dims * (2.0 - 1.0) ** 2
    assert quality.frechet_distance(a, b) == pytest.approx(expected, rel=0.05)


def test_frechet_distance_is_symmetric_and_stable_on_rank_deficient_features():
    rng = np.random.default_rng(2)
    a = rng.normal(size=(30, 64))  # fewer rows than dimensions: singular covariances
    b = rng.normal(size=(40, 64)) + 0.1
    ab, ba = quality.frechet_distance(a, b), quality.frechet_distance(b, a)
    assert np.isfinite(ab) and ab >= 0
    assert ab == pytest.approx(ba, rel=1e-6)


def test_frechet_distance_grows_as_sets_drift_apart():
    rng = np.random.default_rng(3)
    a = rng.normal(size=(500, 4))
    distances = [quality.frechet_distance(a, rng.normal(size=(500, 4)) + shift)
                 for shift in (0.0, 0.5, 1.0, 2.0)]
    assert distances == sorted(distances)


def test_images_outside_unit_range_are_rejected(classifier):
    with pytest.raises(ValueError, match=r"\[0, 1\].*255"):
        quality.digit_scores(classifier, np.full((4, 28, 28), 255.0))
    with pytest.raises(ValueError, match=r"\(x \+ 1\) / 2"):
        quality.digit_scores(classifier, np.full((4, 28, 28), -1.0))


def test_bad_shapes_are_rejected(classifier):
    with pytest.raises(ValueError, match=r"\(N, 28, 28\)"):
        quality.digit_scores(classifier, np.zeros((4, 32, 32)))
    with pytest.raises(ValueError, match="same D"):
        quality.frechet_distance(np.zeros((5, 3)), np.zeros((5, 4)))
    with pytest.raises(ValueError, match="at least 2 rows"):
        quality.frechet_distance(np.zeros((1, 3)), np.zeros((5, 3)))
    with pytest.raises(ValueError, match="non-negative counts"):
        quality.classes_covered([0, 0])


def test_a_classifier_without_softmax_is_rejected():
    def logits(images, training=False):
        return np.full((len(images), 10), 3.0)

    with pytest.raises(ValueError, match="softmax"):
        quality.digit_scores(logits, np.zeros((2, 28, 28)))


def test_the_course_judge_scores_real_digits_high_and_noise_low(digits):
    """With the shipped judge: noise is *confidently* one digit, which is why the course never
    reads the confident share alone; coverage and the Frechet distance expose it."""
    from course_utils.models import digits as digit_models

    x_train, _, x_test, _ = digits
    judge = digit_models.load_digit_classifier()
    noise_images = np.random.default_rng(0).random((500, 28, 28))
    real = quality.digit_scores(judge, x_test)
    noise = quality.digit_scores(judge, noise_images)
    assert real["conf90"] > 0.95 and real["classes_covered"] > 9.9, real
    assert noise["classes_covered"] < 1.5, noise["histogram"]
    test_features = digit_models.digit_features(judge, x_test)
    real_distance = quality.frechet_distance(
        digit_models.digit_features(judge, x_train[:500]), test_features)
    noise_distance = quality.frechet_distance(
        digit_models.digit_features(judge, noise_images), test_features)
    assert real_distance < 10 and noise_distance > 20 * real_distance, (real_distance,
                                                                        noise_distance)
