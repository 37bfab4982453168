"""Lesson 01's exercises: conv2d with loops (one channel, then the whole layer), the
output-size formula, one step of the sliding window, a bug at the border, an edge filter.

Every judge runs the answer on many seeded random cases, smallest first, and compares it
with the course's reference; the feedback names the smallest case that fails.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from course_utils import conv
from course_utils.checks import Exercise, attempt, correct, matches, wrong

# The framework ops that compute a whole convolution; an answer may not lean on them.
_CONVOLUTIONS = ("course_utils.conv.conv2d", "keras.layers.Conv2D", "keras.ops.conv",
                 "tensorflow.nn.conv2d", "scipy.signal.correlate2d", "scipy.signal.convolve2d",
                 "scipy.signal.correlate", "scipy.ndimage.correlate")


# ---------------------------------------------------------------- conv2d with loops (scaffolds)

def _loops(x: np.ndarray, kernel: np.ndarray, bias: np.ndarray | None = None, stride: int = 1,
           padding: str = "valid", flip: bool = False, strided: bool = True,
           odd_zero_before: bool = False, last: bool = True) -> np.ndarray:
    """conv2d with loops and switchable mistakes, to name the one a wrong answer made.

    x: (N, H, W, C_in), kernel: (kh, kw, C_in, C_out) -> (N, H_out, W_out, C_out).
    flip: the kernel turned upside down and left to right; strided=False: the window at
    (i, j) instead of (i * stride, j * stride); odd_zero_before: 'same' padding with the odd
    zero at the top and left; last=False: the loops stop one position short.
    """
    kh, kw, _, c_out = kernel.shape
    if flip:
        kernel = kernel[::-1, ::-1]
    if padding == "same":
        pads = [conv.same_padding(size, k, stride) for size, k in ((x.shape[1], kh),
                                                                  (x.shape[2], kw))]
        if odd_zero_before:
            pads = [(after, before) for before, after in pads]
        x = np.pad(x, ((0, 0), pads[0], pads[1], (0, 0)))
    h_out, w_out = (x.shape[1] - kh) // stride + 1, (x.shape[2] - kw) // stride + 1
    out = np.zeros((x.shape[0], h_out, w_out, c_out))
    for i in range(h_out if last else h_out - 1):
        for j in range(w_out if last else w_out - 1):
            top, left = (i * stride, j * stride) if strided else (i, j)
            window = x[:, top:top + kh, left:left + kw, :]
            if window.shape[1:3] != (kh, kw):
                raise ValueError("the window sticks out")
            out[:, i, j, :] = np.tensordot(window, kernel, axes=3)
    return out if bias is None else out + bias


def _describe(x: np.ndarray, kernel: np.ndarray, stride: int = 1, padding: str = "valid",
              bias: np.ndarray | None = None) -> str:
    """'for a 4x5 input with 1 channel, a 2x2 kernel, 2 filters, stride 2, padding 'same''."""
    n, height, width, c_in = x.shape
    kh, kw, _, c_out = kernel.shape
    return (f"for {n} input(s) of {height}x{width} with {c_in} channel(s), a {kh}x{kw} kernel "
            f"with {c_out} filter(s), stride {stride}, padding {padding!r} and "
            f"{'no bias' if bias is None else 'a bias'}")


def _conv_cases(seed: int, count: int, channels: bool) -> list[tuple[Any, ...]]:
    """(x, kernel, bias, stride, padding): small random layers, smallest first. Without
    ``channels``: one image, one channel, one filter, stride 1, 'valid', no bias."""
    rng = np.random.default_rng(seed)
    cases = []
    for _ in range(count):
        height, width = (int(size) for size in rng.integers(1, 9, size=2))
        padding = str(rng.choice(["valid", "same"])) if channels else "valid"
        top = (height, width) if padding == "valid" else (4, 4)
        kh, kw = (int(rng.integers(1, min(limit, 4) + 1)) for limit in top)
        n, c_in, c_out = ((int(rng.integers(1, 3)), int(rng.integers(1, 4)),
                           int(rng.integers(1, 4))) if channels else (1, 1, 1))
        stride = int(rng.integers(1, 4)) if channels else 1
        x = rng.integers(-3, 4, size=(n, height, width, c_in)).astype(float)
        kernel = rng.integers(-2, 3, size=(kh, kw, c_in, c_out)).astype(float)
        bias = rng.normal(size=c_out).round(2) if channels and rng.random() < 0.6 else None
        cases.append((x, kernel, bias, stride, padding))
    return sorted(cases, key=lambda case: (case[0].shape[1] * case[0].shape[2],
                                           case[1].size, case[0].size, case[3]))


def _edge_zero(got: np.ndarray, expected: np.ndarray, axis: int) -> bool:
    """Everything right except the last row (axis 0) or column (axis 1), which is 0."""
    rest = got[:-1] if axis == 0 else got[:, :-1]
    edge = got[-1] if axis == 0 else got[:, -1]
    return matches(rest, expected[:-1] if axis == 0 else expected[:, :-1]) and not np.any(edge)


# (what the output shows, hint, test on (got, image, kernel, expected)), most specific first
_ONE_CHANNEL_MISTAKES: tuple[tuple[str, str, Callable[..., bool]], ...] = (
    ("the last row and the last column of your output stay 0",
     "how many positions does `range(...)` visit? range(n) stops at n - 1: the loops must "
     "reach the last position where the window fits",
     lambda got, image, kernel, expected: matches(got, _loops(
         image[None, :, :, None], kernel[:, :, None, None], last=False)[0, :, :, 0])),
    ("the last row of your output stays 0",
     "the loop over the rows stops one position short: range(n) stops at n - 1",
     lambda got, image, kernel, expected: _edge_zero(got, expected, 0)),
    ("the last column of your output stays 0",
     "the loop over the columns stops one position short: range(n) stops at n - 1",
     lambda got, image, kernel, expected: _edge_zero(got, expected, 1)),
    ("the kernel was flipped",
     "deep-learning convolution multiplies each weight with the pixel under it, unflipped",
     lambda got, image, kernel, expected: matches(got, _loops(
         image[None, :, :, None], kernel[:, :, None, None], flip=True)[0, :, :, 0])),
    ("those are averages", "a convolution adds the products; it does not average them",
     lambda got, image, kernel, expected: matches(got, expected / kernel.size)),
    ("rows and columns are swapped",
     "rows come first: out[i, j] uses the window at row i, column j",
     lambda got, image, kernel, expected: matches(got.T, expected) or (
         kernel.shape[0] != kernel.shape[1] and matches(got, _transposed(image, kernel)))),
)


def _judge_one_channel(function: Any, name: str, seed: int) -> None:
    """Run a one-channel, 'valid', stride-1 convolution on 60 random cases; raise wrong(...)
    naming the smallest failing case and the mistake that explains every failing case (on
    one tiny case several mistakes give the same output)."""
    failures = []
    for x, kernel, _, _, _ in _conv_cases(seed=seed, count=60, channels=False):
        image, weights = x[0, :, :, 0], kernel[:, :, 0, 0]
        case = (f"for a {image.shape[0]}x{image.shape[1]} image and a {weights.shape[0]}x"
                f"{weights.shape[1]} kernel")
        got = attempt(function, image.copy(), weights.copy(), case=case)
        expected = conv.conv2d(x, kernel)[0, :, :, 0]
        try:
            got = np.asarray(got, dtype=float)
        except (TypeError, ValueError):
            raise wrong(f"{case} {name} returned {got!r}, not an array",
                        "return the output array, one number per window position") from None
        if got.shape != expected.shape:
            if failures:
                break
            if got.shape == (expected.shape[0] - 1, expected.shape[1] - 1):
                hint = ("count the first position too: a window that fits exactly once gives "
                        "1 output cell, so there are H - kh + 1 positions down")
            elif got.shape == image.shape:
                hint = "'valid' keeps only positions where the whole window fits in the image"
            else:
                hint = "the window fits at H - kh + 1 positions down and W - kw + 1 across"
            raise wrong(f"{case} your output has shape {got.shape}; expected {expected.shape}",
                        hint)
        if not matches(got, expected):
            failures.append((case, got, image, weights, expected))
    if not failures:
        return
    case, got, _, _, expected = failures[0]
    where = f"{case} your output is\n{np.round(got, 3)}\nexpected\n{np.round(expected, 3)}"
    for shows, hint, test in _ONE_CHANNEL_MISTAKES:
        if all(test(*failure[1:]) for failure in failures):
            raise wrong(f"{where}\n{shows[:1].upper()}{shows[1:]}.", hint)
    raise wrong(where, "out[i, j] is the sum of image[i:i + kh, j:j + kw] * kernel")


def _transposed(image: np.ndarray, kernel: np.ndarray) -> np.ndarray:
    """What a window of kw rows and kh columns gives, where it fits."""
    try:
        return conv.conv2d(image[None, :, :, None], kernel.T[:, :, None, None])[0, :, :, 0]
    except ValueError:
        return np.full(1, np.nan)


def _judge_single(conv2d_single: Any) -> str:
    _judge_one_channel(conv2d_single, "conv2d_single", seed=11)
    return correct("Two loops over the output cells and one window each: that is a whole "
                   "convolution of one channel, equal to the course's on 60 random images and "
                   "kernels. Next: several channels, a stride and padding.")


_SINGLE_SCAFFOLD = '''def conv2d_single(image, kernel):
    """image: (H, W), kernel: (kh, kw) -> out: (H - kh + 1, W - kw + 1).

    'valid' padding, stride 1: out[i, j] = sum of image[i:i + kh, j:j + kw] * kernel.
    """
    kh, kw = kernel.shape
    h_out = {h_out}  # positions of the window down the image
    w_out = {w_out}  # and across
    out = np.zeros((h_out, w_out))
    for i in range(h_out):
        for j in range(w_out):
            out[i, j] = {cell}  # the window under the kernel, times the kernel, summed
    return out'''


def _single(h_out: str = "image.shape[0] - kh + 1", w_out: str = "image.shape[1] - kw + 1",
            cell: str = "np.sum(image[i:i + kh, j:j + kw] * kernel)") -> str:
    return _SINGLE_SCAFFOLD.format(h_out=h_out, w_out=w_out, cell=cell)


conv2d_single = Exercise(
    id="conv.conv2d_single",
    lesson="01",
    title="A convolution of one channel, with loops",
    judge=_judge_single,
    hints=("Use the output-size formula with stride 1 and no padding for h_out and w_out. "
           "Output cell (i, j) looks at the window whose top-left corner is (i, j).",
           "The window is image[i:i + kh, j:j + kw]; multiply it by the kernel element by "
           "element and add everything up."),
    answer="conv2d_single",
    solution=_single(),
    mistakes=(
        (_single(h_out="image.shape[0] - kh", w_out="image.shape[1] - kw"), "count the first"),
        (_single(cell="np.sum(image[i:i + kh, j:j + kw] * kernel[::-1, ::-1])"), "flipped"),
        (_single(cell="np.mean(image[i:i + kh, j:j + kw] * kernel)"), "adds the products"),
        (_single(h_out="image.shape[0]", w_out="image.shape[1]"), "whole window fits"),
        ("def conv2d_single(image, kernel):\n    return np.zeros((2, 2))", "expected"),
        ("def conv2d_single(image, kernel):\n"
         "    return conv.conv2d(image[None, :, :, None], kernel[:, :, None, None])[0, :, :, 0]",
         "course's version"),
        ("import scipy.signal\n"
         "def conv2d_single(image, kernel):\n"
         "    return scipy.signal.correlate2d(image, kernel, mode='valid')", "course's version"),
    ),
    setup="import numpy as np\nfrom course_utils import conv",
    forbidden=_CONVOLUTIONS + ("numpy.lib.stride_tricks.sliding_window_view",),
    variants=(
        "def conv2d_single(image, kernel):\n"
        "    kh, kw = kernel.shape\n"
        "    out = np.zeros((image.shape[0] - kh + 1, image.shape[1] - kw + 1))\n"
        "    for i in range(out.shape[0]):\n"
        "        for j in range(out.shape[1]):\n"
        "            for a in range(kh):\n"
        "                for b in range(kw):\n"
        "                    out[i, j] += image[i + a, j + b] * kernel[a, b]\n"
        "    return out",
    ),
)

_FULL_SCAFFOLD = '''def conv2d(x, kernel, bias=None, stride=1, padding="valid"):
    """x: (N, H, W, C_in), kernel: (kh, kw, C_in, C_out), bias: (C_out,) or None.

    Returns (N, H_out, W_out, C_out), as keras.layers.Conv2D with these weights.
    """
    kh, kw, c_in, c_out = kernel.shape
    if padding == "same":
        top, bottom = same_padding(x.shape[1], kh, stride)  # zeros above and below
        left, right = same_padding(x.shape[2], kw, stride)  # zeros left and right
        x = {pad}  # x surrounded by those zeros: (N, H + top + bottom, W + left + right, C_in)
    h_out = {h_out}  # positions of the window down the (padded) input, with this stride
    w_out = {w_out}  # and across
    out = np.zeros((x.shape[0], h_out, w_out, c_out))
    for i in range(h_out):
        for j in range(w_out):
            window = {window}  # (N, kh, kw, C_in)
            assert window.shape[1:] == (kh, kw, c_in), f"the window sticks out: {{window.shape}}"
            out[:, i, j, :] = {cell}  # (N, C_out): each filter times the window, summed
    if bias is not None:
        out = {bias}  # one bias per output channel
    return out'''

_FULL = {
    "pad": "np.pad(x, ((0, 0), (top, bottom), (left, right), (0, 0)))",
    "h_out": "(x.shape[1] - kh) // stride + 1",
    "w_out": "(x.shape[2] - kw) // stride + 1",
    "window": "x[:, i * stride:i * stride + kh, j * stride:j * stride + kw, :]",
    "cell": "np.tensordot(window, kernel, axes=3)",
    "bias": "out + bias",
}


def _full(**changes: str) -> str:
    return _FULL_SCAFFOLD.format(**{**_FULL, **changes})


_SAME_PADDING = '''def same_padding(n, k, stride):
    out = -(-n // stride)
    total = max((out - 1) * stride + k - n, 0)
    return total // 2, total - total // 2
'''


def _shape_hint(shape: tuple[int, ...], x: np.ndarray, kernel: np.ndarray, stride: int,
                padding: str) -> str:
    """What a wrongly shaped conv2d output most likely forgot."""
    def spatial(stride: int, padding: str) -> tuple[int, ...] | None:
        try:
            return conv.conv2d(x, kernel, None, stride, padding).shape[1:3]
        except ValueError:  # the window does not fit that way
            return None

    if len(shape) == 4 and stride > 1 and shape[1:3] == spatial(1, padding):
        return ("with a stride the window jumps `stride` cells at a time: "
                "(H - kh) // stride + 1 positions on the padded input")
    if len(shape) == 4 and padding == "same" and shape[1:3] == spatial(stride, "valid"):
        return "with padding='same', surround x with zeros first"
    if len(shape) == 4 and shape[-1] == kernel.shape[2] != kernel.shape[3]:
        return "one output map per filter: the last axis has C_out, not C_in, entries"
    return "the output has shape (N, H_out, W_out, C_out): one map per filter"


_ERROR_HINT = ("print the shapes on this case: every window must be (N, kh, kw, C_in), so "
               "h_out and w_out may count only positions where it fits; with a stride the "
               "window jumps `stride` cells: (H - kh) // stride + 1 on the padded input")


def _judge_conv2d(conv2d: Any) -> str:
    failures = []  # (case, got, arguments) of the first wrong outputs, smallest first
    for x, kernel, bias, stride, padding in _conv_cases(seed=12, count=150, channels=True):
        case = _describe(x, kernel, stride, padding, bias)
        arguments = (x, kernel, bias, stride, padding)
        got = attempt(conv2d, x.copy(), kernel.copy(), None if bias is None else bias.copy(),
                      stride, padding, case=case, error_hint=_ERROR_HINT)
        expected = conv.conv2d(*arguments)
        try:
            got = np.asarray(got, dtype=float)
        except (TypeError, ValueError):
            raise wrong(f"{case} conv2d returned {got!r}, not an array",
                        "return the output array of shape (N, H_out, W_out, C_out)") from None
        if got.shape != expected.shape and not failures:
            raise wrong(f"{case} your output has shape {got.shape}; expected {expected.shape}",
                        _shape_hint(got.shape, x, kernel, stride, padding))
        if not matches(got, expected):
            failures.append((case, got, arguments))
        if len(failures) == 30:  # enough to tell one mistake from another
            break
    if not failures:
        return correct("Your loops equal the course's conv2d (and so keras.layers.Conv2D) on "
                       "150 random layers: batches, channels in and out, strides, both "
                       "paddings and biases. Every convolution layer of this course computes "
                       "this.")
    case, got, (x, kernel, bias, stride, padding) = failures[0]
    expected = conv.conv2d(x, kernel, bias, stride, padding)
    where = (f"{case} your output differs; for the first image and filter it is\n"
             f"{np.round(got[0, :, :, 0], 3)}\nexpected\n{np.round(expected[0, :, :, 0], 3)}")
    candidates = [
        (dict(flip=True), "the kernel was flipped: each weight meets the pixel under it, "
                          "unflipped"),
        (dict(strided=False), "output cell (i, j) starts at input cell (i * stride, "
                              "j * stride)"),
        (dict(odd_zero_before=True), "when the number of zeros is odd, Keras puts the extra "
                                     "one at the bottom and right: same_padding gives "
                                     "(before, after)"),
        (dict(last=False), "the loops stop one position short: range(h_out) visits every "
                           "position"),
        (dict(no_bias=True), "the bias is missing: add it, one value per output channel, "
                             "after the sum"),
    ]
    # a mistake explains every failing case; on one tiny case two mistakes can look alike
    for flags, hint in candidates:
        if all(_explains(got, arguments, flags) for _, got, arguments in failures):
            raise wrong(where, hint)
    raise wrong(where, "out[:, i, j, :] sums window * kernel over kh, kw and C_in for each "
                       "filter: np.tensordot(window, kernel, axes=3) does exactly that")


def _explains(got: np.ndarray, arguments: tuple[Any, ...], flags: dict[str, bool]) -> bool:
    """Whether conv2d with the mistake ``flags`` gives ``got`` on ``arguments``."""
    x, kernel, bias, stride, padding = arguments
    if flags.get("no_bias"):
        return bias is not None and matches(got, conv.conv2d(x, kernel, None, stride, padding))
    try:
        return matches(got, _loops(x, kernel, bias, stride, padding, **flags))
    except ValueError:  # the mistaken window does not fit: not this mistake
        return False


conv2d = Exercise(
    id="conv.conv2d",
    lesson="01",
    title="conv2d with loops: channels, stride, padding, bias",
    judge=_judge_conv2d,
    hints=("Fill the regions in order: pad with np.pad, count positions with the output-size "
           "formula, slice the window at (i * stride, j * stride), then combine it with the "
           "kernel.",
           "window has shape (N, kh, kw, C_in) and kernel (kh, kw, C_in, C_out): summing their "
           "product over the three shared axes gives (N, C_out), which np.tensordot(window, "
           "kernel, axes=3) does in one call."),
    answer="conv2d",
    solution=_full(),
    mistakes=(
        (_full(window="x[:, i:i + kh, j:j + kw, :]"), "i * stride"),
        (_full(cell="np.tensordot(window, kernel[::-1, ::-1], axes=3)"), "flipped"),
        (_full(pad="np.pad(x, ((0, 0), (bottom, top), (right, left), (0, 0)))"),
         "extra one at the bottom and right"),
        (_full(bias="out"), "bias is missing"),
        (_full(h_out="(x.shape[1] - kh) + 1", w_out="(x.shape[2] - kw) + 1"), "jumps"),
        ("def conv2d(x, kernel, bias=None, stride=1, padding='valid'):\n"
         "    return np.zeros((1, 2, 2, 1))", "expected"),
        ("def conv2d(x, kernel, bias=None, stride=1, padding='valid'):\n"
         "    return conv.conv2d(x, kernel, bias, stride, padding)", "course's version"),
    ),
    setup="import numpy as np\nfrom course_utils import conv\n" + _SAME_PADDING,
    forbidden=_CONVOLUTIONS + ("numpy.lib.stride_tricks.sliding_window_view",),
    variants=(
        _full(cell="np.einsum('nabc,abco->no', window, kernel)"),
        _full(cell="(window[..., None] * kernel[None]).sum(axis=(1, 2, 3))"),
    ),
)


# ---------------------------------------------------------------- formula, window, bug, filter

def _size_cases(seed: int = 1, count: int = 300) -> list[tuple[int, int, int, int]]:
    """(n, k, stride, padding) with the window fitting the padded input, smallest n first."""
    rng = np.random.default_rng(seed)
    cases = {(28, 3, 1, 0), (28, 3, 1, 1), (6, 6, 1, 0), (7, 3, 2, 0)}
    while len(cases) < count:
        n, padding = int(rng.integers(1, 40)), int(rng.integers(0, 4))
        k = int(rng.integers(1, min(n + 2 * padding, 7) + 1))
        cases.add((n, k, int(rng.integers(1, 5)), padding))
    return sorted(cases)


_SIZE_MISTAKES: tuple[tuple[Callable[[int, int, int, int], float], str], ...] = (
    (lambda n, k, s, p: (n + 2 * p - k) // s, "add 1 for the window's first position"),
    (lambda n, k, s, p: (n + p - k) // s + 1, "padding is added on both sides of the input"),
    (lambda n, k, s, p: (n - k) // s + 1, "the padded input has n + 2 * padding cells"),
    (lambda n, k, s, p: n + 2 * p - k + 1, "with a stride the window jumps several cells at a "
                                           "time: divide the distance it travels by the stride"),
    (lambda n, k, s, p: -(-(n + 2 * p - k) // s) + 1,
     "a window that would stick out past the edge is not computed: round down, not up"),
    (lambda n, k, s, p: (n + 2 * p - k) / s + 1, "the window only stops where it fits "
                                                 "entirely: round down with //"),
)


def _judge_output_size(output_size: Any) -> str:
    for n, k, stride, padding in _size_cases():
        expected = conv.conv_output_size(n, k, stride, padding)
        got = attempt(output_size, n, k, stride, padding)
        if matches(got, expected):
            continue
        where = (f"for n={n}, a window of k={k}, stride={stride} and padding={padding}, "
                 f"output_size returned {got!r}; expected {expected}")
        if isinstance(got, float) and not float(got).is_integer():
            raise wrong(where + ", a whole number of cells",
                        "the window only stops where it fits entirely: round down with //")
        for mistake, hint in _SIZE_MISTAKES:
            if matches(got, mistake(n, k, stride, padding)):
                raise wrong(where, hint)
        if matches(got, expected - 1):
            raise wrong(where, "count the first position too: a window that fits exactly "
                               "once (n == k) gives 1 output cell, not 0")
        raise wrong(where, "count the positions where the window fits in the padded input")
    return correct("(n + 2p - k) // s + 1 on 300 random sizes, strides and paddings: the "
                   "window's first position, plus one more for each stride that still fits. "
                   "With k = 3, p = 1, s = 1 the size is kept.")


output_size = Exercise(
    id="conv.output_size",
    lesson="01",
    title="The output-size formula",
    judge=_judge_output_size,
    hints=("Pad the input first: how many cells does it have? Then count the positions of the "
           "window's left edge, from 0 to the last one where the window still fits.",
           "The last position is n + 2*padding - k; positions are 0, stride, 2*stride, ... up "
           "to it. How many is that?"),
    answer="output_size",
    solution="def output_size(n, k, stride=1, padding=0):\n"
             "    return (n + 2 * padding - k) // stride + 1",
    mistakes=(
        ("def output_size(n, k, stride=1, padding=0):\n"
         "    return (n + 2 * padding - k) // stride", "add 1"),
        ("def output_size(n, k, stride=1, padding=0):\n"
         "    return (n + padding - k) // stride + 1", "both sides"),
        ("def output_size(n, k, stride=1, padding=0):\n"
         "    return (n + 2 * padding - k) / stride + 1", "round down"),
        ("def output_size(n, k, stride=1, padding=0):\n"
         "    return n + 2 * padding - k + 1", "divide the distance"),
        ("def output_size(n, k, stride=1, padding=0):\n"
         "    return (n - k) // stride + 1", "n + 2 * padding"),
        ("def output_size(n, k, stride=1, padding=0):\n"
         "    return 26", "expected"),
        ("def output_size(n, k, stride=1, padding=0):\n"
         "    return conv.conv_output_size(n, k, stride, padding)", "course's version"),
    ),
    setup="import numpy as np\nfrom course_utils import conv",
    forbidden=("course_utils.conv.conv_output_size", "course_utils.conv.conv2d",
               "course_utils.conv.pool2d", "course_utils.conv.same_padding"),
    variants=(
        "import math\n"
        "def output_size(n, k, stride=1, padding=0):\n"
        "    return math.floor((n + 2 * padding - k) / stride) + 1",
        "def output_size(n, k, stride=1, padding=0):\n"
        "    return len(range(0, n + 2 * padding - k + 1, stride))",
    ),
)


def _window_cases(seed: int = 2, count: int = 120) -> list[tuple[np.ndarray, np.ndarray, int,
                                                                  int, int]]:
    """(image, kernel, row, col, stride): images of 3x3 to 9x9, kernels of 1x1 to 4x4 (not
    always square), output cells where the window fits; fewest pixels first."""
    rng = np.random.default_rng(seed)
    cases = []
    for _ in range(count):
        height, width = (int(size) for size in rng.integers(3, 10, size=2))
        kh, kw = int(rng.integers(1, min(height, 4) + 1)), int(rng.integers(1, min(width, 4) + 1))
        stride = int(rng.integers(1, 4))
        rows, cols = (height - kh) // stride + 1, (width - kw) // stride + 1
        image = rng.integers(-4, 5, size=(height, width)).astype(float)
        kernel = rng.integers(-3, 4, size=(kh, kw)).astype(float)
        cases.append((image, kernel, int(rng.integers(rows)), int(rng.integers(cols)), stride))
    return sorted(cases, key=lambda case: (case[0].size, case[1].size, case[4]))


def _window_mistakes(image: np.ndarray, kernel: np.ndarray, row: int, col: int,
                     stride: int) -> list[tuple[Callable[[], Any], str]]:
    kh, kw = kernel.shape
    top, left = row * stride, col * stride
    window = image[top:top + kh, left:left + kw]
    return [
        (lambda: np.sum(image[row:row + kh, col:col + kw] * kernel),
         "with a stride, output cell (row, col) starts at input cell (row * stride, "
         "col * stride)"),
        (lambda: np.sum(window * kernel[::-1, ::-1]),
         "the kernel was flipped: deep-learning convolution multiplies each weight with the "
         "pixel under it, unflipped"),
        (lambda: np.sum(image[left:left + kh, top:top + kw] * kernel),
         "rows come first: image[row, col], and row moves down"),
        (lambda: np.sum(window * kernel.T), "the kernel is transposed: kernel[i, j] meets "
                                            "window[i, j]"),
        (lambda: np.mean(window * kernel), "a convolution adds the products; it does not "
                                           "average them"),
        (lambda: np.sum(image[top:top + 3, left:left + 3] * kernel),
         "the kernel is not always 3x3: take its size from kernel.shape"),
    ]


def _judge_conv_at(conv_at: Any) -> str:
    for image, kernel, row, col, stride in _window_cases():
        kh, kw = kernel.shape
        top, left = row * stride, col * stride
        expected = float(np.sum(image[top:top + kh, left:left + kw] * kernel))
        case = (f"for a {image.shape[0]}x{image.shape[1]} image, a {kh}x{kw} kernel, "
                f"row={row}, col={col} and stride={stride}")
        got = attempt(conv_at, image.copy(), kernel.copy(), row, col, stride, case=case)
        if np.ndim(got) != 0:
            raise wrong(f"{case} conv_at returned an array of shape {np.shape(got)}, not one "
                        "number", "multiply the window by the kernel element by element, then "
                        "add everything up")
        if matches(got, expected):
            continue
        where = f"{case} conv_at returned {float(got):g}; expected {expected:g}"
        for mistake, hint in _window_mistakes(image, kernel, row, col, stride):
            try:
                if matches(got, mistake()):
                    raise wrong(where, hint)
            except ValueError:  # a mistaken slice of another shape: not this mistake
                continue
        raise wrong(where, "take the window of the kernel's size whose top-left corner is at "
                           "(row * stride, col * stride)")
    return correct("One output cell is the sum of a window times the kernel: a dot product "
                   "between the kernel and the patch under it. Checked on 120 random images, "
                   "kernels and strides.")


conv_at = Exercise(
    id="conv.window_step",
    lesson="01",
    title="One step of the sliding window",
    judge=_judge_conv_at,
    hints=("Which input cells does output cell (row, col) look at? Its window starts at "
           "(row * stride, col * stride) and is as big as the kernel.",
           "Slice the window out with image[top:top + kh, left:left + kw], multiply it by the "
           "kernel, and sum."),
    answer="conv_at",
    solution="def conv_at(image, kernel, row, col, stride=1):\n"
             "    kh, kw = kernel.shape\n"
             "    top, left = row * stride, col * stride\n"
             "    return np.sum(image[top:top + kh, left:left + kw] * kernel)",
    mistakes=(
        ("def conv_at(image, kernel, row, col, stride=1):\n"
         "    kh, kw = kernel.shape\n"
         "    return np.sum(image[row:row + kh, col:col + kw] * kernel)", "row * stride"),
        ("def conv_at(image, kernel, row, col, stride=1):\n"
         "    kh, kw = kernel.shape\n"
         "    top, left = row * stride, col * stride\n"
         "    return np.sum(image[top:top + kh, left:left + kw] * kernel[::-1, ::-1])",
         "flipped"),
        ("def conv_at(image, kernel, row, col, stride=1):\n"
         "    kh, kw = kernel.shape\n"
         "    top, left = row * stride, col * stride\n"
         "    return np.mean(image[top:top + kh, left:left + kw] * kernel)", "adds the products"),
        ("def conv_at(image, kernel, row, col, stride=1):\n"
         "    kh, kw = kernel.shape\n"
         "    top, left = row * stride, col * stride\n"
         "    return image[top:top + kh, left:left + kw] * kernel", "not one number"),
        ("def conv_at(image, kernel, row, col, stride=1):\n"
         "    top, left = row * stride, col * stride\n"
         "    return np.sum(image[top:top + 3, left:left + 3] * kernel)", "1x2 kernel"),
        ("def conv_at(image, kernel, row, col, stride=1):\n    return 4.0", "expected"),
        ("def conv_at(image, kernel, row, col, stride=1):\n"
         "    out = conv.conv2d(image[None, :, :, None], kernel[:, :, None, None], stride=stride)\n"
         "    return out[0, row, col, 0]", "course's version"),
    ),
    setup="import numpy as np\nfrom course_utils import conv",
    forbidden=_CONVOLUTIONS,
    variants=(
        "def conv_at(image, kernel, row, col, stride=1):\n"
        "    total = 0.0\n"
        "    for i in range(kernel.shape[0]):\n"
        "        for j in range(kernel.shape[1]):\n"
        "            total += image[row * stride + i, col * stride + j] * kernel[i, j]\n"
        "    return total",
    ),
)


_BUGGY = '''def conv2d_border(image, kernel):
    """image: (H, W), kernel: (kh, kw) -> (H - kh + 1, W - kw + 1), 'valid', stride 1."""
    kh, kw = kernel.shape
    out = np.zeros((image.shape[0] - kh + 1, image.shape[1] - kw + 1))
    for i in range({rows}):
        for j in range({cols}):
            out[i, j] = np.sum(image[i:i + kh, j:j + kw] * kernel)
    return out'''
BUGGY_CONV2D = _BUGGY.format(rows="image.shape[0] - kh", cols="image.shape[1] - kw")
"""The code lesson 01 gives with a bug in it: the learner finds and fixes it."""


def _judge_border(conv2d_border: Any) -> str:
    _judge_one_channel(conv2d_border, "conv2d_border", seed=13)
    return correct("Found: range(n) stops at n - 1, so the loops must run over range(H - kh + "
                   "1); the buggy version left the last row and column at 0. A test on a "
                   "small case where the window fits exactly once would have caught it.")


border_bug = Exercise(
    id="conv.border_bug",
    lesson="01",
    title="Find the bug: a convolution that misses its border",
    judge=_judge_border,
    hints=("Run it on a 3x3 image with a 2x2 kernel and print the output: which cells are "
           "wrong?",
           "How many values does range(image.shape[0] - kh) give, and how many output rows "
           "are there?"),
    answer="conv2d_border",
    kind="find the bug",
    solution=_BUGGY.format(rows="image.shape[0] - kh + 1", cols="image.shape[1] - kw + 1"),
    mistakes=(
        (BUGGY_CONV2D, "The last row and the last column"),
        (_BUGGY.format(rows="image.shape[0] - kh + 1", cols="image.shape[1] - kw"),
         "The last column of your output stays 0"),
        (_BUGGY.format(rows="image.shape[0] - kh + 2", cols="image.shape[1] - kw + 2"),
         "Your code raised"),
        ("def conv2d_border(image, kernel):\n"
         "    return conv.conv2d(image[None, :, :, None], kernel[:, :, None, None])[0, :, :, 0]",
         "course's version"),
    ),
    setup="import numpy as np\nfrom course_utils import conv",
    forbidden=_CONVOLUTIONS + ("numpy.lib.stride_tricks.sliding_window_view",),
    variants=(_BUGGY.format(rows="out.shape[0]", cols="out.shape[1]"),),
)


def _edge_images(rng: np.random.Generator, size: int = 24) -> tuple[np.ndarray, np.ndarray]:
    """A horizontal edge (dark above, bright below, at a random row and contrast) and the
    same image turned into a vertical edge."""
    row = int(rng.integers(6, size - 6))
    low, high = sorted(rng.uniform(0.0, 1.0, size=2))
    high = max(high, low + 0.3)
    horizontal = np.full((size, size), low)
    horizontal[row:] = high
    return horizontal, horizontal.T.copy()


def _response(image: np.ndarray, weights: np.ndarray) -> float:
    out = conv.conv2d(image[None, :, :, None], weights[:, :, None, None])[0, :, :, 0]
    return float(np.abs(out).max())


def _judge_horizontal(weights: Any) -> str:
    try:
        weights = np.asarray(weights, dtype=float)
    except (TypeError, ValueError):
        raise wrong(f"horizontal_filter is {weights!r}, not an array of numbers",
                    "write nine numbers as np.array([[., ., .], [., ., .], [., ., .]])") from None
    if weights.shape != (3, 3):
        raise wrong(f"horizontal_filter has shape {weights.shape}, expected (3, 3)",
                    "write nine numbers as np.array([[., ., .], [., ., .], [., ., .]])")
    rng = np.random.default_rng(3)
    for _ in range(8):  # edges at several rows and contrasts; flat images of several greys
        horizontal, vertical = _edge_images(rng)
        flat = np.full((8, 8), rng.uniform(0.2, 1.0))
        on_edge, on_vertical = _response(horizontal, weights), _response(vertical, weights)
        on_flat = _response(flat, weights)
        if on_edge < 1e-6 and on_vertical < 1e-6 and on_flat < 1e-6:
            raise wrong("horizontal_filter gives 0 everywhere, on every test image",
                        "put different weights on the rows above and below the centre")
        if on_flat > 0.05 * max(on_edge, on_vertical):
            raise wrong(f"on a flat grey image (no edge at all) the response is {on_flat:.2f}, "
                        f"while a horizontal edge gives {on_edge:.2f}",
                        "an edge detector must answer 0 where nothing changes: make the "
                        "weights sum to 0")
        if on_vertical > 0.2 * on_edge:
            raise wrong(f"the response to a vertical edge ({on_vertical:.2f}) is "
                        f"{on_vertical / max(on_edge, 1e-12):.0%} of the response to the same "
                        f"edge turned horizontal ({on_edge:.2f})",
                        "a horizontal edge is a change from one row to the next: the weights "
                        "should differ between rows, and be the same along each row")
    return correct("Strong responses to horizontal edges at any row and contrast, none to "
                   "vertical edges or flat images. Sobel y, [[-1, -2, -1], [0, 0, 0], "
                   "[1, 2, 1]], is the classic choice; any filter with this behaviour works, "
                   "and a CNN learns such filters by itself.")


horizontal_edges = Exercise(
    id="conv.horizontal_edges",
    lesson="01",
    title="Design a horizontal-edge filter",
    judge=_judge_horizontal,
    hints=("A horizontal edge is where the rows above differ from the rows below. Which "
           "weights make a flat patch give 0, and a dark-above, bright-below patch give a lot?",
           "Use negative weights in one row, positive weights in another, and make all nine sum "
           "to 0."),
    answer="horizontal_filter",
    solution="horizontal_filter = np.array([[-1.0, -1.0, -1.0],\n"
             "                              [0.0, 0.0, 0.0],\n"
             "                              [1.0, 1.0, 1.0]])",
    mistakes=(
        ("horizontal_filter = np.array([[-1.0, 0.0, 1.0], [-2.0, 0.0, 2.0], [-1.0, 0.0, 1.0]])",
         "vertical edge"),
        ("horizontal_filter = np.full((3, 3), 1 / 9)", "sum to 0"),
        ("horizontal_filter = np.array([[0.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 0.0]])",
         "flat grey image"),
        ("horizontal_filter = np.zeros((3, 3))", "0 everywhere"),
        ("horizontal_filter = np.array([1.0, 0.0, -1.0])", "expected (3, 3)"),
    ),
    variants=(
        "horizontal_filter = np.array([[-1.0, -2.0, -1.0], [0.0, 0.0, 0.0], [1.0, 2.0, 1.0]])",
        "horizontal_filter = np.array([[1.0, 1.0, 1.0], [0.0, 0.0, 0.0], [-1.0, -1.0, -1.0]])",
        "horizontal_filter = np.array([[0.0, 0.0, 0.0], [-1.0, -1.0, -1.0], [1.0, 1.0, 1.0]])",
    ),
)



# ---------------------------------------------------------------- predict a layer's output

def _judge_channels(prediction: Any) -> str:
    """Two 3x3 filters on a 128x128 colour photo, 'same' padding, stride 1, with bias."""
    if not isinstance(prediction, dict) or set(prediction) != {"output_shape", "parameters"}:
        raise wrong(f"got {prediction!r}", "keep the dict of the cell, with its two keys, "
                    "and fill in both values")
    shape, parameters = prediction["output_shape"], prediction["parameters"]
    try:
        shape = tuple(int(size) for size in shape)
        parameters = int(parameters)
    except (TypeError, ValueError):
        raise wrong(f"output_shape={shape!r}, parameters={parameters!r}",
                    "give the shape as a tuple of three numbers (rows, columns, channels) "
                    "and the parameters as one whole number") from None
    if shape != (128, 128, 2):
        if shape == (126, 126, 2):
            raise wrong("(126, 126, 2) is the size with 'valid' padding",
                        "'same' padding adds zeros around the photo so that, with stride 1, "
                        "the output keeps its rows and columns")
        if shape[:2] == (128, 128) and shape[2] in (3, 6):
            raise wrong(f"{shape[2]} output channels: each filter sees all three input "
                        "channels at once and gives one map",
                        "the output has one channel per filter")
        if len(shape) == 4:
            raise wrong(f"{shape} has four numbers: that is the kernel's layout or a batch's",
                        "the output of one photo is (rows, columns, channels)")
        raise wrong(f"output_shape={shape} is not what the layer gives",
                    "'same' padding keeps 128 x 128; the channels come from the filters")
    if parameters != 56:
        if parameters == 54:
            raise wrong("54 counts the weights; the biases are parameters too",
                        "one bias per filter")
        if parameters in (18, 20):
            raise wrong(f"{parameters} counts each filter as 3 x 3 weights: a filter for a "
                        "colour photo also spans the 3 channels", "3 x 3 x 3 weights per filter")
        if parameters in (27, 28):
            raise wrong(f"{parameters} is one filter's worth; the layer has two",
                        "two filters of 3 x 3 x 3 weights, plus a bias each")
        raise wrong(f"parameters={parameters} is not the layer's count",
                    "count the weights of each filter (rows x columns x input channels), "
                    "then one bias per filter")
    return correct("(128, 128, 2) and 3 x 3 x 3 x 2 + 2 = 56. The size of the photo does not "
                   "change the count: the same weights slide over every position.")


predict_channels = Exercise(
    id="conv.predict_channels",
    lesson="01",
    title="Predict the output shape and the parameters of a colour layer",
    judge=_judge_channels,
    hints=("'same' padding with stride 1 keeps the rows and columns; every filter gives one "
           "output map.",
           "Each filter has a weight for every row, column and input channel of its window, "
           "and one bias."),
    answer="prediction",
    kind="predict",
    solution='prediction = {"output_shape": (128, 128, 2), "parameters": 56}',
    mistakes=(
        ('prediction = {"output_shape": (126, 126, 2), "parameters": 56}', "'valid'"),
        ('prediction = {"output_shape": (128, 128, 3), "parameters": 56}', "one map"),
        ('prediction = {"output_shape": (128, 128, 2), "parameters": 54}', "biases"),
        ('prediction = {"output_shape": (128, 128, 2), "parameters": 20}', "spans the 3"),
        ('prediction = {"output_shape": (128, 128, 2), "parameters": 28}', "the layer has two"),
    ),
    variants=('prediction = {"output_shape": [128, 128, 2], "parameters": 56.0}',),
)
