"""Lesson 08's exercises: the labels of each loss term, and a number that detects mode collapse."""

import numpy as np

from course_utils.checks import Exercise, attempt, correct, matches, wrong

_TERMS = ("discriminator_on_real", "discriminator_on_fake", "generator_on_fake")


def _judge_labels(labels):
    if not isinstance(labels, dict):
        raise wrong(f"expected a dict with the keys {', '.join(_TERMS)}, got "
                    f"{type(labels).__name__}", "keep the dict of the cell and fill in its values")
    missing = [term for term in _TERMS if term not in labels]
    if missing:
        raise wrong(f"the key(s) {', '.join(missing)} are missing",
                    "keep the three keys of the cell and give each a label")
    if any(labels[term] is Ellipsis or labels[term] is None for term in _TERMS):
        raise wrong("some labels are still `...`", "give every loss term a number")
    real, fake, generator = (float(labels[term]) for term in _TERMS)
    if real < 0.5 and fake > 0.5:
        raise wrong(f"discriminator_on_real={real:g}, discriminator_on_fake={fake:g}: the "
                    "discriminator's labels are swapped",
                    "the discriminator outputs the probability that its input is real")
    if fake > 0.5:
        raise wrong(f"discriminator_on_fake={fake:g}: with this label the discriminator "
                    "is trained to call generated images real",
                    "the discriminator must learn to call generated images fake")
    if real < 0.5:
        raise wrong(f"discriminator_on_real={real:g}: the discriminator would learn to call "
                    "real digits fake", "real training digits are what 'real' means")
    if fake != 0.0:
        raise wrong(f"discriminator_on_fake={fake:g}: label smoothing is one-sided; only "
                    "the real label is softened (to 0.9), the fake label stays 0",
                    "a soft fake label rewards the discriminator for being unsure about fakes")
    if generator < 0.5:
        raise wrong(f"generator_on_fake={generator:g}: this is the discriminator's label "
                    "for the same images; the generator wants the opposite",
                    "the generator wants the discriminator to call its images real")
    if generator != 1.0:
        raise wrong(f"generator_on_fake={generator:g}: the generator's target is plain 1, "
                    "smoothing is for the discriminator only",
                    "the generator wants the discriminator to say 'real' with certainty")
    if real not in (1.0, 0.9):
        raise wrong(f"discriminator_on_real={real:g}: use 1 (or 0.9 with label smoothing)",
                    "the label of a real image is 1; smoothing softens it a little, not more")
    return correct("Both players use the same binary cross-entropy; only the labels differ. "
                   "The generator's label 1 on its own images is the non-saturating loss of "
                   "lesson 07, and 0.9 instead of 1 for real images (one-sided label "
                   "smoothing) keeps the DCGAN's discriminator from becoming overconfident.")


loss_labels = Exercise(
    id="gan_digits.loss_labels",
    lesson="08",
    title="Pick the label of each loss term",
    judge=_judge_labels,
    hints=("Ask, for each term, what the network being updated wants the discriminator "
           "to say about those images: 1 means real, 0 means fake.",
           "The generator's images appear in two terms with opposite wishes: the "
           "discriminator wants to catch them, the generator wants them to pass."),
    answer="labels",
    kind="choose",
    solution=('labels = {"discriminator_on_real": 1.0, "discriminator_on_fake": 0.0,\n'
              '          "generator_on_fake": 1.0}'),
    mistakes=(
        ('labels = {"discriminator_on_real": 0.0, "discriminator_on_fake": 1.0,\n'
         '          "generator_on_fake": 1.0}', "swapped"),
        ('labels = {"discriminator_on_real": 1.0, "discriminator_on_fake": 0.0,\n'
         '          "generator_on_fake": 0.0}', "call its images real"),
        ('labels = {"discriminator_on_real": 1.0, "discriminator_on_fake": 1.0,\n'
         '          "generator_on_fake": 1.0}', "call generated images fake"),
        ('labels = {"discriminator_on_real": 0.9, "discriminator_on_fake": 0.1,\n'
         '          "generator_on_fake": 1.0}', "one-sided"),
        ('labels = {"discriminator_on_real": 0.9, "discriminator_on_fake": 0.0,\n'
         '          "generator_on_fake": 0.9}', "plain 1"),
        ('labels = {"discriminator_on_real": 1.0, "generator_on_fake": 1.0}', "missing"),
    ),
)


def _reference_covered(histogram):
    shares = np.asarray(histogram, dtype=float)
    shares = shares[shares > 0] / shares.sum()
    return float(np.exp(-np.sum(shares * np.log(shares))))


def _random_histograms(seed: int = 8, count: int = 40) -> list[tuple[str, list[int]]]:
    """Counts of 10 classes, about a third of them empty, never all; fewest samples first."""
    rng = np.random.default_rng(seed)
    found = []
    for _ in range(count):
        counts = rng.integers(0, 60, size=10) * (rng.random(size=10) < 0.7)
        counts[rng.integers(10)] += 1  # at least one sample
        found.append(("random counts, some classes empty", [int(item) for item in counts]))
    return sorted(found, key=lambda case: sum(case[1]))


