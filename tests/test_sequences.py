"""The adding problem, name encoding, temperature sampling and the measures of generated names."""

import numpy as np
import pytest

from course_utils import sequences

NAMES = ["ada", "bob", "abba", "dan"]


def test_adding_problem_marks_one_value_in_each_half():
    x, y = sequences.adding_problem(200, 10, seed=3)
    assert x.shape == (200, 10, 2) and y.shape == (200,)
    assert x.dtype == np.float32 and y.dtype == np.float32
    markers = x[..., 1]
    np.testing.assert_array_equal(markers[:, :5].sum(axis=1), 1)
    np.testing.assert_array_equal(markers[:, 5:].sum(axis=1), 1)
    np.testing.assert_allclose(y, (x[..., 0] * markers).sum(axis=1), rtol=1e-6)
    assert np.all((x[..., 0] >= 0) & (x[..., 0] < 1))


def test_adding_problem_repeats_with_its_seed_and_has_the_trivial_mse():
    x, y = sequences.adding_problem(20_000, 8, seed=1)
    again, _ = sequences.adding_problem(20_000, 8, seed=1)
    other, _ = sequences.adding_problem(20_000, 8, seed=2)
    np.testing.assert_array_equal(x, again)
    assert not np.array_equal(x, other)
    # the sum of two uniform values has variance 2/12: predicting 1.0 scores about 0.167
    assert abs(np.mean((y - 1.0) ** 2) - 1 / 6) < 0.01


@pytest.mark.parametrize("arguments", [(0, 10), (5, 1), (2.5, 10), (5, "10")])
def test_adding_problem_refuses_bad_sizes(arguments):
    with pytest.raises(ValueError, match="must be (a positive int|an int of at least 2)"):
        sequences.adding_problem(*arguments, seed=0)


def test_vocabulary_starts_with_the_tokens():
    vocabulary = sequences.make_vocabulary(NAMES)
    assert vocabulary == (sequences.START, sequences.END, "a", "b", "d", "n", "o")


def test_vocabulary_refuses_bad_words():
    with pytest.raises(ValueError, match="single string"):
        sequences.make_vocabulary("ada")
    with pytest.raises(ValueError, match="empty"):
        sequences.make_vocabulary([])
    with pytest.raises(ValueError, match="reserved"):
        sequences.make_vocabulary(["a$b"])


def test_encode_names_shifts_targets_one_step_and_masks_padding():
    vocabulary = sequences.make_vocabulary(NAMES)
    x, y, weights = sequences.encode_names(NAMES, vocabulary)
    assert x.shape == y.shape == weights.shape == (4, 5)
    np.testing.assert_array_equal(x[:, 1:], y[:, :-1])
    assert np.all(x[:, 0] == 0)
    assert sequences.decode(x[2], vocabulary) == "abba"
    assert sequences.decode(y[0], vocabulary) == "ada"
    # "ada" has 3 letters + END = 4 counted targets; "abba" 5
    np.testing.assert_array_equal(weights.sum(axis=1), [4, 4, 5, 4])


def test_encode_names_explains_its_errors():
    vocabulary = sequences.make_vocabulary(NAMES)
    with pytest.raises(ValueError, match="too short"):
        sequences.encode_names(NAMES, vocabulary, length=3)
    with pytest.raises(ValueError, match="lacks"):
        sequences.encode_names(["zed"], vocabulary)
    with pytest.raises(ValueError, match="START and END"):
        sequences.encode_names(NAMES, ("a", "b", "d"))


class _BigramModel:
    """A fixed next-character table, called like a Keras model on (N, T) token indices."""

    def __init__(self, table):
        self.logits = np.log(np.asarray(table, dtype=float) + 1e-9)

    def __call__(self, tokens, training=False):
        return self.logits[np.asarray(tokens)]


def _ab_model(vocabulary):
    # after START: "a" (0.9) or "b" (0.1); after a letter: END (0.6) or "a" (0.4)
    table = np.zeros((len(vocabulary), len(vocabulary)))
    a, b = vocabulary.index("a"), vocabulary.index("b")
    table[0, a], table[0, b] = 0.9, 0.1
    table[1:, 1], table[1:, a] = 0.6, 0.4
    return _BigramModel(table)


def test_sample_names_follows_the_model_and_its_seed():
    vocabulary = sequences.make_vocabulary(["ab"])
    model = _ab_model(vocabulary)
    names = sequences.sample_names(model, vocabulary, 400, temperature=1.0, seed=0)
    assert names == sequences.sample_names(model, vocabulary, 400, temperature=1.0, seed=0)
    assert set("".join(names)) <= {"a", "b"}
    assert 0.8 < np.mean([name[0] == "a" for name in names]) < 0.97
    assert 0.5 < np.mean([len(name) == 1 for name in names]) < 0.7


