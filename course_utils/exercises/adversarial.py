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


# ---------------------------------------------------------------- one round of the game (scaffold)

_STEP_SCAFFOLD = '''def make_train_step(generator, discriminator, generator_optimizer, discriminator_optimizer,
                    generator_loss="non_saturating"):
    @tf.function
    def train_step(x_real, z_for_d, z_for_g):
        # D's move: real points are labelled 1, generated points 0. Only D's weights change.
        with tf.GradientTape() as tape:
            real_logits = discriminator(x_real, training=True)  # (N, 1)
            fake_logits = {fake_d}  # (N, 1): D on the points G makes from z_for_d
            d_loss = {d_loss}  # L_D = -mean log D(x) - mean log(1 - D(G(z)))
        d_gradients = {d_gradients}  # dL_D / dw, for D's weights only
        discriminator_optimizer.apply_gradients(
            zip(d_gradients, discriminator.trainable_variables))

        # G's move, against D as it is after its move. Only G's weights change.
        with tf.GradientTape() as tape:
            fake_logits = {fake_g}  # (N, 1): D on the points G makes from z_for_g
            if generator_loss == "non_saturating":
                g_loss = {non_saturating}  # -mean log D(G(z))
            else:
                g_loss = {minimax}  # minimax: mean log(1 - D(G(z)))
        g_gradients = {g_gradients}  # dL_G / dw, for G's weights only
        generator_optimizer.apply_gradients(zip(g_gradients, generator.trainable_variables))
        return (d_loss, g_loss, tf.reduce_mean(tf.sigmoid(real_logits)),
                tf.reduce_mean(tf.sigmoid(fake_logits)))

    return train_step'''

_STEP = {"fake_d": "discriminator(generator(z_for_d, training=True), training=True)",
         "d_loss": ("(bce_logits(tf.ones_like(real_logits), real_logits)\n"
                    "                      + bce_logits(tf.zeros_like(fake_logits), fake_logits))"),
         "d_gradients": "tape.gradient(d_loss, discriminator.trainable_variables)",
         "fake_g": "discriminator(generator(z_for_g, training=True), training=True)",
         "non_saturating": "bce_logits(tf.ones_like(fake_logits), fake_logits)",
         "minimax": "-bce_logits(tf.zeros_like(fake_logits), fake_logits)",
         "g_gradients": "tape.gradient(g_loss, generator.trainable_variables)"}
_STEP_BLANK = {key: "..." for key in _STEP}
_STEP_SETUP = ("import keras\nimport numpy as np\nimport tensorflow as tf\n"
               "from course_utils import adversarial\n"
               "bce_logits = keras.losses.BinaryCrossentropy(from_logits=True)")


def _step(**changes: str) -> str:
    return _STEP_SCAFFOLD.format(**{**_STEP, **changes})


# D's and G's plain SGD steps differ in size, so that a step applied to the wrong player shows
_D_RATE, _G_RATE = 0.3, 0.2
# (seed, real points, noise rows, noise size, hidden units, generator loss), smallest first
_ROUND_CASES = ((0, 3, 4, 2, 4, "non_saturating"), (1, 5, 3, 1, 6, "minimax"),
                (2, 6, 5, 3, 5, "non_saturating"), (3, 4, 6, 2, 3, "minimax"))


def _players(seed: int, noise: int, hidden: int):
    generator = adversarial.make_generator(noise_dim=noise, hidden_units=hidden,
                                           num_hidden_layers=1, seed=seed)
    discriminator = adversarial.make_discriminator(hidden_units=hidden, num_hidden_layers=1,
                                                   seed=seed + 50)
    return generator, discriminator


def _round_inputs(seed: int, real: int, rows: int, noise: int):
    rng = np.random.default_rng(seed + 1000)
    return (rng.normal(size=(real, 2)).astype("float32"),
            rng.normal(size=(rows, noise)).astype("float32"),
            rng.normal(size=(rows, noise)).astype("float32"))


