"""Lesson 09's final quiz: one question on each family, and the choice between them."""

from course_utils.checks import Exercise, correct, wrong

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


def _judge_pool_shape(answer):
    try:
        shape = tuple(int(size) for size in answer)
    except TypeError:
        raise wrong(f"expected a shape such as (32, 10, 10, 8), got {answer!r}",
                    "write the four sizes in a tuple") from None
    expected = (32, 14, 14, 16)
    if shape == expected:
        return correct("Pooling halves height and width and keeps the batch and the channels.")
    if len(shape) != 4:
        raise wrong(f"got {len(shape)} sizes, expected 4 (batch, height, width, channels)",
                    "pooling keeps the rank of its input")
    if shape[0] != 32:
        raise wrong(f"the batch size changed to {shape[0]}",
                    "pooling works on each image separately: the batch stays 32")
    if shape[3] != 16:
        raise wrong(f"the channels changed to {shape[3]}",
                    "pooling works on each channel separately: channels are unchanged")
    if shape[1:3] == (28, 28):
        raise wrong("height and width are unchanged",
                    "a 2x2 window with stride 2 (the default) moves two pixels at a time")
    if shape[1:3] == (27, 27):
        raise wrong("27 x 27 is what a stride of 1 would give",
                    "MaxPooling2D(2) uses the pool size as its stride")
    raise wrong(f"{shape} is not the output shape", "output size = floor((28 - 2) / 2) + 1")


pool_shape = Exercise(
    id="quiz.pool_shape",
    lesson="09",
    title="The shape after a pooling layer",
    judge=_judge_pool_shape,
    hints=("Lesson 02: a pooling window slides over height and width only.",
           "With 'valid' padding the output size is floor((size - pool) / stride) + 1."),
    answer="pooled_shape",
    kind="predict",
    solution="pooled_shape = (32, 14, 14, 16)",
    mistakes=(("pooled_shape = (32, 14, 14, 8)", "channels are unchanged"),
              ("pooled_shape = (32, 27, 27, 16)", "stride of 1"),
              ("pooled_shape = (32, 28, 28, 16)", "two pixels at a time"),
              ("pooled_shape = (16, 14, 14, 16)", "the batch stays 32")),
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


def _judge_equilibrium(answer):
    try:
        value = float(answer)
    except (TypeError, ValueError):
        raise wrong(f"expected a number between 0 and 1, got {answer!r}",
                    "give D's output as a probability") from None
    if abs(value - 0.5) < 1e-6:
        return correct("When generated samples are indistinguishable from real ones, the best "
                       "the discriminator can do is answer 1/2 for everything (lesson 07).")
    if value >= 0.99:
        raise wrong("D(x) = 1 means D is sure every sample is real",
                    "at equilibrium D cannot tell real from generated: how sure can it be?")
    if value <= 0.01:
        raise wrong("D(x) = 0 means D is sure every sample is fake",
                    "half of what D sees is real: a D that always says 'fake' is often wrong")
    if abs(value - 0.9) < 1e-6:
        raise wrong("0.9 is the smoothed label used for real images while training",
                    "the question is about D's output once G is perfect, not the training target")
    raise wrong(f"{value} is not D's output at equilibrium",
                "if real and generated look the same, what probability is the honest answer?")


equilibrium = Exercise(
    id="quiz.equilibrium",
    lesson="09",
    title="The discriminator at equilibrium",
    judge=_judge_equilibrium,
    hints=("Lesson 07: the optimal D is p_data / (p_data + p_generator).",
           "At equilibrium p_generator = p_data."),
    answer="d_at_equilibrium",
    kind="predict",
    solution="d_at_equilibrium = 0.5",
    mistakes=(("d_at_equilibrium = 1.0", "how sure can it be?"),
              ("d_at_equilibrium = 0.0", "half of what D sees is real"),
              ("d_at_equilibrium = 0.9", "smoothed label")),
    setup="",
)
