"""Lesson 01's exercises: the output-size formula, one step of the sliding window, an edge filter.

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