def _played(case, generator_loss=None, labels=(1.0, 0.0), g_against="D after its move",
            g_noise="z_for_g", d_moves_g=False, rates=(_D_RATE, _G_RATE)):
    """The weights of (G, D) after one round, and what the round returns, played eagerly;
    the keyword arguments replay a known mistake."""
    import keras
    import tensorflow as tf

    seed, real, rows, noise, hidden, loss = case
    loss = generator_loss or loss
    generator, discriminator = _players(seed, noise, hidden)
    x_real, z_for_d, z_for_g = (tf.constant(array) for array in _round_inputs(seed, real, rows,
                                                                              noise))
    bce = keras.losses.BinaryCrossentropy(from_logits=True)
    d_rate, g_rate = rates
    before = [tf.identity(weight) for weight in discriminator.trainable_variables]
    with tf.GradientTape(persistent=True) as tape:
        real_logits = discriminator(x_real)
        fake_logits = discriminator(generator(z_for_d))
        d_loss = (bce(tf.fill(tf.shape(real_logits), labels[0]), real_logits)
                  + bce(tf.fill(tf.shape(fake_logits), labels[1]), fake_logits))
    for weight, gradient in zip(discriminator.trainable_variables,
                                tape.gradient(d_loss, discriminator.trainable_variables)):
        weight.assign_sub(d_rate * gradient)
    if d_moves_g:
        for weight, gradient in zip(generator.trainable_variables,
                                    tape.gradient(d_loss, generator.trainable_variables)):
            weight.assign_sub(d_rate * gradient)
    after = [tf.identity(weight) for weight in discriminator.trainable_variables]
    if g_against == "D before its move":
        for weight, old in zip(discriminator.trainable_variables, before):
            weight.assign(old)
    with tf.GradientTape() as tape:
        fake_logits = discriminator(generator(z_for_g if g_noise == "z_for_g" else z_for_d))
        if loss == "non_saturating":
            g_loss = bce(tf.ones_like(fake_logits), fake_logits)
        elif loss == "minimax":
            g_loss = -bce(tf.zeros_like(fake_logits), fake_logits)
        else:  # the generator trained with the label 0: it helps D
            g_loss = bce(tf.zeros_like(fake_logits), fake_logits)
    for weight, gradient in zip(generator.trainable_variables,
                                tape.gradient(g_loss, generator.trainable_variables)):
        weight.assign_sub(g_rate * gradient)
    for weight, new in zip(discriminator.trainable_variables, after):
        weight.assign(new)
    returned = [float(value) for value in (d_loss, g_loss, tf.reduce_mean(tf.sigmoid(real_logits)),
                                           tf.reduce_mean(tf.sigmoid(fake_logits)))]
    return ([weight.numpy() for weight in generator.trainable_variables],
            [weight.numpy() for weight in discriminator.trainable_variables], returned)


def _same(got, expected) -> bool:
    return len(got) == len(expected) and all(
        matches(a, b, rtol=1e-4, atol=1e-5) for a, b in zip(got, expected))


def _describe(case) -> str:
    seed, real, rows, noise, hidden, loss = case
    return (f"for {real} real points, {rows} noise vectors of size {noise}, players with "
            f"{hidden} hidden units and generator_loss={loss!r}")


def _judge_train_step(make_train_step):
    import tensorflow as tf

    # run the learner's tf.function eagerly: an error then names their own line, and four
    # small games take less time than compiling each
    was_eager = tf.config.functions_run_eagerly()
    tf.config.run_functions_eagerly(True)
    try:
        return _judge_rounds(make_train_step)
    finally:
        tf.config.run_functions_eagerly(was_eager)


