"""Lesson 02's exercises: pooling with loops, a bug in a strided max pooling, the pooled
shape, max pooling by hand, which pooling for which job.

The judges of code run it on many seeded random cases, smallest first, against the course's
reference, and name the smallest case that fails.
"""

from collections.abc import Callable
from typing import Any

import numpy as np

from course_utils import conv
from course_utils.checks import Exercise, attempt, correct, matches, wrong

# ---------------------------------------------------------------- pool2d with loops (scaffold)

_POOL_SCAFFOLD = '''def pool2d(x, pool_size=2, stride=None, padding="valid", mode="max"):
    """x: (N, H, W, C) -> (N, H_out, W_out, C): the max or the mean of each window, for each
    channel on its own, as keras.layers.MaxPooling2D / AveragePooling2D."""
    stride = {stride}  # Keras' default: stride None means the pool size
    if padding == "same":
        top, bottom = same_padding(x.shape[1], pool_size, stride)
        left, right = same_padding(x.shape[2], pool_size, stride)
        # padded cells must be ignored: pad with nan, then reduce with np.nanmax / np.nanmean
        x = {pad}
    h_out = {h_out}  # positions of the window down the (padded) input
    w_out = {w_out}  # and across
    out = np.zeros((x.shape[0], h_out, w_out, x.shape[3]))
    for i in range(h_out):
        for j in range(w_out):
            window = {window}  # (N, pool_size, pool_size, C)
            assert window.shape[1:3] == (pool_size, pool_size), f"sticks out: {{window.shape}}"
            out[:, i, j, :] = {cell}  # (N, C): one number per image and channel
    return out'''

_POOL = {
    "stride": "pool_size if stride is None else stride",
    "pad": "np.pad(x.astype(float), ((0, 0), (top, bottom), (left, right), (0, 0)),\n"
           "                   constant_values=np.nan)",
    "h_out": "(x.shape[1] - pool_size) // stride + 1",
    "w_out": "(x.shape[2] - pool_size) // stride + 1",
    "window": "x[:, i * stride:i * stride + pool_size, j * stride:j * stride + pool_size, :]",
    "cell": "np.nanmax(window, axis=(1, 2)) if mode == 'max' else np.nanmean(window, "
            "axis=(1, 2))",
}


def _pool(**changes: str) -> str:
    return _POOL_SCAFFOLD.format(**{**_POOL, **changes})


_SAME_PADDING = '''def same_padding(n, k, stride):
    out = -(-n // stride)
    total = max((out - 1) * stride + k - n, 0)
    return total // 2, total - total // 2
'''


def _pool_cases(seed: int = 21, count: int = 150) -> list[tuple[np.ndarray, int, int | None,
                                                                 str, str]]:
    """(x, pool_size, stride, padding, mode): small random maps, smallest first; the values
    are mostly negative so that a window padded with zeros shows."""
    rng = np.random.default_rng(seed)
    cases = []
    for _ in range(count):
        height, width = (int(size) for size in rng.integers(1, 9, size=2))
        padding = str(rng.choice(["valid", "same"]))
        largest = min(height, width, 4) if padding == "valid" else 4
        pool_size = int(rng.integers(1, largest + 1))
        stride = None if rng.random() < 0.4 else int(rng.integers(1, 4))
        x = rng.integers(-9, 3, size=(int(rng.integers(1, 3)), height, width,
                                      int(rng.integers(1, 4)))).astype(float)
        cases.append((x, pool_size, stride, padding, str(rng.choice(["max", "average"]))))
    return sorted(cases, key=lambda case: (case[0].shape[1] * case[0].shape[2], case[1],
                                           case[0].size))


