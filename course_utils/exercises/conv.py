"""Lesson 01's exercises: the output-size formula, one step of the sliding window, an edge filter."""

import numpy as np

from course_utils import conv
from course_utils.checks import Exercise, attempt, correct, wrong

# (n, k, stride, padding) -> what the formula gives; chosen so each mistake shows on one of them
_SIZE_CASES = ((28, 3, 1, 0), (9, 3, 1, 2), (28, 3, 1, 1), (32, 5, 2, 2), (7, 3, 2, 0),
               (10, 4, 3, 0), (6, 6, 1, 0))


def _judge_output_size(output_size):
    for n, k, stride, padding in _SIZE_CASES:
        expected = conv.conv_output_size(n, k, stride, padding)
        got = attempt(output_size, n, k, stride, padding)
        if isinstance(got, float) and not float(got).is_integer():
            raise wrong(f"output_size({n}, {k}, stride={stride}, padding={padding}) returned "
                        f"{got}, not a whole number of cells",
                        "the window only stops where it fits entirely: round down with //")
        if got == expected:
            continue
        where = f"output_size({n}, {k}, stride={stride}, padding={padding}) returned {got}, " \
                f"expected {expected}"
        if got == (n + 2 * padding - k) // stride:
            raise wrong(where, "add 1 for the window's first position")
        if got == (n + padding - k) // stride + 1:
            raise wrong(where, "padding is added on both sides of the input")
        if got == (n - k) // stride + 1:
            raise wrong(where, "the padded input has n + 2 * padding cells")
        if got == n + 2 * padding - k + 1:
            raise wrong(where, "with a stride the window jumps several cells at a time: "
                               "divide the distance it travels by the stride")
        if got == -(-(n + 2 * padding - k) // stride) + 1:
            raise wrong(where, "a window that would stick out past the edge is not computed: "
                               "round down, not up")
        if got == expected - 1:
            raise wrong(where, "count the first position too: a window that fits exactly "
                               "once (n == k) gives 1 output cell, not 0")
        raise wrong(where, "count the positions where the window fits in the padded input")
    return correct("(n + 2p - k) // s + 1: the window's first position, plus one more for each "
                   "stride that still fits. With k = 3, p = 1, s = 1 the size is kept.")


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
    ),
)


def _window_inputs():
    image = np.arange(49, dtype=float).reshape(7, 7) % 10
    kernel = np.array([[1.0, 2.0, 0.0], [0.0, -1.0, 3.0], [2.0, 0.0, -2.0]])
    return image, kernel


