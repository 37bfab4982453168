"""course_utils.conv: equal to the Keras layers with the same weights, and clear about bad input."""

import keras
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from course_utils import conv

SETTINGS = settings(max_examples=20, deadline=None)


@st.composite
def conv_cases(draw):
    height, width = draw(st.integers(1, 9)), draw(st.integers(1, 9))
    padding = draw(st.sampled_from(["valid", "same"]))
    limit_h, limit_w = (height, width) if padding == "valid" else (5, 5)
    kernel_size = (draw(st.integers(1, min(limit_h, 5))), draw(st.integers(1, min(limit_w, 5))))
    strides = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    channels_in, channels_out = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    seed = draw(st.integers(0, 2**16))
    return height, width, kernel_size, strides, padding, channels_in, channels_out, seed


@SETTINGS
@given(conv_cases())
def test_conv2d_equals_keras_conv2d(case):
    height, width, kernel_size, strides, padding, channels_in, channels_out, seed = case
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(2, height, width, channels_in)).astype(np.float32)
    kernel = rng.normal(size=kernel_size + (channels_in, channels_out)).astype(np.float32)
    bias = rng.normal(size=channels_out).astype(np.float32)
    layer = keras.layers.Conv2D(channels_out, kernel_size, strides=strides, padding=padding)
    layer.build(x.shape)
    layer.set_weights([kernel, bias])
    expected = np.asarray(layer(x))
    got = conv.conv2d(x, kernel, bias, stride=strides, padding=padding)
    assert got.shape == expected.shape
    np.testing.assert_allclose(got, expected, atol=1e-4)


@SETTINGS
@given(conv_cases(), st.sampled_from(["max", "average"]))
def test_pool2d_equals_keras_pooling(case, mode):
    height, width, pool_size, strides, padding, channels, _, seed = case
    x = np.random.default_rng(seed).normal(size=(2, height, width, channels)).astype(np.float32)
    layer_class = keras.layers.MaxPooling2D if mode == "max" else keras.layers.AveragePooling2D
    expected = np.asarray(layer_class(pool_size, strides=strides, padding=padding)(x))
    got = conv.pool2d(x, pool_size, stride=strides, padding=padding, mode=mode)
    assert got.shape == expected.shape
    np.testing.assert_allclose(got, expected, atol=1e-5)


def test_pool2d_stride_defaults_to_pool_size_like_keras():
    x = np.arange(36, dtype=np.float32).reshape(1, 6, 6, 1)
    assert conv.pool2d(x, 3).shape == (1, 2, 2, 1)
    np.testing.assert_array_equal(conv.pool2d(x, 3)[0, :, :, 0], [[14, 17], [32, 35]])


def test_same_average_pooling_divides_by_real_cells_only():
    x = np.ones((1, 3, 3, 1), dtype=np.float32)
    np.testing.assert_array_equal(conv.pool2d(x, 2, padding="same", mode="average"), 1.0)


def test_conv2d_is_cross_correlation_not_flipped():
    x = np.zeros((1, 3, 3, 1))
    x[0, 1, 1, 0] = 1.0
    kernel = np.arange(9.0).reshape(3, 3, 1, 1)
    out = conv.conv2d(x, kernel, padding="same")[0, :, :, 0]
    # an impulse picks out the kernel upside down: each output reads the weight opposite it
    np.testing.assert_array_equal(out, kernel[::-1, ::-1, 0, 0])


def test_same_padding_puts_the_odd_cell_after():
    assert conv.same_padding(5, 2, 2) == (0, 1)
    assert conv.same_padding(6, 3, 1) == (1, 1)
    assert conv.same_padding(7, 4, 1) == (1, 2)


@SETTINGS
@given(st.integers(1, 40), st.integers(1, 7), st.integers(1, 4),
       st.sampled_from(["valid", "same"]))
def test_conv_output_size_matches_conv2d(n, k, stride, padding):
    if padding == "valid" and k > n:
        with pytest.raises(ValueError, match="does not fit"):
            conv.conv_output_size(n, k, stride, padding)
        return
    out = conv.conv2d(np.zeros((1, n, 3, 1)), np.zeros((k, 1, 1, 1)), stride=(stride, 1),
                      padding=padding)
    assert out.shape[1] == conv.conv_output_size(n, k, stride, padding)


def test_conv_output_size_with_explicit_padding():
    assert conv.conv_output_size(28, 3, 1, 1) == 28
    assert conv.conv_output_size(32, 5, 2, 2) == 16
    assert conv.conv_output_size(7, 3, 2, 0) == 3


def test_receptive_field_grows_through_conv_and_pool():
    found = conv.receptive_field([(3, 1), (3, 1), (2, 2), (3, 1)])
    assert [layer["size"] for layer in found] == [3, 5, 6, 10]
    assert [layer["jump"] for layer in found] == [1, 1, 2, 2]