def _judge_rounds(make_train_step):
    import keras

    for case in _ROUND_CASES:
        seed, real, rows, noise, hidden, loss = case
        where = _describe(case)
        where = where[:1].upper() + where[1:]
        generator, discriminator = _players(seed, noise, hidden)
        start_g, start_d = generator.get_weights(), discriminator.get_weights()
        train_step = attempt(make_train_step, generator, discriminator,
                             keras.optimizers.SGD(_G_RATE), keras.optimizers.SGD(_D_RATE), loss,
                             case=where)
        if not callable(train_step):
            raise wrong(f"make_train_step(...) returned {type(train_step).__name__}, not a "
                        "function", "end make_train_step with `return train_step`")
        returned = attempt(train_step, *_round_inputs(seed, real, rows, noise), case=where)
        got_g = [weight.numpy() for weight in generator.trainable_variables]
        got_d = [weight.numpy() for weight in discriminator.trainable_variables]
        expected_g, expected_d, expected = _played(case)
        if not _same(got_d, expected_d):
            if _same(got_d, start_d):
                raise wrong(f"{where}, D's weights did not change",
                            "D's move takes the gradient of d_loss with respect to "
                            "discriminator.trainable_variables; the line under it applies it")
            if _same(got_d, _played(case, labels=(0.0, 1.0))[1]):
                raise wrong(f"{where}, D learned to call real points generated",
                            "the labels are swapped: real points are labelled 1 "
                            "(tf.ones_like), generated points 0 (tf.zeros_like)")
            raise wrong(f"{where}, D's weights after its move differ from the expected ones",
                        "d_loss is binary cross-entropy on logits (bce_logits): label 1 for "
                        "real_logits plus label 0 for fake_logits, where fake_logits are D's "
                        "logits on generator(z_for_d)")
        if not _same(got_g, expected_g):
            if _same(got_g, start_g):
                raise wrong(f"{where}, G's weights did not change",
                            "G's move takes the gradient of g_loss with respect to "
                            "generator.trainable_variables; the line under it applies it")
            other = "minimax" if loss == "non_saturating" else "non_saturating"
            mistakes = (
                (dict(generator_loss=other),
                 f"G's step is the one of the {other.replace('_', '-')} loss",
                 "the non-saturating loss is bce_logits with the label 1; the minimax loss, "
                 "mean log(1 - D(G(z))), is minus bce_logits with the label 0"),
                (dict(generator_loss="label zero"), "G's step helps D: it makes D call its "
                 "points generated", "G wants D to call its points real: label 1, or minus "
                 "the cross-entropy with label 0 for the minimax loss"),
                (dict(g_against="D before its move"), "G's step was computed against D as it "
                 "was before D's move", "compute G's loss in its own tape, after D's "
                 "apply_gradients: that is what makes the moves alternate"),
                (dict(g_noise="z_for_d"), "G's move reused the noise of D's move",
                 "G's move makes fresh points from z_for_g"),
                (dict(d_moves_g=True), "G's weights changed during D's move as well",
                 "D's move changes D's weights only: take the gradient of d_loss with "
                 "respect to discriminator.trainable_variables"),
            )
            for replay, what, hint in mistakes:
                if _same(got_g, _played(case, **replay)[0]):
                    raise wrong(f"{where}, {what}", hint)
            raise wrong(f"{where}, G's weights after its move differ from the expected ones",
                        "G's loss uses D's logits on generator(z_for_g), computed inside G's "
                        "own tape")
        values = returned if isinstance(returned, list | tuple) else None
        try:
            values = [float(value) for value in values]
        except (TypeError, ValueError):
            values = None
        if values is None or len(values) != 4:
            raise wrong(f"{where}, train_step returned {returned!r}",
                        "return (d_loss, g_loss, mean D(real), mean D(generated)), as the "
                        "scaffold's last line does")
        if not all(matches(a, b, rtol=1e-4, atol=1e-5) for a, b in zip(values, expected)):
            names = ("d_loss", "g_loss", "mean D(real)", "mean D(generated)")
            first = next(index for index in range(4)
                         if not matches(values[index], expected[index], rtol=1e-4, atol=1e-5))
            raise wrong(f"{where}, the round returned {names[first]} = {values[first]:.5f}; "
                        f"expected {expected[first]:.5f}",
                        "return the losses the two moves minimised, and D's mean outputs, as "
                        "the scaffold's last line does")
    return correct("Both moves check out on four games of different sizes, with either "
                   "generator loss. D steps first; G then steps against the D that just "
                   "moved, and each move changes only its own player's weights.")