_CASES = (
    ("ten classes, equally often", [100] * 10),
    ("one digit and a few stray samples", [991] + [1] * 9),
    ("three classes, four empty", [300, 300, 300, 100, 0, 0, 0, 0, 0, 0]),
    ("counts that are not shares", [5, 5, 0, 0, 0, 0, 0, 0, 0, 0]),
) + tuple(_random_histograms())
"""(what the histogram shows, counts per class): the notebook's four, then random ones."""


def _judge_covered(classes_covered):
    for description, histogram in _CASES:
        expected = _reference_covered(histogram)
        got = attempt(classes_covered, np.array(histogram),
                      case=f"for the histogram {histogram} ({description})")
        try:
            got = float(got)
        except (TypeError, ValueError):
            raise wrong(f"classes_covered({histogram}) returned {got!r}, not a number",
                        "return one float: the number of equally likely classes") from None
        if np.isnan(got):
            raise wrong(f"classes_covered({histogram}) ({description}) returned nan: empty "
                        "classes give 0 * log(0) = nan",
                        "leave out the empty classes before taking the logarithm")
        if matches(got, expected, rtol=1e-3):
            continue
        shares = np.asarray(histogram, float)[np.asarray(histogram) > 0] / np.sum(histogram)
        entropy = -np.sum(shares * np.log(shares))
        if np.isclose(got, np.count_nonzero(histogram)):
            raise wrong(f"classes_covered({histogram}) ({description}) returned {got:g}, the "
                        f"number of classes that appear at all; expected {expected:.2f}",
                        "a single stray sample should not count as much as 900: weigh each "
                        "class by its share")
        if np.isclose(got, entropy, rtol=1e-3):
            raise wrong(f"classes_covered({histogram}) ({description}) returned {got:.3f}, "
                        f"the entropy itself; expected {expected:.2f}",
                        "entropy is in nats; exp(entropy) turns it into a number of classes")
        if np.isclose(got, np.exp(-np.sum(shares * np.log2(shares))), rtol=1e-3):
            raise wrong(f"classes_covered({histogram}) ({description}) returned {got:.3f}; "
                        f"expected {expected:.2f}: the entropy was taken in bits (log2) but "
                        "undone with exp", "undo a log2 with 2 ** H, or use np.log with np.exp")
        if np.isclose(got, 1.0 / np.max(shares)):
            raise wrong(f"classes_covered({histogram}) ({description}) returned {got:.3f}, "
                        f"one over the largest class's share; expected {expected:.2f}",
                        "the largest class alone misses how the others are spread: use "
                        "the entropy of all the shares")
        raise wrong(f"classes_covered({histogram}) ({description}) returned {got:.3f}, "
                    f"expected {expected:.2f}",
                    "turn counts into shares p, compute H = -sum(p log p), return exp(H)")
    return correct("exp(entropy) counts equally likely classes: 10 for perfect coverage, "
                   "about 1 for one digit with a few strays. A grid whose classes cover "
                   "fewer than about 5 has collapsed onto a few modes, whatever its count "
                   "of distinct labels says.")


classes_covered = Exercise(
    id="gan_digits.classes_covered",
    lesson="08",
    title="Detect mode collapse: how many classes does a grid cover?",
    judge=_judge_covered,
    hints=("Turn the counts into shares that sum to 1, then measure how spread out they "
           "are with the entropy.",
           "H = -sum(p * log(p)) over the classes with p > 0; the answer is exp(H)."),
    answer="classes_covered",
    solution=("def classes_covered(histogram):\n"
              "    shares = histogram[histogram > 0] / histogram.sum()\n"
              "    return float(np.exp(-np.sum(shares * np.log(shares))))"),
    mistakes=(
        ("def classes_covered(histogram):\n    return np.count_nonzero(histogram)",
         "weigh each class by its share"),
        ("def classes_covered(histogram):\n"
         "    shares = histogram[histogram > 0] / histogram.sum()\n"
         "    return -np.sum(shares * np.log(shares))", "exp(entropy)"),
        ("def classes_covered(histogram):\n"
         "    shares = histogram / histogram.sum()\n"
         "    return np.exp(-np.sum(shares * np.log(shares)))", "0 * log(0) = nan"),
        ("def classes_covered(histogram):\n"
         "    shares = histogram[histogram > 0] / histogram.sum()\n"
         "    return np.exp(-np.sum(shares * np.log2(shares)))", "2 ** H"),
        ("def classes_covered(histogram):\n"
         "    return histogram.sum() / histogram.max()", "largest class"),
        ("def classes_covered(histogram):\n    return 10.0", "expected"),
        ("def classes_covered(histogram):\n    return quality.classes_covered(histogram)",
         "course's version"),
    ),
    setup="import numpy as np\nfrom course_utils import quality",
    forbidden=("course_utils.quality.classes_covered", "scipy.stats.entropy"),
    variants=("import math\n"
              "def classes_covered(histogram):\n"
              "    total = sum(histogram)\n"
              "    entropy = -sum(count / total * math.log(count / total)\n"
              "                   for count in histogram if count > 0)\n"
              "    return math.exp(entropy)",),
)