def test_receptive_field_matches_an_impulse_through_the_stack():
    layers = [(3, 1), (2, 2), (3, 1), (2, 2), (3, 1)]
    # an impulse at one input column reaches the first output cell only if that column
    # lies in its receptive field (all-ones kernels, so nothing cancels)
    hits = []
    for column in range(41):
        probe = np.zeros((1, 1, 41, 1))
        probe[0, 0, column, 0] = 1.0
        out = probe
        for kernel_size, stride in layers:
            if stride == 1:
                out = conv.conv2d(out, np.ones((1, kernel_size, 1, 1)))
            else:
                out = conv.pool2d(out, (1, kernel_size), stride=(1, stride))
        if out[0, 0, 0, 0] > 0:
            hits.append(column)
    assert len(hits) == conv.receptive_field(layers)[-1]["size"]
    assert hits == list(range(hits[0], hits[0] + len(hits)))


@pytest.mark.parametrize("call, words", [
    (lambda: conv.conv2d(np.zeros((5, 5)), np.zeros((3, 3, 1, 1))), "x[None, :, :, None]"),
    (lambda: conv.conv2d(np.zeros((5, 5, 1)), np.zeros((3, 3, 1, 1))), "add a batch axis"),
    (lambda: conv.conv2d(np.zeros((1, 5, 5, 1)), np.zeros((3, 3))), "kernel[:, :, None, None]"),
    (lambda: conv.conv2d(np.zeros((1, 5, 5, 3)), np.zeros((3, 3, 1, 2))),
     "kernel expects 1 input channels"),
    (lambda: conv.conv2d(np.zeros((1, 5, 5, 1)), np.zeros((3, 3, 1, 1)), stride=0),
     "never move"),
    (lambda: conv.conv2d(np.zeros((1, 2, 5, 1)), np.zeros((3, 3, 1, 1))), "padding='same'"),
    (lambda: conv.conv2d(np.zeros((1, 5, 5, 1)), np.zeros((3, 3, 1, 2)), np.zeros(3)),
     "one value per output channel"),
    (lambda: conv.conv2d(np.zeros((1, 5, 5, 1)), np.zeros((3, 3, 1, 1)), padding="full"),
     "'valid' or 'same'"),
    (lambda: conv.pool2d(np.zeros((4, 4)), 2), "x[None, :, :, None]"),
    (lambda: conv.pool2d(np.zeros((1, 4, 4, 1)), 2, stride=0), "never move"),
    (lambda: conv.pool2d(np.zeros((1, 4, 4, 1)), 5), "larger than the input"),
    (lambda: conv.pool2d(np.zeros((1, 4, 4, 1)), 2, mode="min"), "'max' or 'average'"),
    (lambda: conv.conv_output_size(5, 7), "does not fit"),
    (lambda: conv.conv_output_size(5, 3, 0), "positive int"),
    (lambda: conv.receptive_field([(3, 0)]), "layer 0's stride must be a positive int"),
])
def test_bad_input_says_what_to_do(call, words):
    with pytest.raises(ValueError) as error:
        call()
    assert words in str(error.value)


def test_errors_show_expected_and_actual_shapes():
    with pytest.raises(ValueError, match=r"\(N, H, W, C\).*got shape \(5, 5\)"):
        conv.conv2d(np.zeros((5, 5)), np.zeros((3, 3, 1, 1)))


@st.composite
def transpose_cases(draw):
    height, width = draw(st.integers(1, 6)), draw(st.integers(1, 6))
    kernel_size = (draw(st.integers(1, 5)), draw(st.integers(1, 5)))  # smaller than the stride too
    strides = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    padding = draw(st.sampled_from(["valid", "same"]))
    channels_in, channels_out = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    return height, width, kernel_size, strides, padding, channels_in, channels_out, \
        draw(st.integers(0, 2**16))


@SETTINGS
@given(transpose_cases())
def test_conv2d_transpose_equals_keras_conv2d_transpose(case):
    height, width, kernel_size, strides, padding, channels_in, channels_out, seed = case
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(2, height, width, channels_in)).astype(np.float32)
    layer = keras.layers.Conv2DTranspose(channels_out, kernel_size, strides=strides,
                                         padding=padding)
    layer.build(x.shape)
    kernel = rng.normal(size=kernel_size + (channels_out, channels_in)).astype(np.float32)
    bias = rng.normal(size=channels_out).astype(np.float32)
    layer.set_weights([kernel, bias])
    expected = np.asarray(layer(x))
    got = conv.conv2d_transpose(x, kernel, bias, stride=strides, padding=padding)
    assert got.shape == expected.shape
    np.testing.assert_allclose(got, expected, atol=1e-4)


