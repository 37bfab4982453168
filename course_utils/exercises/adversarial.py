"""Lesson 07's exercises: the discriminator's loss, the generator's loss, the equilibrium."""

import numpy as np

from course_utils import adversarial
from course_utils.checks import Exercise, attempt, correct, matches, wrong

# The course's losses and the framework's cross-entropy compute the whole answer.
_LOSSES = ("course_utils.adversarial.discriminator_loss",
           "course_utils.adversarial.generator_loss_minimax",
           "course_utils.adversarial.generator_loss_non_saturating",
           "keras.losses.binary_crossentropy", "keras.losses.BinaryCrossentropy",
           "keras.ops.binary_crossentropy", "keras.metrics.binary_crossentropy")


def _probability_cases(seed: int = 7, count: int = 40) -> list[tuple[np.ndarray, np.ndarray]]:
    """(D's outputs on real points, on generated points): batches of 1 to 8, of different
    sizes so that a mean over the two batches together shows; smallest first."""
    rng = np.random.default_rng(seed)
    cases = [(np.array([0.9, 0.8, 0.6, 0.95]), np.array([0.3, 0.1, 0.45, 0.2, 0.05, 0.5]))]
    for _ in range(count):
        real_count = int(rng.integers(1, 9))
        fake_count = int(rng.choice([size for size in range(1, 9) if size != real_count]))
        cases.append((np.round(rng.uniform(0.05, 0.95, size=real_count), 3),
                      np.round(rng.uniform(0.05, 0.95, size=fake_count), 3)))
    return sorted(cases, key=lambda case: case[0].size + case[1].size)


def _number(value, what):
    try:
        number = float(np.asarray(value, dtype=float))
    except (TypeError, ValueError):
        raise wrong(f"{what} returned {value!r}, which is not a single number",
                    "average over the batch, so the loss is one number") from None
    return number


def _judge_discriminator_loss(discriminator_loss):
    for real, fake in _probability_cases():
        call = f"discriminator_loss(real={real.tolist()}, fake={fake.tolist()})"
        got = _number(attempt(discriminator_loss, real.copy(), fake.copy(), case=f"for {call}"),
                      "discriminator_loss(real_probability, fake_probability)")
        expected = adversarial.discriminator_loss(real, fake)
        if matches(got, expected):
            continue
        if matches(got, -expected):
            raise wrong(f"{call} gave {got:.4f}, a negative number: a cross-entropy is never "
                        "negative", "the log of a probability is negative: put a minus sign in "
                        "front of each mean so the loss to minimise is positive")
        if matches(got, -np.mean(np.log(1 - real)) - np.mean(np.log(fake))):
            raise wrong(f"{call} gave {got:.4f}: the loss grows when D gets it right",
                        "the labels are swapped: real points are labelled 1 (use log D(x)), "
                        "generated points 0 (use log(1 - D(G(z))))")
        if matches(got, -np.mean(real) - np.mean(1 - fake)) or matches(
                got, np.mean(1 - real) + np.mean(fake)):
            raise wrong(f"{call} gave {got:.4f}: the outputs are used without a log",
                        "binary cross-entropy takes the log of the probabilities: "
                        "np.log(D(x)) and np.log(1 - D(G(z)))")
        if matches(got, -np.mean(np.log(real))):
            raise wrong(f"{call} gave {got:.4f}: only the real points count",
                        "add the second term, for the generated points (label 0): "
                        "-mean log(1 - D(G(z)))")
        if matches(got, expected / 2):
            raise wrong(f"{call} gave {got:.4f}, half the expected value",
                        "add the two means; do not average them")
        if matches(got, -np.sum(np.log(real)) - np.sum(np.log(1 - fake))):
            raise wrong(f"{call} gave {got:.4f}: that is a sum over the batch",
                        "take the mean over the batch, as Keras' BinaryCrossentropy does")
        if matches(got, -np.mean(np.log(np.concatenate([real, 1 - fake])))):
            raise wrong(f"{call} gave {got:.4f}: one mean over both batches together",
                        "average each batch on its own, then add the two means")
        raise wrong(f"{call} gave {got:.4f}; expected {expected:.4f}",
                    "one term for the real points (label 1), one for the generated (label 0)")
    return correct("D is rewarded for saying 1 on real points and 0 on generated ones. "
                   "When it cannot tell them apart (D = 1/2 everywhere) this loss is "
                   "2 log 2 = 1.386: the dotted line in the live view.")