train_step = Exercise(
    id="adversarial.train_step",
    lesson="07",
    title="Write one round of the game with tf.GradientTape",
    judge=_judge_train_step,
    hints=("Each move is: a tape around the forward pass and the loss, tape.gradient(loss, "
           "the player's trainable_variables), then that player's optimizer applies it.",
           "D's loss: bce_logits(tf.ones_like(real_logits), real_logits) + the same with "
           "tf.zeros_like for the generated points. G's non-saturating loss uses tf.ones_like "
           "on its own points' logits; the minimax loss is minus bce_logits with tf.zeros_like."),
    answer="make_train_step",
    solution=_step(),
    mistakes=(
        (_step(d_loss="(bce_logits(tf.zeros_like(real_logits), real_logits)\n"
                      "                      + bce_logits(tf.ones_like(fake_logits), fake_logits))"),
         "labels are swapped"),
        (_step(non_saturating="-bce_logits(tf.zeros_like(fake_logits), fake_logits)",
               minimax="bce_logits(tf.ones_like(fake_logits), fake_logits)"),
         "the one of the"),
        (_step(non_saturating="bce_logits(tf.zeros_like(fake_logits), fake_logits)",
               minimax="bce_logits(tf.zeros_like(fake_logits), fake_logits)"), "helps D"),
        (_step(fake_g="discriminator(generator(z_for_d, training=True), training=True)"),
         "reused the noise"),
        (_step(g_gradients="tape.gradient(g_loss, discriminator.trainable_variables)"),
         "raised"),
        (_step(d_gradients="[0 * weight for weight in discriminator.trainable_variables]"),
         "did not change"),
        ("def make_train_step(generator, discriminator, generator_optimizer,\n"
         "                    discriminator_optimizer, generator_loss='non_saturating'):\n"
         "    return adversarial.make_train_step(generator, discriminator, generator_optimizer,\n"
         "                                       discriminator_optimizer, generator_loss)",
         "course's version"),
    ),
    setup=_STEP_SETUP,
    forbidden=("course_utils.adversarial.make_train_step",),
    variants=(
        # one persistent tape for D's move, the generated points computed once per move
        _step(fake_d="discriminator(generator(z_for_d), training=True)",
              fake_g="discriminator(generator(z_for_g), training=True)"),
        # the cross-entropy on logits written with TensorFlow's own op
        _step(d_loss=("(tf.reduce_mean(tf.nn.sigmoid_cross_entropy_with_logits(\n"
                      "                          tf.ones_like(real_logits), real_logits))\n"
                      "                      + tf.reduce_mean(tf.nn.sigmoid_cross_entropy_with_logits(\n"
                      "                          tf.zeros_like(fake_logits), fake_logits)))")),
    ),
)


# ---------------------------------------------------------------- find the bug: a tape that saw too little

_TAPE_BUG = '''def generator_move(generator, discriminator, generator_optimizer, z):
    """G's move of the non-saturating game on noise z; returns G's loss."""
{before}    with tf.GradientTape() as tape:
        {inside}fake_logits = discriminator(fake_points, training=True)
        g_loss = bce_logits({labels}(fake_logits), fake_logits)
    g_gradients = tape.gradient(g_loss, {variables}.trainable_variables)
    generator_optimizer.apply_gradients(zip(g_gradients, generator.trainable_variables))
    return g_loss'''
_MAKE_POINTS = "fake_points = generator(z, training=True)"
_TAPE = {"before": "", "inside": _MAKE_POINTS + "\n        ", "labels": "tf.ones_like",
         "variables": "generator"}


