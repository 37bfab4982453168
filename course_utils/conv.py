"""Convolution and pooling in numpy, channels-last, equal to Keras (lessons 01 and 02).

    conv2d(x, kernel, bias, stride, padding)       like keras.layers.Conv2D
    pool2d(x, pool_size, stride, padding, mode)    like MaxPooling2D / AveragePooling2D
    global_average_pool(x)                         like GlobalAveragePooling2D
    conv_output_size(n, k, stride, padding)        the length of one output axis
    receptive_field(layers)                        how far one output cell sees
    filter_image(image, weights)                   one grey image through one 3x3 filter
    PRESETS                                        classic 3x3 filters by name

Lesson 01 writes the sliding window with loops; these are the same computation,
vectorised with ``sliding_window_view`` so the explorers stay fast. 'same' padding
follows TensorFlow exactly: the output has ceil(n / stride) cells and, when the total
padding is odd, the extra row or column goes at the bottom or right.

Each function checks its arguments with one call to a helper at the end of the module,
so that its body is the computation.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from course_utils import _arrays

__all__ = ["conv2d", "conv2d_transpose", "pool2d", "global_average_pool", "conv_output_size",
           "same_padding", "receptive_field", "PRESETS", "filter_image"]

_PADDINGS = ("valid", "same")
_MODES = ("max", "average")


def same_padding(n: int, k: int, stride: int = 1) -> tuple[int, int]:
    """Cells added (before, after) one axis of length n by 'same' padding, as TensorFlow does.

    The output has ceil(n / stride) cells; the total padding is split with the odd
    cell after: same_padding(5, 2, 2) == (0, 1).
    """
    out = -(-n // stride)
    total = max((out - 1) * stride + k - n, 0)
    return total // 2, total - total // 2


def conv_output_size(n: int, k: int, stride: int = 1, padding: str | int = "valid") -> int:
    """Number of output cells along one axis of length n, for a window of k cells.

    padding: 'valid' (no padding), 'same' (Keras/TensorFlow) or an int p of zeros added
    on each side. The formula is floor((n + 2p - k) / stride) + 1; 'same' gives
    ceil(n / stride). Lesson 01.
    """
    n, k, stride, padding = _output_size_inputs(n, k, stride, padding)
    if padding == "same":
        return -(-n // stride)
    return (n + 2 * padding - k) // stride + 1


def conv2d(x: np.ndarray, kernel: np.ndarray, bias: np.ndarray | None = None,
           stride: int | Sequence[int] = 1, padding: str = "valid") -> np.ndarray:
    """2-D convolution (cross-correlation, as in every deep-learning library). Lesson 01.

    x: array of shape (N, H, W, C_in), channels last.
    kernel: array of shape (kh, kw, C_in, C_out), the layout of Conv2D's kernel weight.
    bias: array of shape (C_out,) or None.
    stride: int or (rows, cols); padding: 'valid' or 'same' (exactly as Keras).
    Returns out of shape (N, H_out, W_out, C_out) with
        out[n, i, j, o] = sum over a, b, c of x_padded[n, i*s + a, j*s + b, c] * kernel[a, b, c, o]
                          + bias[o].
    The kernel is not flipped: flip it (kernel[::-1, ::-1]) for the convolution of
    signal processing.
    """
    x, kernel, bias, stride = _conv2d_inputs(x, kernel, bias, stride, padding)
    windows = _windows(x, kernel.shape[:2], stride, padding)
    # One matrix product per kernel offset (a, b): the whole image at once, kh * kw
    # products in all, much faster than one product per window.
    out = np.zeros(windows.shape[:3] + (kernel.shape[3],), dtype=np.result_type(x, kernel))
    for a in range(kernel.shape[0]):
        for b in range(kernel.shape[1]):
            out += windows[..., a, b] @ kernel[a, b]
    return out if bias is None else out + bias


def _windows(x: np.ndarray, window: tuple[int, int], stride: tuple[int, int],
             padding: str) -> np.ndarray:
    """Every window of x, zero-padded for 'same', stride applied: (N, H_out, W_out, C, kh, kw)."""
    if padding == "same":
        (top, bottom), (left, right) = (same_padding(x.shape[1], window[0], stride[0]),
                                        same_padding(x.shape[2], window[1], stride[1]))
        x = np.pad(x, ((0, 0), (top, bottom), (left, right), (0, 0)), constant_values=0.0)
    views = sliding_window_view(x, window, axis=(1, 2))
    return views[:, ::stride[0], ::stride[1]]


def conv2d_transpose(x: np.ndarray, kernel: np.ndarray, bias: np.ndarray | None = None,
                     stride: int | Sequence[int] = 1, padding: str = "valid") -> np.ndarray:
    """Transposed convolution, as ``keras.layers.Conv2DTranspose``. Lesson 08.

    x: (N, H, W, C_in); kernel: (kh, kw, C_out, C_in), the layout of Conv2DTranspose's kernel
    (input and output channels the other way round from Conv2D's); bias: (C_out,) or None.
    Every input cell stamps the kernel, scaled by its value, into the output at
    (i * stride, j * stride), and overlapping stamps add up: the output grows to
    (H - 1) * stride + max(kh, stride) rows with 'valid' padding. 'same' crops it to
    H * stride rows, max(kh - stride, 0) fewer, the smaller half at the top (as Keras). It is the transpose of
    ``conv2d`` with the same kernel: what conv2d's gradient does with respect to its input.
    """
    x, kernel, bias, (sh, sw) = _conv2d_transpose_inputs(x, kernel, bias, stride, padding)
    kh, kw, c_out, _ = kernel.shape
    n, h, w, _ = x.shape
    # a kernel smaller than the stride leaves gaps of zeros, also after the last stamp
    full = np.zeros((n, (h - 1) * sh + max(kh, sh), (w - 1) * sw + max(kw, sw), c_out),
                    dtype=np.result_type(x, kernel))
    for a in range(kh):  # one matrix product per kernel offset, as in conv2d
        for b in range(kw):
            full[:, a:a + (h - 1) * sh + 1:sh, b:b + (w - 1) * sw + 1:sw] += x @ kernel[a, b].T
    if padding == "same":
        top, left = max(kh - sh, 0) // 2, max(kw - sw, 0) // 2
        full = full[:, top:top + h * sh, left:left + w * sw]
    return full if bias is None else full + bias


def pool2d(x: np.ndarray, pool_size: int | Sequence[int] = 2,
           stride: int | Sequence[int] | None = None, padding: str = "valid",
           mode: str = "max") -> np.ndarray:
    """Max or average pooling, each channel on its own. Lesson 02.

    x: array of shape (N, H, W, C). pool_size: int or (rows, cols).
    stride: int, (rows, cols) or None for the pool size (the Keras default).
    padding: 'valid' or 'same'; mode: 'max' or 'average'.
    Returns an array of shape (N, H_out, W_out, C). With padding='same' the padded
    cells are ignored, as in Keras: max never picks them, and the average divides by
    the number of real cells in each window, not by the window's size.
    """
    x, window, stride = _pool2d_inputs(x, pool_size, stride, padding, mode)
    if mode == "max":
        fill = -np.inf if np.issubdtype(x.dtype, np.floating) else np.iinfo(x.dtype).min
        return _separable(x, window, stride, padding, fill, np.max)
    sums = _separable(x, window, stride, padding, 0.0, np.sum)
    if padding == "valid":
        return sums / (window[0] * window[1])
    ones = np.ones((1,) + x.shape[1:3] + (1,), dtype=x.dtype)
    return sums / _separable(ones, window, stride, padding, 0.0, np.sum)


def _separable(x: np.ndarray, window: tuple[int, int], stride: tuple[int, int], padding: str,
               fill: float, reduce: Any) -> np.ndarray:
    """Reduce every window, rows first then columns: kh + kw operations per cell, not kh * kw.

    Max and sum over a rectangle can be done one axis at a time, which keeps large
    pools fast enough for the explorer.
    """
    if padding == "same":
        (top, bottom), (left, right) = (same_padding(x.shape[1], window[0], stride[0]),
                                        same_padding(x.shape[2], window[1], stride[1]))
        x = np.pad(x, ((0, 0), (top, bottom), (left, right), (0, 0)), constant_values=fill)
    rows = reduce(sliding_window_view(x, window[0], axis=1)[:, ::stride[0]], axis=-1)
    return reduce(sliding_window_view(rows, window[1], axis=2)[:, :, ::stride[1]], axis=-1)


def receptive_field(layers: Sequence[tuple[int, int]]) -> list[dict[str, int]]:
    """Receptive field after each layer of a stack of convolutions and poolings. Lesson 02.

    layers: a sequence of (kernel_size, stride), one per layer: (3, 1) for a 3x3
    convolution, (2, 2) for 2x2 pooling.
    Returns one dict per layer: ``size``, how many input pixels along an axis one output
    cell sees, and ``jump``, how many input pixels apart neighbouring output cells are.
    Each layer adds (kernel_size - 1) * jump_before to the size and multiplies the jump
    by its stride.
    """
    size, jump, found = 1, 1, []
    for kernel_size, stride in _layers(layers):
        size += (kernel_size - 1) * jump
        jump *= stride
        found.append({"size": size, "jump": jump})
    return found


def global_average_pool(x: np.ndarray) -> np.ndarray:
    """Global average pooling, as ``keras.layers.GlobalAveragePooling2D``. Lesson 02.

    x: array of shape (N, H, W, C). Returns out of shape (N, C), the mean of each channel
    over all H x W positions: out[n, c] = mean over i, j of x[n, i, j, c]. No weights, and
    a feature that moves inside the map (without leaving it) gives the same output.
    """
    return _check_images(x, "global_average_pool").mean(axis=(1, 2))


PRESETS: dict[str, np.ndarray] = {
    "identity": np.array([[0, 0, 0], [0, 1, 0], [0, 0, 0]], dtype=np.float32),
    "blur": np.full((3, 3), 1 / 9, dtype=np.float32),
    "sharpen": np.array([[0, -1, 0], [-1, 5, -1], [0, -1, 0]], dtype=np.float32),
    "sobel x": np.array([[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]], dtype=np.float32),
    "sobel y": np.array([[-1, -2, -1], [0, 0, 0], [1, 2, 1]], dtype=np.float32),
    "laplacian": np.array([[0, 1, 0], [1, -4, 1], [0, 1, 0]], dtype=np.float32),
    "emboss": np.array([[-2, -1, 0], [-1, 1, 1], [0, 1, 2]], dtype=np.float32),
}
"""Classic 3x3 filters by name, each of shape (3, 3) (lessons 01 and 02)."""


def filter_image(image: np.ndarray, weights: np.ndarray, stride: int = 1,
                 padding: str = "valid", conv2d: Callable[..., np.ndarray] = conv2d
                 ) -> np.ndarray:
    """One grey image through one filter: image (H, W), weights (kh, kw) -> (H_out, W_out).

    conv2d: the convolution to use, with the signature of ``conv2d`` above (lesson 01's
    own loops once they pass their check).
    """
    image = np.asarray(image, dtype=np.float32)
    weights = np.asarray(weights, dtype=np.float32)
    if image.ndim != 2 or weights.ndim != 2:
        raise ValueError(f"image and weights must be 2-D (H, W) and (kh, kw), got shapes "
                         f"{image.shape} and {weights.shape}")
    return np.asarray(conv2d(image[None, :, :, None], weights[:, :, None, None],
                             stride=stride, padding=padding))[0, :, :, 0]


# ---------------------------------------------------------------- input checks
# One helper per function above, in the same order, then the checks they share. Each returns
# the arguments ready for the computation, or raises the error a learner can act on.


def _output_size_inputs(n: object, k: object, stride: object, padding: object
                        ) -> tuple[int, int, int, str | int]:
    """conv_output_size's arguments: three positive ints, and 'same' or padding p as an int."""
    n, k, stride = (_arrays.positive_int(value, name)
                    for name, value in (("n", n), ("k", k), ("stride", stride)))
    if padding == "same":
        return n, k, stride, padding
    if padding == "valid":
        padding = 0
    padding = _arrays.non_negative_int(padding, "padding",
                                       hint="or give the string 'valid' or 'same'")
    if k > n + 2 * padding:
        raise ValueError(f"window of {k} cells does not fit in {n} cells with padding {padding}: "
                         "use a smaller window or more padding")
    return n, k, stride, padding


def _conv2d_inputs(x: object, kernel: object, bias: object, stride: object, padding: object
                   ) -> tuple[np.ndarray, np.ndarray, np.ndarray | None, tuple[int, int]]:
    """conv2d's x, kernel, bias (None or (C_out,)) and stride (rows, cols), checked."""
    x = _check_images(x, "conv2d")
    kernel = np.asarray(kernel)
    if kernel.ndim != 4:
        hint = " add the channel axes: kernel[:, :, None, None]" if kernel.ndim == 2 else ""
        raise ValueError(f"conv2d: kernel must have shape (kh, kw, C_in, C_out), got shape "
                         f"{kernel.shape};{hint or ' reshape it to 4 axes'}")
    if kernel.shape[2] != x.shape[3]:
        raise ValueError(f"conv2d: kernel expects {kernel.shape[2]} input channels "
                         f"(kernel shape {kernel.shape}) but x has {x.shape[3]} "
                         f"(x shape {x.shape}): the kernel's third axis must equal x's last axis")
    stride = _pair(stride, "stride")
    _check_padding(padding)
    _check_fits(x, kernel.shape[:2], padding, "conv2d", "window")
    return x, kernel, _check_bias(bias, kernel.shape[3], "conv2d"), stride


def _conv2d_transpose_inputs(x: object, kernel: object, bias: object, stride: object,
                             padding: object
                             ) -> tuple[np.ndarray, np.ndarray, np.ndarray | None, tuple[int, int]]:
    """conv2d_transpose's x, kernel, bias (None or (C_out,)) and stride (rows, cols), checked."""
    x = _check_images(x, "conv2d_transpose")
    kernel = np.asarray(kernel)
    if kernel.ndim != 4 or kernel.shape[3] != x.shape[3]:
        raise ValueError(f"conv2d_transpose: kernel must have shape (kh, kw, C_out, C_in) with "
                         f"C_in = {x.shape[3]}, the last axis of x; got shape {kernel.shape}")
    stride = _pair(stride, "stride")
    _check_padding(padding)
    return x, kernel, _check_bias(bias, kernel.shape[2], "conv2d_transpose"), stride


def _pool2d_inputs(x: object, pool_size: object, stride: object, padding: object, mode: object
                   ) -> tuple[np.ndarray, tuple[int, int], tuple[int, int]]:
    """pool2d's x, window (rows, cols) and stride (rows, cols, the window's if None), checked."""
    x = _check_images(x, "pool2d")
    window = _pair(pool_size, "pool_size")
    stride = window if stride is None else _pair(stride, "stride")
    _check_padding(padding)
    if mode not in _MODES:
        raise ValueError(f"mode must be 'max' or 'average', got {mode!r}")
    _check_fits(x, window, padding, "pool2d", "pool_size")
    return x, window, stride


def _layers(layers: object) -> list[tuple[int, int]]:
    """receptive_field's layers as a list of (kernel_size, stride), each a positive int."""
    checked = []
    for index, layer in enumerate(layers):
        if len(layer) != 2:
            raise ValueError(f"layer {index}: give (kernel_size, stride), got {layer!r}")
        kernel_size, stride = layer
        checked.append((_arrays.positive_int(kernel_size, f"layer {index}'s kernel_size"),
                        _arrays.positive_int(stride, f"layer {index}'s stride")))
    return checked


def _check_images(x: object, what: str) -> np.ndarray:
    x = np.asarray(x)
    if x.ndim != 4:
        hint = (" add the batch and channel axes: x[None, :, :, None]" if x.ndim == 2 else
                " add a batch axis: x[None]" if x.ndim == 3 else "")
        raise ValueError(f"{what}: x must have shape (N, H, W, C) (4 axes), got shape "
                         f"{x.shape} ({x.ndim} axes);{hint or ' reshape it to (N, H, W, C)'}")
    return x


def _pair(value: int | Sequence[int], name: str) -> tuple[int, int]:
    """An int or a pair of ints -> (rows, cols), each a positive int."""
    pair = (value, value) if np.isscalar(value) else tuple(value)
    if len(pair) != 2:
        raise ValueError(f"{name} must be an int or a pair of ints like (2, 2), got {value!r}")
    rows, cols = (_arrays.positive_int(item, name, hint=f"a {name} of 0 would never move the "
                                       "window") for item in pair)
    return rows, cols


def _check_padding(padding: object) -> str:
    if padding not in _PADDINGS:
        raise ValueError(f"padding must be 'valid' or 'same', got {padding!r}")
    return padding


def _check_fits(x: np.ndarray, window: tuple[int, int], padding: str, what: str,
                smaller: str) -> None:
    """With 'valid' padding the window must fit in the image; ``smaller`` names what to shrink."""
    height, width = x.shape[1:3]
    if padding == "valid" and (window[0] > height or window[1] > width):
        raise ValueError(f"{what}: window {window} is larger than the input {height}x{width} "
                         f"with padding='valid': use padding='same' or a smaller {smaller}")


def _check_bias(bias: object, channels: int, what: str) -> np.ndarray | None:
    """None, or a bias of shape (channels,): one value per output channel."""
    if bias is None:
        return None
    bias = np.asarray(bias)
    if bias.shape != (channels,):
        raise ValueError(f"{what}: bias must have shape ({channels},), one value per "
                         f"output channel, got {bias.shape}")
    return bias