discriminator_loss = Exercise(
    id="adversarial.discriminator_loss",
    lesson="07",
    title="Write the discriminator's loss",
    judge=_judge_discriminator_loss,
    hints=("It is binary cross-entropy with label 1 for real points and label 0 for "
           "generated ones, each averaged over its batch, then added.",
           "For label 1 the cross-entropy is -log p; for label 0 it is -log(1 - p)."),
    answer="discriminator_loss",
    solution=("def discriminator_loss(real_probability, fake_probability):\n"
              "    return (-np.mean(np.log(real_probability))\n"
              "            - np.mean(np.log(1 - fake_probability)))"),
    mistakes=(
        ("def discriminator_loss(real_probability, fake_probability):\n"
         "    return np.mean(np.log(real_probability)) + np.mean(np.log(1 - fake_probability))",
         "minus sign"),
        ("def discriminator_loss(real_probability, fake_probability):\n"
         "    return (-np.mean(np.log(1 - real_probability))\n"
         "            - np.mean(np.log(fake_probability)))", "labels are swapped"),
        ("def discriminator_loss(real_probability, fake_probability):\n"
         "    return -np.mean(real_probability) - np.mean(1 - fake_probability)", "without a log"),
        ("def discriminator_loss(real_probability, fake_probability):\n"
         "    return -np.mean(np.log(real_probability))", "only the real points"),
        ("def discriminator_loss(real_probability, fake_probability):\n"
         "    return (-np.sum(np.log(real_probability))\n"
         "            - np.sum(np.log(1 - fake_probability)))", "mean over the batch"),
        ("def discriminator_loss(real_probability, fake_probability):\n"
         "    labels = np.concatenate([np.ones_like(real_probability),\n"
         "                             np.zeros_like(fake_probability)])\n"
         "    outputs = np.concatenate([real_probability, fake_probability])\n"
         "    return -np.mean(labels * np.log(outputs) + (1 - labels) * np.log(1 - outputs))",
         "both batches together"),
        ("def discriminator_loss(real_probability, fake_probability):\n    return 1.1",
         "expected"),
        ("def discriminator_loss(real_probability, fake_probability):\n"
         "    return adversarial.discriminator_loss(real_probability, fake_probability)",
         "course's version"),
    ),
    setup="import numpy as np\nfrom course_utils import adversarial",
    forbidden=_LOSSES,
    variants=("def discriminator_loss(real_probability, fake_probability):\n"
              "    return (np.mean(-np.log(real_probability))\n"
              "            + np.mean(-np.log(1.0 - fake_probability)))",),
)


def _judge_generator_loss(generator_loss):
    for _, fake in _probability_cases():
        call = f"generator_loss(fake={fake.tolist()})"
        got = _number(attempt(generator_loss, fake.copy(), case=f"for {call}"),
                      "generator_loss(fake_probability)")
        expected = adversarial.generator_loss_non_saturating(fake)
        if matches(got, expected):
            continue
        if matches(got, adversarial.generator_loss_minimax(fake)):
            raise wrong(f"{call} gave {got:.4f}: that is the minimax loss, mean log(1 - D(G(z)))",
                        "it is correct in theory but its gradient vanishes while D easily spots "
                        "the fakes; write the non-saturating loss: label the generated points 1")
        if matches(got, -adversarial.generator_loss_minimax(fake)):
            raise wrong(f"{call} gave {got:.4f}: this loss is small when D says 'generated'",
                        "the labels are swapped: the generator wants D(G(z)) near 1, so it uses "
                        "the label 1, -log D(G(z))")
        if matches(got, -expected):
            raise wrong(f"{call} gave {got:.4f}, a negative number: minimising it would push "
                        "D(G(z)) towards 0", "put a minus sign in front of the mean of the log")
        if matches(got, -np.mean(fake)) or matches(got, np.mean(1 - fake)):
            raise wrong(f"{call} gave {got:.4f}: the outputs are used without a log",
                        "take the log of D(G(z)) before averaging")
        if matches(got, -np.sum(np.log(fake))):
            raise wrong(f"{call} gave {got:.4f}: that is a sum over the batch",
                        "take the mean over the batch")
        raise wrong(f"{call} gave {got:.4f}; expected {expected:.4f}",
                    "treat the generated points as if they were real: label 1")
    return correct("The non-saturating loss -log D(G(z)) is steep exactly where the generator "
                   "is bad (D(G(z)) near 0), so it learns from the start.")