def _pool_loops(x: np.ndarray, pool_size: int, stride: int | None, padding: str, mode: str,
                fill: float = np.nan, stride_default: int | None = None) -> np.ndarray:
    """pool2d with switchable mistakes: ``fill`` the padded cells hold (nan: ignored),
    ``stride_default`` the stride used for None (None: the pool size)."""
    if stride is None:
        stride = pool_size if stride_default is None else stride_default
    if padding == "same":
        pads = [conv.same_padding(size, pool_size, stride) for size in x.shape[1:3]]
        x = np.pad(x, ((0, 0), pads[0], pads[1], (0, 0)), constant_values=fill)
    h_out, w_out = ((size - pool_size) // stride + 1 for size in x.shape[1:3])
    reduce = np.nanmax if mode == "max" else np.nanmean
    out = np.zeros((x.shape[0], h_out, w_out, x.shape[3]))
    for i in range(h_out):
        for j in range(w_out):
            out[:, i, j, :] = reduce(x[:, i * stride:i * stride + pool_size,
                                       j * stride:j * stride + pool_size, :], axis=(1, 2))
    return out


def _judge_pool2d(pool2d: Any) -> str:
    failures = []  # (case, got, arguments) of the first wrong outputs, smallest first
    for x, pool_size, stride, padding, mode in _pool_cases():
        n, height, width, channels = x.shape
        case = (f"for {n} map(s) of {height}x{width} with {channels} channel(s), "
                f"pool_size={pool_size}, stride={stride}, padding={padding!r}, mode={mode!r}")
        got = attempt(pool2d, x.copy(), pool_size, stride, padding, mode, case=case)
        expected = conv.pool2d(x, pool_size, stride, padding, mode)
        try:
            got = np.asarray(got, dtype=float)
        except (TypeError, ValueError):
            raise wrong(f"{case} pool2d returned {got!r}, not an array",
                        "return the output array of shape (N, H_out, W_out, C)") from None
        if got.shape != expected.shape and not failures:
            hint = "count the window positions along each axis, as for a convolution"
            if stride is None and got.shape == _safe_shape(
                    _pool_loops, x, pool_size, None, padding, mode, stride_default=1):
                hint = "when stride is None, Keras uses the pool size as the stride"
            elif padding == "same" and got.shape == _safe_shape(
                    conv.pool2d, x, pool_size, stride, "valid", mode):
                hint = "with padding='same', pad x first (with nan, so the pads are ignored)"
            raise wrong(f"{case} your output has shape {got.shape}; expected {expected.shape}",
                        hint)
        if not matches(got, expected):
            failures.append((case, got, (x, pool_size, stride, padding, mode)))
        if len(failures) == 30:  # enough to tell one mistake from another
            break
    if not failures:
        return correct("Your loops equal the course's pool2d (and Keras' pooling layers) on 150 "
                       "random maps: both modes, strides, the default stride and 'same' "
                       "padding, whose padded cells are ignored.")
    case, got, (x, pool_size, stride, padding, mode) = failures[0]
    expected = conv.pool2d(x, pool_size, stride, padding, mode)
    where = (f"{case} your output differs; for the first map and channel it is\n"
             f"{np.round(got[0, :, :, 0], 3)}\nexpected\n{np.round(expected[0, :, :, 0], 3)}")
    for test, hint in _POOL_MISTAKES:
        verdicts = [_safe_test(test, got, arguments) for _, got, arguments in failures]
        shown = [verdict for verdict in verdicts if verdict is not None]
        if shown and all(shown):
            raise wrong(where, hint)
    raise wrong(where, "out[:, i, j, :] is the max (or mean) of the window at "
                       "(i * stride, j * stride), over its rows and columns: axis=(1, 2)")


def _other_mode(got, x, pool_size, stride, padding, mode):
    other = "average" if mode == "max" else "max"
    return matches(got, conv.pool2d(x, pool_size, stride, padding, other))


# (does this mistake give `got`? None where it cannot show, hint), tried in order; a mistake
# is named when it explains every failing case where it can show, and shows at least once
_POOL_MISTAKES = (
    (lambda got, *case: None if case[3] == "valid" else matches(
        got, _pool_loops(*case, fill=0.0)),
     "the padded cells counted as zeros: Keras ignores them; pad with np.nan and reduce with "
     "np.nanmax / np.nanmean"),
    (lambda got, *case: None if case[2] is not None else matches(
        got, _pool_loops(*case, stride_default=1)),
     "when stride is None, Keras uses the pool size as the stride"),
    (lambda got, *case: None if case[4] == "max" else _other_mode(got, *case),
     "with mode='average' this gives the maximum: look at `mode`"),
    (lambda got, *case: None if case[4] == "average" else _other_mode(got, *case),
     "with mode='max' this gives the mean: look at `mode`"),
    (lambda got, x, *rest: matches(got, np.broadcast_to(np.nanmax(x, axis=(1, 2),
                                                                  keepdims=True), got.shape)),
     "every cell holds the maximum of the whole map: reduce the window only, over its "
     "axis=(1, 2)"),
)


def _safe_test(test: Any, got: np.ndarray, arguments: tuple[Any, ...]) -> bool | None:
    try:
        verdict = test(got, *arguments)
        return None if verdict is None else bool(verdict)
    except ValueError:  # the mistaken computation does not fit this case: not this mistake
        return False


def _safe_shape(function: Any, *args: Any, **kwargs: Any) -> tuple[int, ...] | None:
    try:
        return function(*args, **kwargs).shape
    except ValueError:
        return None


pool2d = Exercise(
    id="pooling.pool2d",
    lesson="02",
    title="Max and average pooling with loops",
    judge=_judge_pool2d,
    hints=("The same loops as lesson 01's conv2d, without a kernel: the window at "
           "(i * stride, j * stride) is reduced to its max or mean over its rows and columns.",
           "np.nanmax(window, axis=(1, 2)) gives shape (N, C) and skips nan; pad with "
           "np.pad(..., constant_values=np.nan) for 'same'."),
    answer="pool2d",
    solution=_pool(),
    mistakes=(
        (_pool(stride="stride or 1"), "pool size as the stride"),
        (_pool(pad="np.pad(x, ((0, 0), (top, bottom), (left, right), (0, 0)))"),
         "counted as zeros"),
        (_pool(cell="np.nanmax(window, axis=(1, 2))"), "with mode='average' this gives the "
                                                       "maximum"),
        (_pool(cell="np.nanmax(x, axis=(1, 2)) if mode == 'max' else np.nanmean(window, "
                    "axis=(1, 2))"), "the whole map"),
        ("def pool2d(x, pool_size=2, stride=None, padding='valid', mode='max'):\n"
         "    return np.zeros((1, 2, 2, 1))", "expected"),
        ("def pool2d(x, pool_size=2, stride=None, padding='valid', mode='max'):\n"
         "    return conv.pool2d(x, pool_size, stride, padding, mode)", "course's version"),
    ),
    setup="import numpy as np\nfrom course_utils import conv\n" + _SAME_PADDING,
    forbidden=("course_utils.conv.pool2d", "keras.layers.MaxPooling2D",
               "keras.layers.AveragePooling2D", "keras.ops.max_pool", "keras.ops.average_pool",
               "tensorflow.nn.max_pool2d", "tensorflow.nn.avg_pool2d",
               "numpy.lib.stride_tricks.sliding_window_view", "skimage.measure.block_reduce"),
    variants=(_pool(cell="(np.nanmax if mode == 'max' else np.nanmean)(window, axis=(1, 2))"),),
)


# ---------------------------------------------------------------- find the bug: a strided max pool

_MAX_POOL = '''def max_pool(image, pool_size=2, stride=2):
    """image: (H, W) -> the maximum of each pool_size x pool_size window, the window moving
    `stride` cells at a time, 'valid' padding, as keras.layers.MaxPooling2D on one map.
    Output shape: ((H - pool_size) // stride + 1, (W - pool_size) // stride + 1)."""
    h_out = (image.shape[0] - pool_size) // stride + 1
    w_out = (image.shape[1] - pool_size) // stride + 1
    out = np.zeros((h_out, w_out))
    for i in range(h_out):
        for j in range(w_out):
            out[i, j] = {cell}
    return out'''
BUGGY_MAX_POOL = _MAX_POOL.format(cell="image[i:i + pool_size, j:j + pool_size].max()")
"""The code lesson 02 gives with a bug in it: the learner finds and fixes it."""


def _max_pool_cases(seed: int = 23, count: int = 80) -> list[tuple[np.ndarray, int, int]]:
    """(image, pool_size, stride): maps of 2x2 to 9x9, windows of 2 to 4 cells that fit,
    strides 1 to 3; smallest first."""
    rng = np.random.default_rng(seed)
    cases = []
    for _ in range(count):
        height, width = (int(size) for size in rng.integers(2, 10, size=2))
        pool_size = int(rng.integers(2, min(height, width, 4) + 1))
        stride = int(rng.integers(1, 4))
        cases.append((rng.integers(-9, 10, size=(height, width)).astype(float), pool_size,
                      stride))
    return sorted(cases, key=lambda case: (case[0].size, case[1], case[2]))


def _max_pool_with(image: np.ndarray, pool_size: int, stride: int, row_step: int | None = None,
                   col_step: int | None = None, size: int | None = None,
                   reduce: Any = np.max) -> np.ndarray:
    """Strided max pooling with switchable mistakes: the window starts at (i * row_step,
    j * col_step) (both the stride when None), is ``size`` cells wide (the pool size when
    None) and is reduced with ``reduce``. ValueError where a window comes out empty."""
    row_step = stride if row_step is None else row_step
    col_step = stride if col_step is None else col_step
    size = pool_size if size is None else size
    h_out, w_out = ((length - pool_size) // stride + 1 for length in image.shape)
    out = np.zeros((h_out, w_out))
    for i in range(h_out):
        for j in range(w_out):
            window = image[i * row_step:i * row_step + size, j * col_step:j * col_step + size]
            if window.size == 0:
                raise ValueError("an empty window")
            out[i, j] = reduce(window)
    return out


# (the mistake: pool_size, stride -> keyword arguments of _max_pool_with; what it shows;
# hint), tried in order
_MAX_POOL_MISTAKES: tuple[tuple[Callable[[int, int], dict[str, Any]], str, str], ...] = (
    (lambda pool_size, stride: {"row_step": 1, "col_step": 1},
     "each window starts one cell after the previous one, whatever the stride: right for "
     "stride 1 only",
     "output cell (i, j) covers the window whose top-left corner is (i * stride, j * stride)"),
    (lambda pool_size, stride: {"col_step": 1},
     "the rows move by the stride but the columns one cell at a time",
     "the column where window (i, j) starts is j * stride"),
    (lambda pool_size, stride: {"row_step": 1},
     "the columns move by the stride but the rows one cell at a time",
     "the row where window (i, j) starts is i * stride"),
    (lambda pool_size, stride: {"size": stride}, "each window is `stride` cells wide",
     "the window is pool_size cells wide; the stride is only how far it moves"),
    (lambda pool_size, stride: {"size": pool_size - 1},
     "each window is one row and one column too small",
     "a slice a:b stops before b: the window is image[top:top + pool_size, ...]"),
    (lambda pool_size, stride: {"reduce": np.mean}, "those are the averages of the windows",
     "max pooling keeps the largest value of each window"),
)


def _explains(got: np.ndarray, image: np.ndarray, pool_size: int, stride: int,
              mistake: Callable[[int, int], dict[str, Any]]) -> bool:
    """Does this mistake give ``got`` on this case?"""
    try:
        return matches(got, _max_pool_with(image, pool_size, stride,
                                           **mistake(pool_size, stride)))
    except ValueError:
        return False


def _judge_max_pool(max_pool: Any) -> str:
    failures = []  # (case, got, image, pool_size, stride, expected), smallest first
    for image, pool_size, stride in _max_pool_cases():
        case = (f"for a {image.shape[0]}x{image.shape[1]} map, pool_size={pool_size} and "
                f"stride={stride}")
        got = attempt(max_pool, image.copy(), pool_size, stride, case=case)
        expected = conv.pool2d(image[None, :, :, None], pool_size, stride)[0, :, :, 0]
        try:
            got = np.asarray(got, dtype=float)
        except (TypeError, ValueError):
            raise wrong(f"{case} max_pool returned {got!r}, not an array",
                        "return the pooled map, one number per window position") from None
        if got.shape != expected.shape:
            if failures:
                break
            raise wrong(f"{case} max_pool returned shape {got.shape}; expected "
                        f"{expected.shape}",
                        "(H - pool_size) // stride + 1 window positions down, and the same "
                        "across: the docstring has the formula")
        if not matches(got, expected):
            failures.append((case, got, image, pool_size, stride, expected))
        if len(failures) == 20:
            break
    if failures:
        case, got, image, _, _, expected = failures[0]
        where = (f"{case}, the map\n{image.astype(int)}\ngives\n{np.round(got, 3)}\n"
                 f"expected\n{np.round(expected, 3)}")
        for mistake, shows, hint in _MAX_POOL_MISTAKES:
            if all(_explains(got, image, pool_size, stride, mistake)
                   for _, got, image, pool_size, stride, _ in failures):
                raise wrong(f"{where}\n{shows[:1].upper()}{shows[1:]}.", hint)
        raise wrong(where, "out[i, j] is the maximum of the pool_size x pool_size window "
                           "whose top-left corner is (i * stride, j * stride)")
    return correct("Found: the window of output cell (i, j) starts at (i * stride, j * stride). "
                   "The buggy loops slid it one cell at a time: the output had the right shape "
                   "and was right for stride 1, so only a test with a larger stride shows it. "
                   "Checked on 80 random maps, pool sizes and strides.")


stride_bug = Exercise(
    id="pooling.find_the_bug",
    lesson="02",
    title="Find the bug: a max pooling that runs without an error",
    judge=_judge_max_pool,
    hints=("Run it on np.arange(16.0).reshape(4, 4) with pool_size=2 and stride=2, then with "
           "stride=1: which output is wrong, and which windows did it take?",
           "Where should the window of output cell (1, 0) start when stride=2? Compare with "
           "the slice in the loop."),
    answer="max_pool",
    kind="find the bug",
    solution=_MAX_POOL.format(cell="image[i * stride:i * stride + pool_size,\n"
                                   "                              j * stride:j * stride + "
                                   "pool_size].max()"),
    mistakes=(
        (BUGGY_MAX_POOL, "right for stride 1 only"),
        (_MAX_POOL.format(cell="image[i * stride:i * stride + pool_size, "
                               "j:j + pool_size].max()"), "the columns one cell at a time"),
        (_MAX_POOL.format(cell="image[i * stride:i * stride + stride, "
                               "j * stride:j * stride + stride].max()"),
         "the stride is only how far it moves"),
        (_MAX_POOL.format(cell="image[i * stride:i * stride + pool_size, "
                               "j * stride:j * stride + pool_size].mean()"), "averages"),
        (_MAX_POOL.format(cell="image[i * stride:i * stride + pool_size - 1, "
                               "j * stride:j * stride + pool_size - 1].max()"),
         "a slice a:b stops before b"),
        ("def max_pool(image, pool_size=2, stride=2):\n"
         "    return conv.pool2d(image[None, :, :, None], pool_size, stride)[0, :, :, 0]",
         "course's version"),
    ),
    setup="import numpy as np\nfrom course_utils import conv",
    forbidden=("course_utils.conv.pool2d", "keras.layers.MaxPooling2D", "keras.ops.max_pool",
               "tensorflow.nn.max_pool2d", "numpy.lib.stride_tricks.sliding_window_view",
               "skimage.measure.block_reduce"),
    variants=(
        "def max_pool(image, pool_size=2, stride=2):\n"
        "    h_out = (image.shape[0] - pool_size) // stride + 1\n"
        "    w_out = (image.shape[1] - pool_size) // stride + 1\n"
        "    out = np.zeros((h_out, w_out))\n"
        "    for i in range(h_out):\n"
        "        for j in range(w_out):\n"
        "            top, left = i * stride, j * stride\n"
        "            out[i, j] = np.max(image[top:top + pool_size, left:left + pool_size])\n"
        "    return out",
    ),
)


# ---------------------------------------------------------------- shape, by hand, purpose
def _shape_cases(seed: int = 2, count: int = 300) -> list[tuple[tuple[int, int, int], int,
                                                                 int | None, str]]:
    """((H, W, C), pool_size, stride, padding), the window fitting with 'valid'; smallest
    first, the notebook's 28x28x32 example among them."""
    rng = np.random.default_rng(seed)
    cases = {((28, 28, 32), 2, None, "valid"), ((7, 7, 8), 2, None, "same")}
    while len(cases) < count:
        shape = (int(rng.integers(1, 30)), int(rng.integers(1, 30)), int(rng.integers(1, 65)))
        padding = str(rng.choice(["valid", "same"]))
        largest = min(shape[:2]) if padding == "valid" else 5
        pool_size = int(rng.integers(1, min(largest, 5) + 1))
        stride = None if rng.random() < 0.4 else int(rng.integers(1, 5))
        cases.add((shape, pool_size, stride, padding))
    return sorted(cases, key=lambda case: (case[0][0] * case[0][1], case[0][2], case[1]))


def _expected_shape(shape, pool_size, stride, padding):
    """The pooled (H, W, C), or None where the window does not fit (a mistake's guess)."""
    stride = pool_size if stride is None else stride
    height, width, channels = shape
    try:
        return (conv.conv_output_size(height, pool_size, stride, padding),
                conv.conv_output_size(width, pool_size, stride, padding), channels)
    except ValueError:
        return None


def _judge_pooled_shape(pooled_shape):
    for shape, pool_size, stride, padding in _shape_cases():
        expected = _expected_shape(shape, pool_size, stride, padding)
        call = (f"pooled_shape({shape}, pool_size={pool_size}, stride={stride}, "
                f"padding={padding!r})")
        got = attempt(pooled_shape, shape, pool_size, stride, padding, case=f"for {call}")
        try:
            got = tuple(int(item) for item in got)
        except (TypeError, ValueError):
            raise wrong(f"{call} returned {got!r}, not a tuple of three ints",
                        "return (height, width, channels)") from None
        if got == expected:
            continue
        where = f"{call} returned {got}; expected {expected}"
        if len(got) == 2:
            raise wrong(where, "pooling works on each channel separately: the channels are "
                               "kept, so return three numbers")
        if stride is None and got == _expected_shape(shape, pool_size, 1, padding):
            raise wrong(where, "when stride is None, Keras uses the pool size as the stride")
        stride_used = pool_size if stride is None else stride
        valid_formula = ((shape[0] - pool_size) // stride_used + 1,
                         (shape[1] - pool_size) // stride_used + 1, shape[2])
        if padding == "same" and got == valid_formula:
            raise wrong(where, "with padding='same' a partial window at the edge still gives an "
                               "output cell: the size is rounded up, ceil(H / stride)")
        if got[:2] == (shape[0] // pool_size, shape[1] // pool_size):
            raise wrong(where, "the window moves by the stride, which is not always the pool "
                               "size")
        if got == expected[1::-1] + expected[2:]:
            raise wrong(where, "height first, then width")
        raise wrong(where, "count the window positions along each axis, as for a convolution")
    return correct("Pooling uses the convolution's output-size formula with the pool size as "
                   "the window and, by default, as the stride: 2x2 pooling halves each side. "
                   "Checked on 300 random shapes, pools, strides and paddings.")


pooled_shape = Exercise(
    id="pooling.output_shape",
    lesson="02",
    title="The pooled output shape",
    judge=_judge_pooled_shape,
    hints=("A pooling window slides like a convolution's, but never mixes channels. What does "
           "stride=None mean for Keras' MaxPooling2D?",
           "'valid': (H - pool_size) // stride + 1; 'same': ceil(H / stride), that is "
           "-(-H // stride). The same for W; the channels stay."),
    answer="pooled_shape",
    solution="def pooled_shape(input_shape, pool_size, stride=None, padding='valid'):\n"
             "    height, width, channels = input_shape\n"
             "    stride = pool_size if stride is None else stride\n"
             "    if padding == 'same':\n"
             "        return (-(-height // stride), -(-width // stride), channels)\n"
             "    return ((height - pool_size) // stride + 1,\n"
             "            (width - pool_size) // stride + 1, channels)",
    mistakes=(
        ("def pooled_shape(input_shape, pool_size, stride=None, padding='valid'):\n"
         "    return (14, 14, 32)", "expected"),
        ("def pooled_shape(input_shape, pool_size, stride=None, padding='valid'):\n"
         "    height, width, channels = input_shape\n"
         "    stride = stride or pool_size\n"
         "    return ((height - pool_size) // stride + 1, (width - pool_size) // stride + 1)",
         "channels are kept"),
        ("def pooled_shape(input_shape, pool_size, stride=None, padding='valid'):\n"
         "    height, width, channels = input_shape\n"
         "    stride = 1 if stride is None else stride\n"
         "    if padding == 'same':\n"
         "        return (-(-height // stride), -(-width // stride), channels)\n"
         "    return ((height - pool_size) // stride + 1,\n"
         "            (width - pool_size) // stride + 1, channels)", "pool size as the stride"),
        ("def pooled_shape(input_shape, pool_size, stride=None, padding='valid'):\n"
         "    height, width, channels = input_shape\n"
         "    stride = pool_size if stride is None else stride\n"
         "    return ((height - pool_size) // stride + 1,\n"
         "            (width - pool_size) // stride + 1, channels)", "rounded up"),
        ("def pooled_shape(input_shape, pool_size, stride=None, padding='valid'):\n"
         "    height, width, channels = input_shape\n"
         "    return (height // pool_size, width // pool_size, channels)",
         "moves by the stride"),
        ("def pooled_shape(input_shape, pool_size, stride=None, padding='valid'):\n"
         "    x = np.zeros((1,) + tuple(input_shape))\n"
         "    return conv.pool2d(x, pool_size, stride, padding).shape[1:]", "course's version"),
    ),
    setup="import numpy as np\nfrom course_utils import conv",
    forbidden=("course_utils.conv.pool2d", "course_utils.conv.conv_output_size",
               "course_utils.conv.same_padding", "course_utils.conv.conv2d",
               "keras.layers.MaxPooling2D", "keras.layers.AveragePooling2D",
               "keras.ops.max_pool", "keras.ops.average_pool"),
    variants=(
        "import math\n"
        "def pooled_shape(input_shape, pool_size, stride=None, padding='valid'):\n"
        "    height, width, channels = input_shape\n"
        "    stride = stride or pool_size\n"
        "    if padding == 'same':\n"
        "        return (math.ceil(height / stride), math.ceil(width / stride), channels)\n"
        "    return (math.floor((height - pool_size) / stride) + 1,\n"
        "            math.floor((width - pool_size) / stride) + 1, channels)",
    ),
)

SMALL = np.array([[1, 3, 2, 0],
                  [4, 6, 1, 1],
                  [0, 2, 5, 7],
                  [3, 1, 8, 2]])
"""The 4x4 array lesson 02 asks to max-pool by hand (2x2 windows, stride 2)."""


def _judge_max_by_hand(pooled):
    pooled = np.asarray(pooled, dtype=float)
    expected = conv.pool2d(SMALL[None, :, :, None].astype(float), 2)[0, :, :, 0]
    if pooled.shape != expected.shape:
        hint = ("2x2 windows with stride 2 do not overlap: a 4x4 array gives 2x2"
                if pooled.shape == (3, 3) else "a 4x4 array in 2x2 windows gives 2x2 numbers")
        raise wrong(f"your answer has shape {pooled.shape}, expected {expected.shape}", hint)
    if np.array_equal(pooled, expected):
        return correct(f"Each output keeps the largest value of its 2x2 block: "
                       f"{expected.astype(int).tolist()}. Three quarters of the numbers are "
                       "dropped; the strongest survive.")
    windows = SMALL.reshape(2, 2, 2, 2).transpose(0, 2, 1, 3).reshape(2, 2, 4)
    if np.allclose(pooled, windows.mean(axis=-1)):
        raise wrong(f"you gave {pooled.tolist()}: those are the averages of the blocks",
                    "max pooling keeps the largest value of each block")
    if np.array_equal(pooled, windows.min(axis=-1)):
        raise wrong(f"you gave {pooled.tolist()}: those are the smallest values of the blocks",
                    "max pooling keeps the largest value of each block")
    if np.array_equal(pooled, expected.T):
        raise wrong(f"you gave {pooled.tolist()}: the top-right and bottom-left are swapped",
                    "write the result row by row: the first row holds the two top blocks")
    wrong_cells = [f"({row}, {col})" for row in range(2) for col in range(2)
                   if pooled[row, col] != expected[row, col]]
    raise wrong(f"cells {', '.join(wrong_cells)} of your answer {pooled.tolist()} are not the "
                "maximum of their block",
                "block (0, 1) is rows 0-1 and columns 2-3 of the array")


max_by_hand = Exercise(
    id="pooling.max_by_hand",
    lesson="02",
    title="Max-pool a small array by hand",
    judge=_judge_max_by_hand,
    hints=("Cut the 4x4 array into four 2x2 blocks that do not overlap.",
           "Block (0, 0) is [[1, 3], [4, 6]]: keep its largest value; do the same for the "
           "other three, row by row."),
    answer="pooled",
    kind="predict",
    solution="pooled = np.array([[6, 2],\n"
             "                   [3, 8]])",
    mistakes=(
        ("pooled = np.array([[3.5, 1.0], [1.5, 5.5]])", "averages"),
        ("pooled = np.array([[6, 3], [2, 8]])", "swapped"),
        ("pooled = np.array([[6, 6, 2], [6, 6, 7], [3, 8, 8]])", "do not overlap"),
        ("pooled = np.array([[1, 0], [0, 2]])", "smallest values"),
        ("pooled = np.array([[6, 2], [2, 8]])", "(1, 0)"),
    ),
)

_PURPOSES = {
    "A": ("max", "keep the strongest edge response in each region of a feature map, so a "
                 "feature found anywhere in the window is reported"),
    "B": ("average", "turn each whole feature map into one number per channel just before the "
                     "classifier (global pooling in modern CNNs)"),
    "C": ("max", "make a detector tolerant of a feature moving by a pixel or two"),
    "D": ("average", "shrink a photo smoothly, keeping its overall brightness, as when making "
                     "a thumbnail"),
}
"""Which pooling for which purpose: letter -> (answer, scenario), as lesson 02 lists them."""

_WHY = {
    "A": "the strongest response in the region is its maximum, whatever the others are",
    "B": "every position should count: a feature present across the map matters more than "
         "one bright pixel, which an average reflects",
    "C": "the largest value of a window stays the same while the feature moves inside it",
    "D": "a maximum brightens the picture and makes it blocky; an average keeps the mean "
         "brightness",
}
_SYNONYMS = {"max": "max", "maximum": "max", "average": "average", "avg": "average",
             "mean": "average"}


def _judge_purpose(answers):
    if not isinstance(answers, dict):
        raise wrong(f"expected a dict like {{'A': 'max', ...}}, got {type(answers).__name__}",
                    "fill in the dict given in the cell")
    missing = [letter for letter in _PURPOSES if answers.get(letter, ...) is ...]
    if len(missing) == len(_PURPOSES):
        attempt(lambda: None)  # nothing filled in yet: "not attempted"
    if missing:
        raise wrong(f"no answer yet for {', '.join(missing)}", "answer 'max' or 'average' "
                    "for every letter")
    given = {}
    for letter in _PURPOSES:
        value = str(answers[letter]).strip().lower()
        if value not in _SYNONYMS:
            raise wrong(f"{letter}: {answers[letter]!r} is not one of the choices",
                        "answer 'max' or 'average'")
        given[letter] = _SYNONYMS[value]
    wrong_letters = [letter for letter, (answer, _) in _PURPOSES.items()
                     if given[letter] != answer]
    if not wrong_letters:
        return correct("Max pooling reports whether a feature is present nearby (and tolerates "
                       "small shifts); average pooling summarises (a global average before the "
                       "classifier, a smooth thumbnail).")
    if len(set(given.values())) == 1:
        raise wrong(f"you chose {next(iter(given.values()))!r} for every purpose: "
                    f"{', '.join(wrong_letters)} are wrong",
                    "each kind has its use: one keeps the strongest value, the other every value")
    first = wrong_letters[0]
    raise wrong(f"{', '.join(wrong_letters)} {'is' if len(wrong_letters) == 1 else 'are'} wrong",
                f"{first}: {_PURPOSES[first][1]}; think: {_WHY[first]}")


purpose = Exercise(
    id="pooling.purpose",
    lesson="02",
    title="Which pooling for which purpose",
    judge=_judge_purpose,
    hints=("Max pooling answers 'is the feature somewhere in this window?'; average pooling "
           "answers 'how much of it is there on average?'.",
           "Ask for each case whether one strong value should win, or every value should count."),
    answer="pooling_for",
    kind="choose",
    solution='pooling_for = {"A": "max", "B": "average", "C": "max", "D": "average"}',
    mistakes=(
        ('pooling_for = {"A": "max", "B": "max", "C": "max", "D": "max"}', "every purpose"),
        ('pooling_for = {"A": "average", "B": "max", "C": "average", "D": "max"}',
         "the strongest response"),
        ('pooling_for = {"A": "max", "B": "average", "C": "max", "D": "max"}', "thumbnail"),
        ('pooling_for = {"A": "max", "B": "average", "C": "min", "D": "average"}',
         "not one of the choices"),
        ('pooling_for = {"A": "max", "B": ..., "C": "max", "D": "average"}', "no answer yet for B"),
    ),
)


# ---------------------------------------------------------------- global average pooling
def _map_cases(seed: int = 31, count: int = 120) -> list[np.ndarray]:
    """Random (N, H, W, C) maps of 1x1 to 7x7 with 1 to 5 channels, smallest first; one
    image of 3x3 with 2 channels comes early, so a mistake shows on a case easy to read."""
    rng = np.random.default_rng(seed)
    cases = [rng.integers(-5, 10, size=(1, 3, 3, 2)).astype(float)]
    for _ in range(count - 1):
        shape = (int(rng.integers(1, 4)), int(rng.integers(1, 8)), int(rng.integers(1, 8)),
                 int(rng.integers(1, 6)))
        cases.append(rng.integers(-5, 10, size=shape).astype(float))
    return sorted(cases, key=lambda x: (x.shape[1] * x.shape[2], x.size))


def _describe_maps(x: np.ndarray) -> str:
    n, height, width, channels = x.shape
    return f"for {n} map(s) of {height}x{width} with {channels} channel(s), x of shape {x.shape}"


# (what the mistake computes, what it shows, hint), tried in order; a mistake is named when it
# explains every failing case
_GAP_SHAPE_HINT = ("average each image's each channel over its rows and columns, axis=(1, 2), "
                   "so that (N, H, W, C) becomes (N, C)")
_GAP_MISTAKES: tuple[tuple[Callable[[np.ndarray], np.ndarray], str, str], ...] = (
    (lambda x: x.mean(axis=(1, 2), keepdims=True), "you kept the two spatial axes (of length 1)",
     "drop them: (N, 1, 1, C) is not (N, C); keepdims=False, the default, does"),
    (lambda x: x.mean(axis=-1), "you averaged over the channels", _GAP_SHAPE_HINT),
    (lambda x: x.mean(axis=(0, 1, 2)), "you averaged over the batch too",
     "each image keeps its own C numbers: " + _GAP_SHAPE_HINT),
    (lambda x: x.mean(axis=1), "you averaged over the rows only", _GAP_SHAPE_HINT),
    (lambda x: x.mean(axis=2), "you averaged over the columns only", _GAP_SHAPE_HINT),
    (lambda x: x.sum(axis=(1, 2)), "those are the sums",
     "summed, not averaged: divide by the number of positions, H x W"),
    (lambda x: x.max(axis=(1, 2)), "those are the maxima (global max pooling)",
     "the average of every position, not the largest"),
)


def _judge_global_average_pool(global_average_pool: Any) -> str:
    failures = []  # (x, got) of the first wrong outputs, smallest first
    for x in _map_cases():
        case = _describe_maps(x)
        got = attempt(global_average_pool, x.copy(), case=case)
        try:
            got = np.asarray(got, dtype=float)
        except (TypeError, ValueError):
            raise wrong(f"{case}: global_average_pool returned {got!r}, not an array",
                        "return an array of shape (N, C)") from None
        if not matches(got, conv.global_average_pool(x)):
            failures.append((x, got))
        if len(failures) == 20:  # enough to tell one mistake from another
            break
    if not failures:
        return correct("One number per image and channel, the mean over every position: a "
                       "13x13x32 map becomes 32 numbers, with no weights. Checked on 120 random "
                       "maps against the course's conv.global_average_pool (equal to Keras' "
                       "GlobalAveragePooling2D).")
    x, got = failures[0]
    expected = conv.global_average_pool(x)
    where = (f"{_describe_maps(x)}, your output has shape {got.shape}; expected "
             f"{expected.shape}")
    if got.shape == expected.shape:
        where = (f"{_describe_maps(x)}, the first image gives {np.round(got[0], 3).tolist()}; "
                 f"expected {np.round(expected[0], 3).tolist()}")
    for mistake, shows, hint in _GAP_MISTAKES:
        if all(matches(got, mistake(x)) for x, got in failures):
            raise wrong(f"{where}: {shows}", hint)
    if got.shape != expected.shape:
        raise wrong(where, "one number per image and channel: (N, C)")
    raise wrong(where, "out[n, c] is the mean of x[n, :, :, c]")


global_average_pool = Exercise(
    id="pooling.global_average_pool",
    lesson="02",
    title="Global average pooling",
    judge=_judge_global_average_pool,
    hints=("x has the axes (image, row, column, channel): which of them does the average "
           "run over, and which stay?",
           "np.mean takes a tuple of axes; the result keeps the axes not listed."),
    answer="global_average_pool",
    solution="def global_average_pool(x):\n"
             "    return x.mean(axis=(1, 2))  # (N, C): over the rows and the columns",
    mistakes=(
        ("def global_average_pool(x):\n    return x.sum(axis=(1, 2))", "summed, not averaged"),
        ("def global_average_pool(x):\n    return x.mean(axis=(1, 2), keepdims=True)",
         "kept the two spatial axes"),
        ("def global_average_pool(x):\n    return x.mean(axis=-1)", "over the channels"),
        ("def global_average_pool(x):\n    return x.mean(axis=(0, 1, 2))", "the batch too"),
        ("def global_average_pool(x):\n    return x.max(axis=(1, 2))", "global max pooling"),
        ("def global_average_pool(x):\n    return np.zeros((1, 2))", "expected"),
        ("def global_average_pool(x):\n    return conv.global_average_pool(x)",
         "course's version"),
    ),
    setup="import numpy as np\nfrom course_utils import conv",
    forbidden=("course_utils.conv.global_average_pool", "course_utils.conv.pool2d",
               "keras.layers.GlobalAveragePooling2D", "keras.layers.AveragePooling2D",
               "keras.ops.mean", "tensorflow.reduce_mean"),
    variants=(
        "def global_average_pool(x):\n"
        "    n, height, width, channels = x.shape\n"
        "    return x.sum(axis=(1, 2)) / (height * width)",
        "def global_average_pool(x):\n"
        "    return x.reshape(x.shape[0], -1, x.shape[3]).mean(axis=1)",
        "def global_average_pool(x):\n"
        "    out = np.zeros((x.shape[0], x.shape[3]))\n"
        "    for n in range(x.shape[0]):\n"
        "        for c in range(x.shape[3]):\n"
        "            out[n, c] = np.mean(x[n, :, :, c])\n"
        "    return out",
    ),
)


# ---------------------------------------------------------------- 1x1 convolution
_CONV1X1_SCAFFOLD = '''def conv1x1(x, kernel, bias):
    """x: (N, H, W, C_in), kernel: (1, 1, C_in, C_out) as Conv2D's, bias: (C_out,)
    -> (N, H, W, C_out), as keras.layers.Conv2D(C_out, 1) with these weights."""
    weights = {weights}  # (C_in, C_out): the kernel without its two 1x1 axes
    return {out}  # (N, H, W, C_out): each pixel's C_in numbers times weights, plus bias'''
_CONV1X1 = {"weights": "kernel[0, 0]", "out": "x @ weights + bias"}


def _conv1x1(**changes: str) -> str:
    return _CONV1X1_SCAFFOLD.format(**{**_CONV1X1, **changes})


def _conv1x1_cases(seed: int = 37, count: int = 100) -> list[tuple[np.ndarray, np.ndarray,
                                                                    np.ndarray]]:
    """(x, kernel, bias): maps of 1x1 to 5x5, 1 to 5 channels in and out, smallest first."""
    rng = np.random.default_rng(seed)
    cases = []
    for _ in range(count):
        n, height, width = (int(size) for size in rng.integers(1, [3, 6, 6]))
        channels_in, channels_out = (int(size) for size in rng.integers(1, 6, size=2))
        cases.append((rng.integers(-3, 4, size=(n, height, width, channels_in)).astype(float),
                      rng.integers(-3, 4, size=(1, 1, channels_in, channels_out)).astype(float),
                      rng.integers(-3, 4, size=channels_out).astype(float)))
    return sorted(cases, key=lambda case: (case[1].size, case[0].size))


def _judge_conv1x1(conv1x1: Any) -> str:
    for x, kernel, bias in _conv1x1_cases():
        c_in, c_out = kernel.shape[2:]
        case = (f"for x of shape {x.shape}, a kernel of shape {kernel.shape} (C_in={c_in}, "
                f"C_out={c_out}) and a bias of shape {bias.shape}")
        got = attempt(conv1x1, x.copy(), kernel.copy(), bias.copy(), case=case,
                      error_hint="weights = kernel[0, 0] has shape (C_in, C_out): x's last axis "
                                 "(C_in) meets its first; is it transposed?")
        expected = conv.conv2d(x, kernel, bias)
        try:
            got = np.asarray(got, dtype=float)
        except (TypeError, ValueError):
            raise wrong(f"{case}: conv1x1 returned {got!r}, not an array",
                        "return an array of shape (N, H, W, C_out)") from None
        if matches(got, expected):
            continue
        if got.shape != expected.shape:
            raise wrong(f"{case}, your output has shape {got.shape}; expected {expected.shape}",
                        "a 1x1 convolution keeps every pixel and changes only the channels: "
                        "(N, H, W, C_in) becomes (N, H, W, C_out)")
        # the pixel where the answer is furthest off: (image, row, column)
        pixel = np.unravel_index(np.abs(got - expected).max(axis=-1).argmax(), got.shape[:3])
        where = (f"{case}, at image {pixel[0]}, row {pixel[1]}, column {pixel[2]}, x holds "
                 f"{x[pixel].tolist()}: you gave {np.round(got[pixel], 3).tolist()}; "
                 f"expected {np.round(expected[pixel], 3).tolist()}")
        weights = kernel[0, 0]
        if matches(got, x @ weights):
            raise wrong(where, "the bias is missing: one per output channel, added at every "
                               "pixel")
        if c_in == c_out and matches(got, x @ weights.T + bias):
            raise wrong(where, "the weights are transposed: kernel[0, 0] is already (C_in, "
                               "C_out), so x @ kernel[0, 0] multiplies each pixel's channels")
        raise wrong(where, "output channel o at a pixel is sum over c of x[..., c] * "
                           "kernel[0, 0, c, o], plus bias[o]")
    return correct("A 1x1 convolution is one matrix product on the channel axis: the same "
                   "Dense layer applied to every pixel, mixing channels and never neighbours. "
                   "Checked on 100 random maps and kernels against the course's conv2d "
                   "(equal to Keras' Conv2D).")


conv1x1 = Exercise(
    id="pooling.conv1x1",
    lesson="02",
    title="A 1x1 convolution as a matrix product",
    judge=_judge_conv1x1,
    hints=("With a 1x1 window, output pixel (i, j) sees only input pixel (i, j): its C_in "
           "numbers, combined with weights into C_out numbers.",
           "numpy's @ multiplies along the last axis of x and the first axis of the matrix, "
           "for every pixel at once."),
    answer="conv1x1",
    solution=_conv1x1(),
    mistakes=(
        (_conv1x1(out="x @ weights"), "bias is missing"),
        (_conv1x1(weights="kernel[0, 0].T"), "transposed"),
        (_conv1x1(out="(x @ weights + bias).sum(axis=-1, keepdims=True)"),
         "(N, H, W, C_in) becomes (N, H, W, C_out)"),
        ("def conv1x1(x, kernel, bias):\n    return np.zeros((1, 1, 1, 1))", "expected"),
        ("def conv1x1(x, kernel, bias):\n    return conv.conv2d(x, kernel, bias)",
         "course's version"),
    ),
    setup="import numpy as np\nfrom course_utils import conv",
    forbidden=("course_utils.conv.conv2d", "keras.layers.Conv2D", "keras.layers.Dense",
               "keras.ops.conv", "tensorflow.nn.conv2d"),
    variants=(
        _conv1x1(out="np.einsum('nhwc,co->nhwo', x, weights) + bias"),
        _conv1x1(weights="kernel.reshape(kernel.shape[2], kernel.shape[3])",
                 out="np.tensordot(x, weights, axes=1) + bias"),
    ),
)


# ---------------------------------------------------------------- predict: a 1x1 layer's size
def _judge_conv1x1_parameters(answer: Any) -> str:
    if isinstance(answer, bool) or not isinstance(answer, int | np.integer):
        raise wrong(f"conv1x1_parameters is {answer!r}, expected a whole number",
                    "write the count as an int, or the arithmetic that gives it")
    answer = int(answer)
    if answer == 64 * 16 + 16:
        return correct(f"{answer:,}: each of the 16 filters has one weight per input channel "
                       "(64) and one bias. The cell below prints the same count from Keras.")
    if answer == 64 * 16:
        raise wrong(f"{answer:,} counts the weights but not the biases",
                    "each of the 16 filters has one bias")
    if answer in (3 * 3 * 64 * 16 + 16, 3 * 3 * 64 * 16):
        raise wrong(f"{answer:,} is the count of a 3x3 kernel",
                    "a 1x1 kernel holds one weight per input channel for each filter, not 9")
    if answer == 64 * 16 + 64:
        raise wrong(f"{answer:,} gives one bias per input channel",
                    "one bias per filter, that is per output channel")
    if answer in (16, 32, 17, 64 + 16):
        raise wrong(f"{answer:,} is far too few",
                    "each of the 16 filters reads all 64 input channels, with a weight for each")
    raise wrong(f"{answer:,} is not the count",
                "a Conv2D kernel has kh x kw x C_in x C_out weights, plus C_out biases")


conv1x1_parameters = Exercise(
    id="pooling.conv1x1_parameters",
    lesson="02",
    title="Predict the parameters of a 1x1 convolution",
    judge=_judge_conv1x1_parameters,
    hints=("The kernel of Conv2D(filters, k) has the shape (k, k, C_in, filters).",
           "Count the kernel's entries for k = 1, then add one bias per filter."),
    answer="conv1x1_parameters",
    kind="predict",
    solution="conv1x1_parameters = 1 * 1 * 64 * 16 + 16",
    mistakes=(
        ("conv1x1_parameters = 64 * 16", "biases"),
        ("conv1x1_parameters = 3 * 3 * 64 * 16 + 16", "not 9"),
        ("conv1x1_parameters = 64 * 16 + 64", "one bias per filter"),
        ("conv1x1_parameters = 16 + 16", "all 64 input channels"),
        ("conv1x1_parameters = 1000", "not the count"),
    ),
)