def _judge_conv_at(conv_at):
    image, kernel = _window_inputs()
    cases = ((0, 0, 1), (2, 1, 1), (1, 2, 2), (2, 0, 2))
    for row, column, stride in cases:
        top, left = row * stride, column * stride
        window = image[top:top + 3, left:left + 3]
        expected = float(np.sum(window * kernel))
        got = attempt(conv_at, image.copy(), kernel.copy(), row, column, stride)
        if np.ndim(got) != 0:
            raise wrong(f"conv_at(image, kernel, {row}, {column}, stride={stride}) returned an "
                        f"array of shape {np.shape(got)}, not one number",
                        "multiply the window by the kernel element by element, then add "
                        "everything up")
        got = float(got)
        if np.isclose(got, expected):
            continue
        where = (f"conv_at(image, kernel, row={row}, col={column}, stride={stride}) returned "
                 f"{got:g}, expected {expected:g}")
        if np.isclose(got, np.sum(image[row:row + 3, column:column + 3] * kernel)):
            raise wrong(where, "with a stride, output cell (row, col) starts at input cell "
                               "(row * stride, col * stride)")
        if np.isclose(got, np.sum(window * kernel[::-1, ::-1])):
            raise wrong(where, "you flipped the kernel: deep-learning convolution multiplies "
                               "each weight with the pixel under it, unflipped")
        if np.isclose(got, np.sum(image[left:left + 3, top:top + 3] * kernel)):
            raise wrong(where, "rows come first: image[row, col], and row moves down")
        if np.isclose(got, np.sum(window * kernel.T)):
            raise wrong(where, "the kernel is transposed: kernel[i, j] meets window[i, j]")
        if np.isclose(got, np.mean(window * kernel)):
            raise wrong(where, "a convolution adds the products; it does not average them")
        raise wrong(where, "take the 3x3 window whose top-left corner is at "
                           "(row * stride, col * stride)")
    return correct("One output cell is the sum of a window times the kernel: a dot product "
                   "between the kernel and the patch under it.")


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
         "    return np.sum(image[row:row + 3, col:col + 3] * kernel)", "row * stride"),
        ("def conv_at(image, kernel, row, col, stride=1):\n"
         "    top, left = row * stride, col * stride\n"
         "    return np.sum(image[top:top + 3, left:left + 3] * kernel[::-1, ::-1])",
         "flipped the kernel"),
        ("def conv_at(image, kernel, row, col, stride=1):\n"
         "    top, left = row * stride, col * stride\n"
         "    return np.sum(image[left:left + 3, top:top + 3] * kernel)", "rows come first"),
        ("def conv_at(image, kernel, row, col, stride=1):\n"
         "    top, left = row * stride, col * stride\n"
         "    return np.mean(image[top:top + 3, left:left + 3] * kernel)", "adds the products"),
        ("def conv_at(image, kernel, row, col, stride=1):\n"
         "    top, left = row * stride, col * stride\n"
         "    return image[top:top + 3, left:left + 3] * kernel", "not one number"),
    ),
)


def _edge_images(size: int = 24):
    """A bright lower half (a horizontal edge) and a bright right half (a vertical edge)."""
    horizontal = np.zeros((size, size))
    horizontal[size // 2:] = 1.0
    return horizontal, horizontal.T.copy()


def _response(image: np.ndarray, weights: np.ndarray) -> float:
    out = conv.conv2d(image[None, :, :, None], weights[:, :, None, None])[0, :, :, 0]
    return float(np.abs(out).max())


def _judge_horizontal(weights):
    weights = np.asarray(weights, dtype=float)
    if weights.shape != (3, 3):
        raise wrong(f"horizontal_filter has shape {weights.shape}, expected (3, 3)",
                    "write nine numbers as np.array([[., ., .], [., ., .], [., ., .]])")
    horizontal, vertical = _edge_images()
    flat = np.full((8, 8), 0.7)
    on_edge, on_vertical = _response(horizontal, weights), _response(vertical, weights)
    on_flat = _response(flat, weights)
    if on_edge < 1e-6 and on_vertical < 1e-6 and on_flat < 1e-6:
        raise wrong("horizontal_filter gives 0 everywhere, on every test image",
                    "put different weights on the rows above and below the centre")
    if on_flat > 0.05 * max(on_edge, on_vertical):
        raise wrong(f"on a flat grey image (no edge at all) the response is {on_flat:.2f}, "
                    f"while the horizontal edge gives {on_edge:.2f}",
                    "an edge detector must answer 0 where nothing changes: make the weights "
                    "sum to 0")
    if on_vertical > 0.2 * on_edge:
        raise wrong(f"the response to a vertical edge ({on_vertical:.2f}) is "
                    f"{on_vertical / max(on_edge, 1e-12):.0%} of the response to a horizontal "
                    f"edge ({on_edge:.2f})",
                    "a horizontal edge is a change from one row to the next: the weights should "
                    "differ between rows, and be the same along each row")
    return correct(f"Strong response to the horizontal edge ({on_edge:.2f}), none to the "
                   f"vertical edge ({on_vertical:.2f}) or to a flat image. Sobel y, "
                   "[[-1, -2, -1], [0, 0, 0], [1, 2, 1]], is the classic choice; any filter with "
                   "this behaviour works, and a CNN learns such filters by itself.")


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
)
