"""Lesson 09's exercises: a prediction before its first experiment, and the final quiz (the
choice of a family, the hidden state, and a bug that makes augmentation look better than it is)."""

import numpy as np

from course_utils.checks import Exercise, attempt, correct, wrong

_TASKS = {
    "sort photos of skin lesions into benign and malignant": "CNN",
    "forecast tomorrow's electricity demand from the last weeks": "RNN",
    "invent new, realistic faces for the crowd scenes of a video game": "GAN",
    "finish a melody from its first bars, note by note": "RNN",
    "find which digit is written in a scanned postcode box": "CNN",
}


def _judge_architecture(answer):
    if not isinstance(answer, dict):
        raise wrong(f"expected a dict from task to 'CNN', 'RNN' or 'GAN', got "
                    f"{type(answer).__name__}", "keep the dict from the cell and fill its values")
    missing = [task for task in _TASKS if answer.get(task, ...) is ...]
    if missing:
        raise wrong(f"no answer yet for: {missing[0]!r}", "replace every ... with a family name")
    values = {task: str(answer[task]).strip().upper() for task in _TASKS}
    unknown = sorted({value for value in values.values()} - {"CNN", "RNN", "GAN"})
    if unknown:
        raise wrong(f"{unknown[0]!r} is not one of 'CNN', 'RNN', 'GAN'",
                    "use the three names exactly")
    wrong_tasks = [task for task in _TASKS if values[task] != _TASKS[task]]
    if not wrong_tasks:
        return correct("Images -> CNN (local features), ordered sequences -> RNN (memory), "
                       "new samples -> GAN (a generator trained against a discriminator). "
                       "GAN samples learned from a few labelled examples are no reliable "
                       "source of extra training data (section 4): measure before you use "
                       "them that way.")
    task = wrong_tasks[0]
    given, expected = values[task], _TASKS[task]
    hints = {
        ("CNN", "RNN"): "the input is ordered in time: what keeps a memory of earlier steps?",
        ("GAN", "RNN"): "nothing new is generated here as a whole picture; the next value depends "
                        "on the ones before it",
        ("RNN", "CNN"): "the input is one image, not a sequence: what extracts local features?",
        ("GAN", "CNN"): "the task is to recognise, not to create",
        ("CNN", "GAN"): "a classifier can only label images; which family produces new ones?",
        ("RNN", "GAN"): "the goal is new images that look real: which family competes to "
                        "make them?",
    }
    raise wrong(f"{len(wrong_tasks)} of {len(_TASKS)} tasks are matched wrongly; for example "
                f"'{task}': you chose {given}", hints[(given, expected)])


architecture = Exercise(
    id="quiz.architecture",
    lesson="09",
    title="Which family for which task?",
    judge=_judge_architecture,
    hints=("Ask of each task: is the input an image, a sequence, or is the goal to create data?",
           "Recognising a picture -> feature extraction; predicting what comes next -> memory; "
           "making new realistic samples -> competition."),
    answer="choices",
    kind="choose",
    solution="\n".join(["choices = {"] + [f"    {task!r}: {family!r},"
                                          for task, family in _TASKS.items()] + ["}"]),
    mistakes=(
        ("choices = {task: 'CNN' for task in " + repr(list(_TASKS)) + "}",
         "what keeps a memory of earlier steps?"),
        ("choices = " + repr({**_TASKS, "finish a melody from its first bars, note by note": ...}),
         "replace every ..."),
        ("choices = " + repr({**_TASKS, "invent new, realistic faces for the crowd scenes "
                              "of a video game": "CNN"}), "which family produces new ones?"),
        ("choices = " + repr({**_TASKS, "sort photos of skin lesions into benign and malignant":
                              "RNN"}), "what extracts local features?"),
        ("choices = " + repr({**_TASKS, "forecast tomorrow's electricity demand from the last "
                              "weeks": "GAN"}), "the next value depends on the ones before it"),
    ),
    setup="",
)


_STATE_OPTIONS = {
    "A": "the input x_t of the current step",
    "B": "a summary of the inputs x_1 ... x_t seen so far, updated at every step",
    "C": "the weights W and U that the layer learns",
    "D": "the prediction error at step t",
}


