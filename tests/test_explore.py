"""The explorer base and the start-here explorer."""

import importlib
import inspect
import pkgutil

import numpy as np
import pytest

from course_utils import explore
from course_utils.explore import measure_latency, start
from tests.conftest import assert_within_latency_budget


def _digit():
    image = np.zeros((28, 28), dtype=np.float32)
    image[6:22, 12:16] = np.linspace(0.2, 1.0, 16)[:, None]
    return image


def test_threshold_is_binary_and_monotone():
    image = _digit()
    low, high = start.threshold(image, 0.1), start.threshold(image, 0.9)
    assert set(np.unique(low)) <= {0.0, 1.0}
    assert low.sum() > high.sum() > 0
    with pytest.raises(ValueError, match=r"\(H, W\)"):
        start.threshold(np.zeros((2, 28, 28)), 0.5)


def test_slider_updates_the_image_in_place():
    explorer = start.ThresholdExplorer(_digit(), level=0.5)
    image_widget = explorer.view.image
    before = image_widget.value
    explorer.controls["level"].value = 0.9
    assert explorer.view.image is image_widget, "the figure is updated, not replaced"
    assert image_widget.value != before
    assert "above 0.90" in explorer._right.get_title()


def test_display_bundle_has_the_widget_and_a_static_png():
    bundle = start.ThresholdExplorer(_digit())._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle
    assert bundle["image/png"][:4] == b"\x89PNG"


def test_latency_is_measured_over_every_change():
    explorer = start.ThresholdExplorer(_digit(), level=0.5)
    timing = assert_within_latency_budget(explorer, repeats=2)
    assert timing["changes"] == 2 * len(explorer.sweep()) > 0
    assert explorer.controls["level"].value == 0.5, "the sweep ends where it started"


def test_sweep_only_sets_values_on_the_sliders_grid():
    explorer = start.ThresholdExplorer(_digit(), level=0.5)
    slider = explorer.controls["level"]
    values = [value for _, value in explorer.sweep()]
    assert len(values) >= 5
    for value in values:
        position = (value - slider.min) / slider.step
        assert abs(position - round(position)) < 1e-9, f"{value} is not on the slider's grid"


def test_the_latency_sweep_sends_the_browser_only_the_final_state(monkeypatch):
    explorer = start.ThresholdExplorer(_digit(), level=0.5)
    sent = []
    for name, widget in [("image", explorer.view.image), ("level", explorer.controls["level"])]:
        original = widget.send_state
        monkeypatch.setattr(widget, "send_state",
                            lambda key=None, name=name, original=original:
                            (sent.append(name), original(key)))
    timing = measure_latency(explorer, repeats=2)
    assert timing["changes"] > 5
    assert sorted(sent) == ["image", "level"], sent


def test_figure_view_blitting_draws_the_same_picture_as_a_full_drawing():
    import io

    from matplotlib.figure import Figure
    from PIL import Image

    from course_utils.explore import FigureView

    figure = Figure(figsize=(3, 2))
    axes = figure.subplots()
    axes.plot([0, 1], [0, 1], color="black")
    line, = axes.plot([0, 1], [1, 0], color="red")
    axes.set_ylim(-1, 2)
    view = FigureView(figure, animated=[line])
    line.set_ydata([0.5, 1.5])
    view.refresh(full=False)
    blitted = np.asarray(Image.open(io.BytesIO(view.image.value)))
    full = np.asarray(Image.open(io.BytesIO(view.png(full=True))))
    assert blitted.shape == (160, 240, 4)
    np.testing.assert_array_equal(blitted, full)
    line.set_ydata([0.0, 0.0])
    assert view.png(full=False) != view.image.value, "the animated line moved"



def _explorer_classes():
    for info in pkgutil.iter_modules(explore.__path__):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"course_utils.explore.{info.name}")
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, explore.Explorer) and cls.__module__ == module.__name__:
                yield cls


def test_every_explorer_redraws_through_the_one_hook():
    classes = list(_explorer_classes())
    assert len(classes) == 9
    for cls in classes:
        assert cls.redraw is not explore.Explorer.redraw, f"{cls.__name__} has no redraw()"
        assert list(inspect.signature(cls.redraw).parameters) == ["self", "moved"], cls
        for other in ("update", "_update", "draw", "_draw"):
            assert not hasattr(cls, other), f"{cls.__name__}.{other}: redraw is the one hook"


def test_a_control_change_calls_the_hook_with_the_controls_name():
    explorer = start.ThresholdExplorer(_digit(), level=0.5)
    moved = []
    redraw = explorer.redraw
    explorer.redraw = lambda name=None: moved.append(name) or redraw(name)
    explorer.controls["level"].value = 0.7
    assert moved == ["level"]


@pytest.mark.parametrize("module, name, home", [
    ("conv", "filter_image", "course_utils.conv"), ("conv", "PRESETS", "course_utils.conv"),
    ("recurrence", "unroll", "course_utils.recurrence"),
    ("gan", "slerp", "course_utils.models.gan"),
])
def test_explore_holds_widgets_not_the_library_code_notebooks_call(module, name, home):
    assert not hasattr(getattr(explore, module), name), f"explore.{module}.{name}: use {home}"
    assert hasattr(importlib.import_module(home), name)