@pytest.mark.parametrize("stride", [1, 2, 3])
def test_conv2d_transpose_is_the_transpose_of_conv2d(stride):
    """<conv2d(u), v> = <u, conv2d_transpose(v)> with the same kernel: C and its transpose."""
    rng = np.random.default_rng(stride)
    out = 4
    size = (out - 1) * stride + 3  # the windows fit exactly, as 'valid' needs
    u = rng.normal(size=(2, size, size, 2))
    v = rng.normal(size=(2, out, out, 5))
    kernel = rng.normal(size=(3, 3, 2, 5))
    left = np.sum(conv.conv2d(u, kernel, stride=stride) * v)
    right = np.sum(u * conv.conv2d_transpose(v, kernel, stride=stride))
    np.testing.assert_allclose(left, right, rtol=1e-10)


def test_conv2d_transpose_names_a_kernel_of_the_wrong_layout():
    with pytest.raises(ValueError, match=r"\(kh, kw, C_out, C_in\)"):
        conv.conv2d_transpose(np.zeros((1, 3, 3, 2)), np.zeros((3, 3, 2, 4)))
    with pytest.raises(ValueError, match="one value per output channel"):
        conv.conv2d_transpose(np.zeros((1, 3, 3, 2)), np.zeros((3, 3, 4, 2)), bias=np.zeros(2))


@SETTINGS
@given(st.integers(1, 9), st.integers(1, 9), st.integers(1, 4), st.integers(0, 2**16))
def test_global_average_pool_equals_keras(height, width, channels, seed):
    x = np.random.default_rng(seed).normal(size=(3, height, width, channels)).astype(np.float32)
    expected = np.asarray(keras.layers.GlobalAveragePooling2D()(x))
    got = conv.global_average_pool(x)
    assert got.shape == expected.shape == (3, channels)
    np.testing.assert_allclose(got, expected, atol=1e-5)
    # an average pool whose window is the whole map, without its two spatial axes
    np.testing.assert_allclose(got, conv.pool2d(x, (height, width), mode="average")[:, 0, 0],
                               atol=1e-6)


def test_global_average_pool_ignores_where_a_feature_is():
    x = np.zeros((1, 8, 8, 2))
    x[0, 2:4, 1:3, 0], x[0, 5, 5, 1] = 1.0, 3.0
    moved = np.roll(x, (3, 4), axis=(1, 2))  # nothing reaches the border, nothing wraps
    np.testing.assert_array_equal(conv.global_average_pool(moved), conv.global_average_pool(x))
    np.testing.assert_allclose(conv.global_average_pool(x), [[4 / 64, 3 / 64]])


def test_global_average_pool_asks_for_the_batch_axis():
    with pytest.raises(ValueError, match=r"add a batch axis: x\[None\]"):
        conv.global_average_pool(np.zeros((5, 5, 3)))


@SETTINGS
@given(st.integers(1, 6), st.integers(1, 6), st.integers(1, 5), st.integers(1, 5),
       st.integers(0, 2**16))
def test_a_1x1_convolution_is_a_dense_layer_on_every_pixel(height, width, channels_in,
                                                           channels_out, seed):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(2, height, width, channels_in)).astype(np.float32)
    kernel = rng.normal(size=(1, 1, channels_in, channels_out)).astype(np.float32)
    bias = rng.normal(size=channels_out).astype(np.float32)
    layer = keras.layers.Conv2D(channels_out, 1)
    layer.build(x.shape)
    layer.set_weights([kernel, bias])
    dense = keras.layers.Dense(channels_out)
    dense.build(x.shape)
    dense.set_weights([kernel[0, 0], bias])
    got = conv.conv2d(x, kernel, bias)
    np.testing.assert_allclose(got, x @ kernel[0, 0] + bias, atol=1e-5)
    np.testing.assert_allclose(got, np.asarray(layer(x)), atol=1e-4)
    np.testing.assert_allclose(got, np.asarray(dense(x)), atol=1e-4)


def test_filter_image_is_conv2d_on_one_channel():
    image = np.random.default_rng(0).random((9, 7)).astype(np.float32)
    weights = conv.PRESETS["laplacian"]
    expected = conv.conv2d(image[None, :, :, None], weights[:, :, None, None], stride=2,
                           padding="same")[0, :, :, 0]
    np.testing.assert_allclose(conv.filter_image(image, weights, 2, "same"), expected)


def test_presets_are_named_3x3_filters():
    assert {"identity", "blur", "sobel x", "sobel y"} <= set(conv.PRESETS)
    image = np.random.default_rng(1).random((6, 6)).astype(np.float32)
    np.testing.assert_allclose(conv.filter_image(image, conv.PRESETS["identity"], padding="same"),
                               image)
    for name, weights in conv.PRESETS.items():
        assert weights.shape == (3, 3), name


def test_filter_image_explains_bad_input():
    with pytest.raises(ValueError, match=r"2-D \(H, W\) and \(kh, kw\)"):
        conv.filter_image(np.zeros((1, 5, 5)), conv.PRESETS["blur"])