def _judge_hidden_state(answer):
    choice = str(answer).strip().upper()
    if choice not in _STATE_OPTIONS:
        raise wrong(f"{answer!r} is not one of {', '.join(_STATE_OPTIONS)}", "answer with a letter")
    if choice == "B":
        return correct("h_t = tanh(W x_t + U h_(t-1) + b) folds each new input into the memory "
                       "of all earlier ones; that is what a CNN or a dense layer lacks.")
    hints = {"A": "h_t depends on x_t, but also on h_(t-1): what does that bring along?",
             "C": "W and U are the same at every step; h_t changes at every step",
             "D": "the hidden state is computed in the forward pass, before any loss"}
    raise wrong(f"{choice}, '{_STATE_OPTIONS[choice]}', is not it", hints[choice])


hidden_state = Exercise(
    id="quiz.hidden_state",
    lesson="09",
    title="What a hidden state holds",
    judge=_judge_hidden_state,
    hints=("Lesson 04: write out h_2 in terms of x_1 and x_2.",
           "The same W and U are used at every step; what changes from step to step?"),
    answer="hidden_state_holds",
    kind="choose",
    solution='hidden_state_holds = "B"',
    mistakes=(('hidden_state_holds = "A"', "what does that bring along?"),
              ('hidden_state_holds = "C"', "the same at every step"),
              ('hidden_state_holds = "D"', "before any loss")),
    setup="",
)


# ---------------------------------------------------------------- predict: which model moves better

def _judge_shifted_winner(answer):
    choice = str(answer).strip().lower()
    if choice in ("cnn", "the cnn", "convolutional network"):
        return correct("Run the next cell to see by how much. The CNN's filters are shared by "
                       "every position, and its pooling forgives small moves; the dense network "
                       "must learn each digit at each position from examples.")
    if choice in ("dense", "dense network", "the dense network", "mlp"):
        raise wrong("the dense network has more parameters, but each belongs to one pixel",
                    "a stroke learned at one position: which of the two models can use it at "
                    "another position?")
    if choice in ("same", "the same", "equal", "tie"):
        raise wrong("a shift is not the same thing to the two models",
                    "which one applies the same weights at every position?")
    raise wrong(f"{answer!r} is not one of the two models",
                'answer "CNN", "dense network" or "the same"')


shifted_winner = Exercise(
    id="quiz.shifted_winner",
    lesson="09",
    title="Predict which model copes with moving digits",
    judge=_judge_shifted_winner,
    hints=("Lesson 01: a convolution slides the same filter over every position.",
           "Lesson 02: pooling keeps the strongest response in a window, wherever it is."),
    answer="better_on_moving_digits",
    kind="predict",
    solution='better_on_moving_digits = "CNN"',
    mistakes=(('better_on_moving_digits = "dense network"', "each belongs to one pixel"),
              ('better_on_moving_digits = "the same"', "same weights at every position"),
              ('better_on_moving_digits = "RNN"', "not one of the two models")),
    setup="",
)


# ---------------------------------------------------------------- find the bug: augment, then split

def _split(augment_first: bool, augment_test: bool = False) -> str:
    augment = ("    shifted = data.shift_images(images, right=2)  # one shifted copy of each digit\n"
               "    images = np.concatenate([images, shifted])\n"
               "    labels = np.concatenate([labels, labels])\n")
    split = ("    cut = int(0.8 * len(images))\n"
             "    train = images[:cut], labels[:cut]\n"
             "    test = images[cut:], labels[cut:]\n")
    after = ("    shifted = data.shift_images(train[0], right=2)  # training digits only\n"
             "    train = np.concatenate([train[0], shifted]), np.concatenate([train[1], train[1]])\n")
    if augment_test:
        after += ("    test = (np.concatenate([test[0], data.shift_images(test[0], right=2)]),\n"
                  "            np.concatenate([test[1], test[1]]))\n")
    body = (augment + split) if augment_first else (split + after)
    return ("def split_and_augment(images, labels, rng):\n"
            '    """Shuffle the digits, keep 20% of them as test digits, and add to the training\n'
            '    digits a copy of each, shifted 2 pixels right. Returns (train, test), each\n'
            '    (images, labels)."""\n'
            "    order = rng.permutation(len(images))\n"
            "    images, labels = images[order], labels[order]\n"
            + body + "    return train, test")


BUGGY_SPLIT = _split(augment_first=True)
"""What lesson 09 ships: shifted copies of the test digits land in training, and vice versa."""


