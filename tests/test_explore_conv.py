"""course_utils.explore.conv: the explorers build, every control changes the picture, and the
update time is measured."""

import numpy as np
import pytest

from course_utils import conv, explore
from course_utils.explore import conv as explore_conv
from course_utils.explore import pooling as explore_pooling
from tests.conftest import assert_within_latency_budget


@pytest.fixture(scope="module")
def kernel_explorer():
    return explore_conv.KernelExplorer(photo="camera", preset="sobel x", size=64)


@pytest.fixture(scope="module")
def pooling_explorer():
    return explore_pooling.PoolingExplorer(photo="camera", size=64)


def test_the_kernel_explorer_runs_on_the_convolution_it_is_given():
    calls = []

    def my_conv2d(x, kernel, bias=None, stride=1, padding="valid"):
        calls.append(x.shape)
        return conv.conv2d(x, kernel, bias, stride, padding) * 2

    explorer = explore_conv.KernelExplorer(photo="camera", preset="sobel x", size=32,
                                           conv2d=my_conv2d)
    expected = 2 * conv.filter_image(explorer.photos["camera"], explorer.weights())
    np.testing.assert_allclose(explorer.output(), expected, rtol=1e-6)
    assert calls and calls[-1] == (1, 32, 32, 1)


def test_identity_preset_returns_the_photo(kernel_explorer):
    kernel_explorer.controls["padding"].value = "same"
    kernel_explorer.controls["stride"].value = 1
    kernel_explorer.controls["preset"].value = "identity"
    np.testing.assert_allclose(kernel_explorer.output(), kernel_explorer.photos["camera"],
                               atol=1e-6)


@pytest.mark.parametrize("name, value", [("photo", "coins"), ("preset", "blur"),
                                         ("stride", 3), ("padding", "valid"), ("w11", 4.0)])
def test_each_kernel_control_changes_the_image(kernel_explorer, name, value):
    kernel_explorer.controls["preset"].value = "sobel y"
    before = kernel_explorer.view.image.value
    kernel_explorer.controls[name].value = value
    assert kernel_explorer.view.image.value != before


def test_preset_fills_the_weights_and_editing_one_makes_it_custom(kernel_explorer):
    kernel_explorer.controls["preset"].value = "sharpen"
    np.testing.assert_array_equal(kernel_explorer.weights(), conv.PRESETS["sharpen"])
    kernel_explorer.controls["w00"].value = 2.0
    assert kernel_explorer.controls["preset"].value == "custom"
    assert kernel_explorer.weights()[0, 0] == 2.0


def test_output_shape_follows_stride_and_padding(kernel_explorer):
    kernel_explorer.controls["stride"].value = 3
    kernel_explorer.controls["padding"].value = "valid"
    assert kernel_explorer.output().shape == (conv.conv_output_size(64, 3, 3),) * 2
    kernel_explorer.controls["padding"].value = "same"
    assert kernel_explorer.output().shape == (22, 22)


@pytest.mark.parametrize("name, value", [("pool_size", 4), ("stride", 3), ("mode", "average"),
                                         ("shift", 3)])
def test_each_pooling_control_changes_the_image(pooling_explorer, name, value):
    before = pooling_explorer.view.image.value
    pooling_explorer.controls[name].value = value
    assert pooling_explorer.view.image.value != before


def test_no_shift_no_change_and_pooling_tolerates_a_small_shift(pooling_explorer):
    controls = pooling_explorer.controls
    controls["mode"].value, controls["pool_size"].value, controls["stride"].value = "max", 4, 4
    controls["shift"].value = 0
    assert pooling_explorer.measure() == {"conv": 0.0, "pooled": 0.0}
    controls["shift"].value = 1
    changes = pooling_explorer.measure()
    assert changes["pooled"] < 0.7 * changes["conv"]


def test_shift_change_of_a_pool_of_one_is_the_conv_change():
    feature_map = np.random.default_rng(1).random((12, 20))
    changes = explore_pooling.shift_change(feature_map, 2, pool_size=1)
    assert changes["pooled"] == pytest.approx(changes["conv"])
    with pytest.raises(ValueError, match="between 0 and max_shift"):
        explore_pooling.shift_change(feature_map, 5)


def test_unknown_preset_lists_the_presets():
    with pytest.raises(ValueError, match="sobel x"):
        explore_conv.KernelExplorer(preset="edges")


@pytest.mark.parametrize("explorer_fixture", ["kernel_explorer", "pooling_explorer"])
def test_latency_is_measured_over_every_control(explorer_fixture, request):
    explorer = request.getfixturevalue(explorer_fixture)
    timing = assert_within_latency_budget(explorer)
    assert timing["changes"] == len(explorer.sweep())
    changed = {name for name, _ in explorer.sweep()}
    assert {"stride"} <= changed


def test_the_latency_sweep_leaves_the_kernel_explorer_as_it_found_it():
    explorer = explore_conv.KernelExplorer(photo="camera", preset="sobel x")
    before = {name: control.value for name, control in explorer.controls.items()}
    explore.measure_latency(explorer, repeats=1)
    assert {name: control.value for name, control in explorer.controls.items()} == before
