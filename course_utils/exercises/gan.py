"""Lesson 08's exercises: the labels of each loss term, the alternating training loop (a
scaffold, judged by playing it against moves that record what they receive), and a number
that detects mode collapse."""

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
    id="gan.loss_labels",
    lesson="08",
    title="Predict the label of each loss term",
    judge=_judge_labels,
    hints=("Ask, for each term, what the network being updated wants the discriminator "
           "to say about those images: 1 means real, 0 means fake.",
           "The generator's images appear in two terms with opposite wishes: the "
           "discriminator wants to catch them, the generator wants them to pass."),
    answer="labels",
    kind="predict",
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


BUGGY_CLASSES_COVERED = ("def classes_covered(histogram):\n"
                         '    """exp(H), H the entropy of the shares of the classes: the number '
                         'of\n    equally likely classes the histogram amounts to."""\n'
                         "    shares = histogram / histogram.sum()\n"
                         "    return float(np.exp(-np.sum(shares * np.log(shares))))")
"""What lesson 08 ships: right while every class appears, nan for a collapsed generator."""

classes_covered = Exercise(
    id="gan.classes_covered",
    lesson="08",
    title="Find the bug: a collapse detector that fails on collapse",
    judge=_judge_covered,
    hints=("Try it on np.array([300, 300, 400, 0, 0, 0, 0, 0, 0, 0]): what does each empty "
           "class add to the sum?",
           "A class that never appears contributes nothing to the entropy: 0 * log 0 counts "
           "as 0, but numpy computes it as nan."),
    answer="classes_covered",
    kind="find the bug",
    solution=("def classes_covered(histogram):\n"
              "    shares = histogram[histogram > 0] / histogram.sum()\n"
              "    return float(np.exp(-np.sum(shares * np.log(shares))))"),
    mistakes=(
        ("def classes_covered(histogram):\n    return np.count_nonzero(histogram)",
         "weigh each class by its share"),
        ("def classes_covered(histogram):\n"
         "    shares = histogram[histogram > 0] / histogram.sum()\n"
         "    return -np.sum(shares * np.log(shares))", "exp(entropy)"),
        (BUGGY_CLASSES_COVERED, "0 * log(0) = nan"),
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


# ---------------------------------------------------------------- the alternating loop (scaffold)

_LOOP_SCAFFOLD = '''def train_gan(d_step, g_step, images, rounds, batch_size, latent_dim, rng, d_steps=1):
    """Play `rounds` rounds of the game on `images` (N, 784); return the losses, (rounds, 2).

    A round: `d_steps` moves of D, each on its own batch of real images and its own noise,
    then one move of G on fresh noise. d_step(real_batch, noise) and g_step(noise) make one
    move each and return its loss. Draw everything random from rng.
    """
    losses = []
    for _ in range(rounds):
        for _ in range(d_steps):
            real_batch = {real_batch}  # (batch_size, 784): rows of images, picked at random
            noise = {noise}  # (batch_size, latent_dim): float32, standard normal
            d_loss = {d_move}  # D's move
        noise = {g_noise}  # fresh noise for G
        g_loss = {g_move}  # G's move
        losses.append({record})  # D's last loss of the round, then G's
    return np.array(losses)'''

_LOOP = {"real_batch": "images[rng.integers(0, len(images), size=batch_size)]",
         "noise": "rng.standard_normal((batch_size, latent_dim), dtype=np.float32)",
         "d_move": "d_step(real_batch, noise)",
         "g_noise": "rng.standard_normal((batch_size, latent_dim), dtype=np.float32)",
         "g_move": "g_step(noise)",
         "record": "(float(d_loss), float(g_loss))"}
_LOOP_BLANK = {key: "..." for key in _LOOP}


def _loop(**changes: str) -> str:
    return _LOOP_SCAFFOLD.format(**{**_LOOP, **changes})


# (images, rounds, batch_size, latent_dim, d_steps), smallest first; the last ones draw
# enough noise (thousands of numbers) to tell a normal distribution from another
_LOOP_CASES = ((5, 1, 2, 3, 1), (6, 3, 2, 2, 1), (9, 2, 3, 4, 2), (12, 4, 4, 3, 3),
               (40, 3, 16, 100, 1), (30, 2, 8, 64, 2))


class _Moves:
    """A d_step and a g_step that record what they receive, in order, and return numbered
    losses (D's move k returns 1 + k / 100, G's move k returns 5 + k / 100)."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, np.ndarray | None, np.ndarray]] = []

    def d_step(self, real_batch, noise):
        self.calls.append(("D", np.array(real_batch, copy=True), np.array(noise, copy=True)))
        return 1.0 + sum(1 for call in self.calls if call[0] == "D") / 100

    def g_step(self, noise):
        self.calls.append(("G", None, np.array(noise, copy=True)))
        return 5.0 + sum(1 for call in self.calls if call[0] == "G") / 100


def _judge_loop(train_gan):
    all_noise = []
    for images_count, rounds, batch_size, latent_dim, d_steps in _LOOP_CASES:
        images = np.repeat(np.arange(images_count, dtype=np.float32)[:, None], 784, axis=1)
        where = (f"For {rounds} round(s) with d_steps={d_steps}, batches of {batch_size} from "
                 f"{images_count} images and noise of size {latent_dim}")
        moves = _Moves()
        losses = attempt(train_gan, moves.d_step, moves.g_step, images.copy(), rounds,
                         batch_size, latent_dim, np.random.default_rng(images_count),
                         d_steps=d_steps, case=where)
        kinds = "".join(kind for kind, _, _ in moves.calls)
        expected = ("D" * d_steps + "G") * rounds
        if kinds != expected:
            if not kinds:
                raise wrong(f"{where}, neither d_step nor g_step was called",
                            "each round calls d_step(real_batch, noise), then g_step(noise)")
            if sorted(kinds) == sorted(expected):
                raise wrong(f"{where}, the moves came in the order {' '.join(kinds)}; "
                            f"expected {' '.join(expected)}",
                            "in each round D moves first (d_steps times), then G once")
            raise wrong(f"{where}, D moved {kinds.count('D')} times and G {kinds.count('G')} "
                        f"times; expected {rounds * d_steps} and {rounds}",
                        "the inner loop runs d_steps moves of D; G moves once per round")
        batches = [batch for kind, batch, _ in moves.calls if kind == "D"]
        if any(batch.shape != (batch_size, 784) for batch in batches):
            shape = next(batch.shape for batch in batches if batch.shape != (batch_size, 784))
            raise wrong(f"{where}, D received a real batch of shape {shape}; expected "
                        f"({batch_size}, 784)", "pick batch_size rows of images")
        rows = [batch[:, 0] for batch in batches]
        if any(not np.all(np.isin(row, np.arange(images_count))) for row in rows):
            raise wrong(f"{where}, a real batch holds rows that are not images of the set",
                        "index whole rows: images[indices], with indices from rng.integers")
        if len(rows) > 1 and all(np.array_equal(row, rows[0]) for row in rows):
            raise wrong(f"{where}, every move of D saw the same real batch",
                        "draw a new random batch for each move: images[rng.integers(...)]")
        # two random batches of 8 or more rows drawn alike: a batch was used twice
        repeated = [index for index in range(1, len(rows)) if batch_size >= 8
                    and any(np.array_equal(rows[index], row) for row in rows[:index])]
        if repeated:
            raise wrong(f"{where}, move {repeated[0] + 1} of D saw a real batch it had seen "
                        "before", "draw the real batch inside the inner loop, once per move "
                        "of D")
        noises = [noise for _, _, noise in moves.calls]
        if any(noise.shape != (batch_size, latent_dim) for noise in noises):
            shape = next(noise.shape for noise in noises if noise.shape != (batch_size, latent_dim))
            raise wrong(f"{where}, a move received noise of shape {shape}; expected "
                        f"({batch_size}, {latent_dim})", "noise is (batch_size, latent_dim)")
        for first in range(len(noises)):
            for second in range(first):
                if np.array_equal(noises[first], noises[second]):
                    who = f"move {second + 1} ({kinds[second]}) and move {first + 1} ({kinds[first]})"
                    raise wrong(f"{where}, {who} received the same noise",
                                "every move gets fresh noise: G's move too, drawn after D's")
        all_noise.append(np.concatenate([noise.ravel() for noise in noises]))
        d_losses = [1.0 + (index + 1) / 100 for index in range(rounds * d_steps)]
        expected_losses = np.array([(d_losses[(round_ + 1) * d_steps - 1], 5.0 + (round_ + 1) / 100)
                                    for round_ in range(rounds)])
        got = np.asarray(losses, dtype=float) if not isinstance(losses, str) else None
        if got is None or got.shape != expected_losses.shape:
            raise wrong(f"{where}, train_gan returned an array of shape "
                        f"{None if got is None else got.shape}; expected ({rounds}, 2)",
                        "append one (d_loss, g_loss) pair per round")
        if not matches(got, expected_losses):
            if matches(got, expected_losses[:, ::-1]):
                raise wrong(f"{where}, the losses came back as (G's, D's)",
                            "append (d_loss, g_loss): D's loss first")
            raise wrong(f"{where}, the losses returned are not those the moves gave",
                        "append, for each round, the loss of D's last move and of G's move")
    noise = np.concatenate(all_noise)
    if noise.min() >= 0 or abs(noise.mean()) > 0.1 or not 0.9 < noise.std() < 1.1:
        raise wrong(f"the noise drawn has mean {noise.mean():.2f}, standard deviation "
                    f"{noise.std():.2f} and smallest value {noise.min():.2f}",
                    "draw standard normal noise, mean 0 and standard deviation 1: "
                    "rng.standard_normal(shape, dtype=np.float32)")
    return correct("Every round checks out, with one and with several moves of D per round: "
                   "fresh real batches and fresh noise for every move, D before G, and the "
                   "losses in order. Several D moves per G move is the k of the original GAN "
                   "paper's algorithm; k = 1 is what most training code uses.")


training_loop = Exercise(
    id="gan.training_loop",
    lesson="08",
    title="Write the alternating training loop",
    judge=_judge_loop,
    hints=("A real batch is images[indices] with indices = rng.integers(0, len(images), "
           "size=batch_size); noise is rng.standard_normal((batch_size, latent_dim), "
           "dtype=np.float32).",
           "Inside the inner loop: draw the batch, draw the noise, d_loss = d_step(real_batch, "
           "noise). After it: draw new noise, g_loss = g_step(noise), then append (d_loss, "
           "g_loss)."),
    answer="train_gan",
    solution=_loop(),
    mistakes=(
        (_loop(real_batch="images[:batch_size]"), "same real batch"),
        (_loop(g_noise="noise"), "same noise"),
        (_loop(noise="rng.random((batch_size, latent_dim), dtype=np.float32)",
               g_noise="rng.random((batch_size, latent_dim), dtype=np.float32)"),
         "standard normal"),
        (_loop(record="(float(g_loss), float(d_loss))"), "D's loss first"),
        (_loop(real_batch="batch", g_move="g_step(noise)\n"
               "        batch = images[rng.integers(0, len(images), size=batch_size)]")
         .replace("    losses = []\n", "    losses = []\n"
                  "    batch = images[rng.integers(0, len(images), size=batch_size)]\n"),
         "seen before"),
        (_loop().replace("        for _ in range(d_steps):\n", "        if True:\n"),
         "d_steps moves"),
        (_loop(noise="rng.standard_normal((latent_dim, batch_size), dtype=np.float32)",
               g_noise="rng.standard_normal((latent_dim, batch_size), dtype=np.float32)"),
         "(batch_size, latent_dim)"),
        ("def train_gan(d_step, g_step, images, rounds, batch_size, latent_dim, rng, d_steps=1):\n"
         "    return adversarial.play_rounds(d_step, g_step, images, rounds, batch_size,\n"
         "                                   latent_dim, rng, d_steps)", "course's version"),
    ),
    setup="import numpy as np\nfrom course_utils import adversarial",
    forbidden=("course_utils.adversarial.play_rounds",),
    variants=(
        # a permutation per move instead of draws with replacement, noise from a normal
        _loop(real_batch="images[rng.permutation(len(images))[:batch_size]]",
              noise="rng.normal(0, 1, size=(batch_size, latent_dim)).astype(np.float32)",
              g_noise="rng.normal(size=(batch_size, latent_dim)).astype(np.float32)"),
    ),
)


# ---------------------------------------------------------------- transposed convolution (scaffold)

_STAMP_SCAFFOLD = '''def conv_transpose(image, kernel, stride):
    """image: (H, W), kernel: (kh, kw) -> out: ((H - 1) * stride + max(kh, stride),
    (W - 1) * stride + max(kw, stride)). Every input cell stamps the kernel, times the cell's
    value, into the output with its top-left corner at (i * stride, j * stride); stamps that
    overlap add up. No padding: Conv2DTranspose's 'valid'.
    """
    kh, kw = kernel.shape
    h, w = image.shape
    out = np.zeros({size})  # big enough for the last stamp, and for the gap after it
    for i in range(h):
        for j in range(w):
            row, column = i * stride, j * stride  # where the stamp of cell (i, j) starts
            {stamp}  # the kernel, times image[i, j], added there
    return out'''

_STAMP = {"size": "((h - 1) * stride + max(kh, stride), (w - 1) * stride + max(kw, stride))",
          "stamp": "out[row:row + kh, column:column + kw] += image[i, j] * kernel"}


def _stamp(**changes: str) -> str:
    return _STAMP_SCAFFOLD.format(**{**_STAMP, **changes})


def _transpose_cases(seed: int = 11, count: int = 40):
    """(image, kernel, stride): images 1x1 to 5x5, kernels 1x1 to 4x4, strides 1 to 3, with
    cases where the kernel is smaller than the stride; smallest first."""
    rng = np.random.default_rng(seed)
    cases = [(np.array([[1.0, 2.0], [3.0, 4.0]]), np.ones((3, 3)), 2)]
    for _ in range(count):
        shape = tuple(int(size) for size in rng.integers(1, 6, size=2))
        kernel_shape = tuple(int(size) for size in rng.integers(1, 5, size=2))
        cases.append((np.round(rng.normal(size=shape), 2),
                      np.round(rng.normal(size=kernel_shape), 2), int(rng.integers(1, 4))))
    return sorted(cases, key=lambda case: case[0].size * case[1].size * case[2])


def _course_transpose(image, kernel, stride):
    from course_utils import conv

    return conv.conv2d_transpose(image[None, :, :, None], kernel[:, :, None, None],
                                 stride=stride)[0, :, :, 0]


def _judge_transpose(conv_transpose):
    for image, kernel, stride in _transpose_cases():
        (h, w), (kh, kw) = image.shape, kernel.shape
        where = f"for a {h}x{w} image, a {kh}x{kw} kernel and stride {stride}"
        got = np.asarray(attempt(conv_transpose, image.copy(), kernel.copy(), stride,
                                 case=where, error_hint="the output must hold the last stamp: "
                                 "(H - 1) * stride + kh rows at least"))
        expected = _course_transpose(image, kernel, stride)
        if got.shape != expected.shape:
            if got.shape == ((h - 1) * stride + kh, (w - 1) * stride + kw):
                raise wrong(f"{where.capitalize()}, your output has shape {got.shape}; "
                            f"expected {expected.shape}",
                            "when the kernel is smaller than the stride, the stamps leave gaps "
                            "of zeros, after the last one too: max(kh, stride)")
            if got.shape == (h * stride, w * stride):
                raise wrong(f"{where.capitalize()}, your output has shape {got.shape}, the size "
                            f"of 'same' padding; expected {expected.shape} ('valid')",
                            "no cropping here: keep every cell a stamp reaches")
            raise wrong(f"{where.capitalize()}, your output has shape {got.shape}; expected "
                        f"{expected.shape}", "(H - 1) * stride + max(kh, stride) rows")
        if matches(got, expected):
            continue
        flipped = _course_transpose(image, kernel[::-1, ::-1], stride)
        if matches(got, flipped):
            raise wrong(f"{where.capitalize()}, your output is the one of the kernel flipped",
                        "stamp the kernel as it is, kernel[a, b] at (i * stride + a, "
                        "j * stride + b)")
        overwritten = np.zeros_like(expected)
        for i in range(h):
            for j in range(w):
                overwritten[i * stride:i * stride + kh, j * stride:j * stride + kw] = \
                    image[i, j] * kernel
        if matches(got, overwritten):
            raise wrong(f"{where.capitalize()}, where two stamps overlap, your output keeps "
                        "only the last one", "add each stamp to what is there (+=), do not "
                        "replace it (=)")
        raise wrong(f"{where.capitalize()}, your output differs from the expected one by up "
                    f"to {np.abs(got - expected).max():.3g}",
                    "cell (i, j) adds image[i, j] * kernel to the window of out that starts "
                    "at (i * stride, j * stride)")
    return correct("Each input cell paints a scaled copy of the kernel, stride cells apart, and "
                   "the copies add where they overlap. With stride 2 the image doubles in "
                   "size: that is how the DCGAN's generator grows 7x7 into 14x14, then 28x28. "
                   "Keras' Conv2DTranspose does exactly this, per channel pair, then adds a "
                   "bias.")


conv_transpose = Exercise(
    id="gan.conv_transpose",
    lesson="08",
    title="Write a transposed convolution with loops",
    judge=_judge_transpose,
    hints=("Start with the example above: a 2x2 image, a 3x3 kernel of ones, stride 2. The "
           "stamp of cell (0, 1) starts at row 0, column 2.",
           "out[row:row + kh, column:column + kw] += image[i, j] * kernel"),
    answer="conv_transpose",
    solution=_stamp(),
    mistakes=(
        (_stamp(size="((h - 1) * stride + kh, (w - 1) * stride + kw)"), "gaps"),
        (_stamp(stamp="out[row:row + kh, column:column + kw] = image[i, j] * kernel"),
         "do not replace"),
        (_stamp(stamp="out[row:row + kh, column:column + kw] += image[i, j] * kernel[::-1, ::-1]"),
         "flipped"),
        (_stamp(stamp="out[i:i + kh, j:j + kw] += image[i, j] * kernel"), "differs"),
        (_stamp(size="(h * stride, w * stride)"), "raised"),
        ("def conv_transpose(image, kernel, stride):\n"
         "    return conv.conv2d_transpose(image[None, :, :, None], kernel[:, :, None, None],\n"
         "                                 stride=stride)[0, :, :, 0]", "course's version"),
    ),
    setup="import numpy as np\nfrom course_utils import conv",
    forbidden=("course_utils.conv.conv2d_transpose", "keras.layers.Conv2DTranspose",
               "keras.ops.conv_transpose", "tensorflow.nn.conv2d_transpose"),
    variants=(
        # one weight of the kernel at a time, as a learner may loop
        _stamp(stamp="for a in range(kh):\n"
                     "                for b in range(kw):\n"
                     "                    out[row + a, column + b] += image[i, j] * kernel[a, b]"),
    ),
)