def _marked_digits(count: int) -> tuple[np.ndarray, np.ndarray]:
    """Digit i is a single dot of ink i + 1 at row 1, column 1 of a 6x6 frame; its label is
    i % 10. A copy shifted 2 pixels right has the dot at column 3: each image says which
    digit it is and whether it was shifted."""
    images = np.zeros((count, 6, 6))
    images[np.arange(count), 1, 1] = np.arange(1, count + 1)
    return images, np.arange(count) % 10


def _identify(images: np.ndarray) -> list[tuple[int, bool]]:
    found = []
    for image in np.asarray(images):
        rows, columns = np.nonzero(image)
        if len(rows) != 1:
            found.append((-1, False))
            continue
        found.append((int(round(image[rows[0], columns[0]])) - 1, bool(columns[0] == 3)))
    return found


def _judge_split(split_and_augment):
    for count in (10, 25, 40):
        where = f"For {count} digits"
        images, labels = _marked_digits(count)
        result = attempt(split_and_augment, images.copy(), labels.copy(),
                         np.random.default_rng(count), case=where)
        try:
            (train_x, train_y), (test_x, test_y) = result
        except (TypeError, ValueError):
            raise wrong(f"{where}, split_and_augment returned {type(result).__name__}",
                        "return (train, test), each a pair (images, labels)") from None
        train, test = _identify(train_x), _identify(test_x)
        if len(train_y) != len(train) or len(test_y) != len(test):
            raise wrong(f"{where}, the images and labels of a part differ in number",
                        "repeat the labels along with the images")
        if any(not 0 <= digit < count for digit, _ in train + test):
            raise wrong(f"{where}, the parts hold images that are not among the digits given",
                        "split and shift the images passed in; make no new ones")
        if any(labels[digit] != label
               for (digit, _), label in zip(train + test, [*train_y, *test_y])):
            raise wrong(f"{where}, a digit carries another digit's label",
                        "shuffle images and labels with the same order")
        test_digits = {digit for digit, _ in test}
        train_digits = {digit for digit, _ in train}
        if test_digits & train_digits:
            raise wrong(f"{where}, {len(test_digits & train_digits)} test digits also appear "
                        "in training, as themselves or as their shifted copy: the test score "
                        "would reward memory", "split first, then augment the training part "
                        "only: a digit and its copy must stay on the same side")
        if any(shifted for _, shifted in test):
            raise wrong(f"{where}, the test part holds shifted copies",
                        "augment the training part only: the test digits are measured as they "
                        "come")
        expected_test = count - int(0.8 * count)
        if len(test) != expected_test:
            raise wrong(f"{where}, the test part holds {len(test)} digits; expected "
                        f"{expected_test}, 20% of the digits", "cut the digits before "
                        "augmenting, so that 20% of the digits are test digits")
        originals = sorted(digit for digit, shifted in train if not shifted)
        copies = sorted(digit for digit, shifted in train if shifted)
        if originals != copies or len(originals) != count - expected_test:
            raise wrong(f"{where}, not every training digit has its shifted copy in training",
                        "add one shifted copy of each training digit")
    return correct("A digit and its shifted copy are nearly the same image. Augmenting before "
                   "splitting put copies of test digits into training, so the test score "
                   "measured memory, and augmentation looked better than it is. Split first; "
                   "augment the training part only.")


augment_split = Exercise(
    id="quiz.augment_split",
    lesson="09",
    title="Find the bug: augmentation that leaks into the test digits",
    judge=_judge_split,
    hints=("Follow one digit: where can its shifted copy end up, and where can the digit?",
           "What the test digits must never share with training, they share here through the "
           "copies."),
    answer="split_and_augment",
    kind="find the bug",
    solution=_split(augment_first=False),
    mistakes=(
        (BUGGY_SPLIT, "split first"),
        (_split(augment_first=False, augment_test=True), "test part holds shifted copies"),
        (_split(augment_first=False).replace(
            "np.concatenate([train[1], train[1]])", "train[1]"), "differ in number"),
        (_split(augment_first=False).replace(
            "    order = rng.permutation(len(images))\n    images, labels = images[order], "
            "labels[order]\n", "    images = images[rng.permutation(len(images))]\n"),
         "another digit's label"),
    ),
    setup="import numpy as np\nfrom course_utils import data",
    forbidden=("sklearn.model_selection.train_test_split",),
)