def _tape(**changes: str) -> str:
    return _TAPE_BUG.format(**{**_TAPE, **changes})


BUGGY_GENERATOR_MOVE = _tape(before=f"    {_MAKE_POINTS}\n", inside="")
"""What lesson 07 ships: it raises "No gradients provided for any variable"."""


def _judge_generator_move(generator_move):
    import keras
    import tensorflow as tf

    for case in _ROUND_CASES:
        seed, real, rows, noise, hidden, _ = case
        where = (f"For {rows} noise vectors of size {noise} and players with {hidden} hidden "
                 "units")
        generator, discriminator = _players(seed, noise, hidden)
        start_g, start_d = generator.get_weights(), discriminator.get_weights()
        z = _round_inputs(seed, real, rows, noise)[2]
        loss = attempt(generator_move, generator, discriminator, keras.optimizers.SGD(_G_RATE),
                       tf.constant(z), case=where,
                       error_hint="a tape records only what runs inside its `with` block: if "
                       "G makes its points before the tape starts, nothing links the loss to "
                       "G's weights, and every gradient is None")
        expected_g, _, expected = _played(case, generator_loss="non_saturating",
                                          rates=(0.0, _G_RATE))
        if not _same(discriminator.get_weights(), start_d):
            raise wrong(f"{where}, D's weights changed", "G's move changes G's weights only")
        got_g = generator.get_weights()
        if _same(got_g, expected_g):
            try:
                got_loss = float(loss)
            except (TypeError, ValueError):
                raise wrong(f"{where}, generator_move returned {loss!r}",
                            "return g_loss, as the last line does") from None
            if not matches(got_loss, expected[1], rtol=1e-4, atol=1e-5):
                raise wrong(f"{where}, the move returned {got_loss:.5f}; expected "
                            f"{expected[1]:.5f}", "return g_loss, as the last line does")
            continue
        if _same(got_g, start_g):
            raise wrong(f"{where}, G's weights did not change",
                        "compute G's points inside the tape, then apply the gradient of g_loss "
                        "with respect to generator.trainable_variables")
        if _same(got_g, _played(case, generator_loss="label zero", rates=(0.0, _G_RATE))[0]):
            raise wrong(f"{where}, G's step helps D: it makes D call its points generated",
                        "keep the label 1 (tf.ones_like): the fix is where the points are made")
        raise wrong(f"{where}, G's weights after the move differ from the expected ones",
                    "change only where G makes its points: inside the tape")
    return correct("The tape now sees G make its points, so the gradient flows from D's verdict "
                   "back through D into G's weights. 'No gradients provided for any variable' "
                   "almost always means this: the computation that uses the weights ran "
                   "outside the tape.")


tape_bug = Exercise(
    id="adversarial.tape_bug",
    lesson="07",
    title="Find the bug: G's move that finds no gradient",
    judge=_judge_generator_move,
    hints=("Run it and read the error: for which variables are the gradients missing?",
           "tape.gradient can only follow operations the tape recorded, and it records only "
           "what runs inside the `with` block."),
    answer="generator_move",
    kind="find the bug",
    solution=_tape(),
    mistakes=(
        (BUGGY_GENERATOR_MOVE, "only what runs inside"),
        (_tape(labels="tf.zeros_like"), "helps D"),
        (_tape(variables="discriminator"), "raised"),
        (_tape(before="    fake_points = tf.stop_gradient(generator(z, training=True))\n",
               inside=""), "only what runs inside"),
        ("def generator_move(generator, discriminator, generator_optimizer, z):\n"
         "    step = adversarial.make_train_step(generator, discriminator, generator_optimizer,\n"
         "                                       generator_optimizer)\n"
         "    return step(z, z, z)[1]", "course's version"),
    ),
    setup=_STEP_SETUP,
    forbidden=("course_utils.adversarial.make_train_step",),
    variants=(
        # the points made again inside the tape, the line before it left in place
        _tape(before=f"    {_MAKE_POINTS}\n"),
    ),
)