generator_loss = Exercise(
    id="adversarial.generator_loss",
    lesson="07",
    title="Write the generator's non-saturating loss",
    judge=_judge_generator_loss,
    hints=("The generator wins when D says 'real' about its points: use the cross-entropy "
           "of D(G(z)) with the label 1.",
           "For label 1, binary cross-entropy is -log p, averaged over the batch."),
    answer="generator_loss",
    solution=("def generator_loss(fake_probability):\n"
              "    return -np.mean(np.log(fake_probability))"),
    mistakes=(
        ("def generator_loss(fake_probability):\n"
         "    return np.mean(np.log(1 - fake_probability))", "minimax"),
        ("def generator_loss(fake_probability):\n"
         "    return -np.mean(np.log(1 - fake_probability))", "labels are swapped"),
        ("def generator_loss(fake_probability):\n"
         "    return np.mean(np.log(fake_probability))", "minus sign"),
        ("def generator_loss(fake_probability):\n"
         "    return -np.mean(fake_probability)", "without a log"),
        ("def generator_loss(fake_probability):\n    return 1.4", "expected"),
        ("def generator_loss(fake_probability):\n"
         "    return adversarial.generator_loss_non_saturating(fake_probability)",
         "course's version"),
    ),
    setup="import numpy as np\nfrom course_utils import adversarial",
    forbidden=_LOSSES,
)


def _judge_equilibrium(answer):
    try:
        value = float(answer)
    except (TypeError, ValueError):
        raise wrong(f"got {answer!r}: give one number between 0 and 1",
                    "D outputs a probability, the chance that a point is real") from None
    if np.isclose(value, 1.0):
        raise wrong("1 means D is sure every point is real, including the generated ones",
                    "at the equilibrium the generated points are distributed exactly like the "
                    "real ones: what can D say about a point it cannot tell apart?")
    if np.isclose(value, 0.0):
        raise wrong("0 means D is sure every point is generated, including the real ones",
                    "D cannot tell the two apart at the equilibrium, so it cannot be sure "
                    "either way")
    if np.isclose(value, np.log(2)) or np.isclose(value, 2 * np.log(2)):
        raise wrong(f"{value:.3f} is a loss value (log 2 or 2 log 2), not D's output",
                    "the question asks for the probability D outputs; the loss follows from it")
    if np.isclose(value, 0.25):
        raise wrong("0.25 would be D's answer if one point in four were real",
                    "real and generated points are shown to D in equal numbers")
    if not np.isclose(value, 0.5):
        raise wrong(f"D(x) = {value} everywhere is not the equilibrium",
                    "for a given x the best D is p_data(x) / (p_data(x) + p_g(x)); "
                    "set p_g = p_data")
    return correct("D(x) = p_data(x) / (p_data(x) + p_g(x)) = 1/2 when p_g = p_data: the "
                   "best discriminator can only toss a coin, and its loss is 2 log 2.")


equilibrium = Exercise(
    id="adversarial.equilibrium",
    lesson="07",
    title="Predict D's output at the equilibrium",
    judge=_judge_equilibrium,
    hints=("At the equilibrium the generator's points are distributed exactly like the "
           "real ones.",
           "The best discriminator for fixed G is D(x) = p_data(x) / (p_data(x) + p_g(x))."),
    answer="d_at_equilibrium",
    kind="predict",
    solution="d_at_equilibrium = 0.5",
    mistakes=(
        ("d_at_equilibrium = 1.0", "cannot tell apart"),
        ("d_at_equilibrium = 0.0", "cannot be sure"),
        ("d_at_equilibrium = np.log(2)", "not D's output"),
        ("d_at_equilibrium = 0.25", "equal numbers"),
    ),
)