def test_low_temperature_picks_the_likeliest_character_high_spreads_out():
    vocabulary = sequences.make_vocabulary(["ab"])
    model = _ab_model(vocabulary)
    cold = sequences.sample_names(model, vocabulary, 200, temperature=0.05, seed=1)
    hot = sequences.sample_names(model, vocabulary, 200, temperature=5.0, seed=1)
    assert set(cold) == {"a"}
    assert np.mean([name.startswith("b") for name in hot]) > 0.3


def test_sample_names_stops_at_max_length():
    vocabulary = sequences.make_vocabulary(["ab"])
    table = np.zeros((4, 4))
    table[:, 2] = 1.0  # always "a", never END
    names = sequences.sample_names(_BigramModel(table), vocabulary, 3, 1.0, seed=0, max_length=6)
    assert names == ["aaaaaa"] * 3


def test_sample_names_explains_its_errors():
    vocabulary = sequences.make_vocabulary(["ab"])
    model = _ab_model(vocabulary)
    with pytest.raises(ValueError, match="positive"):
        sequences.sample_names(model, vocabulary, 3, temperature=0.0)
    with pytest.raises(ValueError, match="positive"):
        sequences.sample_names(model, vocabulary, 3, temperature=float("nan"))
    with pytest.raises(ValueError, match="one temperature or 3"):
        sequences.sample_names(model, vocabulary, 3, temperature=[1.0, 2.0])
    with pytest.raises(ValueError, match="return sequences"):
        sequences.sample_names(lambda tokens, training: np.zeros((3, 4)), vocabulary, 3)


def test_novelty_and_plausibility():
    training = ["anna", "hanna", "nora", "hannah"]
    assert sequences.novelty(["anna", "nanna", "zzz", "nora"], training) == 0.5
    # "annah" uses only three-letter pieces seen in the list; "xq" and "a" do not qualify
    assert sequences.plausibility(["annah", "hanna", "xqxq", "a"], training) == 0.5
    with pytest.raises(ValueError, match="empty"):
        sequences.novelty([], training)
    with pytest.raises(ValueError, match="non-empty string"):
        sequences.plausibility(["anna"], ["anna", None])


def test_perplexity_of_a_uniform_guess_is_the_vocabulary_size():
    targets = np.random.default_rng(0).integers(0, 7, size=(3, 5))
    assert np.isclose(sequences.perplexity(np.full((3, 5, 7), 1 / 7), targets), 7.0)


def test_perplexity_is_exp_of_the_mean_cross_entropy_of_the_targets():
    # two steps: the targets got 0.5 and 0.125, so -log p averages log(4) and perplexity is 4
    probabilities = np.array([[[0.5, 0.25, 0.25], [0.125, 0.125, 0.75]]])
    assert np.isclose(sequences.perplexity(probabilities, [[0, 1]]), 4.0)
    # the same with Keras' cross-entropy on every step, averaged
    import keras

    rng = np.random.default_rng(1)
    probabilities = rng.dirichlet(np.ones(6), size=(4, 3))
    targets = rng.integers(0, 6, size=(4, 3))
    keras_loss = np.asarray(keras.losses.sparse_categorical_crossentropy(targets, probabilities))
    assert np.isclose(sequences.perplexity(probabilities, targets), np.exp(keras_loss.mean()),
                      rtol=1e-5)
    assert sequences.perplexity([[[0.0, 1.0]]], [[0]]) == np.inf


def test_perplexity_explains_its_errors():
    probabilities = np.full((2, 3, 4), 0.25)
    with pytest.raises(ValueError, match=r"\(N, T\)"):
        sequences.perplexity(probabilities, np.zeros((2, 4), dtype=int))
    with pytest.raises(ValueError, match="integer ids from 0 to 3"):
        sequences.perplexity(probabilities, np.full((2, 3), 4))
    with pytest.raises(ValueError, match="integer ids"):
        sequences.perplexity(probabilities, np.full((2, 3), 0.5))
    with pytest.raises(ValueError, match=r"\(N, T, V\)"):
        sequences.perplexity(probabilities[0], np.zeros(3, dtype=int))
    with pytest.raises(ValueError, match="softmax"):
        sequences.perplexity(-probabilities, np.zeros((2, 3), dtype=int))
