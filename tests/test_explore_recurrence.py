"""The recurrence explorer: its compute function, its controls, and its figure updates."""

import numpy as np
import pytest

from course_utils import explore
from tests.conftest import assert_within_latency_budget
from tests.test_recurrence import pulse as _pulse
from tests.test_recurrence import unroll_weights as _weights


def test_explorer_updates_the_figure_for_every_control():
    explorer = explore.recurrence.RecurrenceExplorer(_pulse(), *_weights(), radius=1.0)
    assert explorer.name == "recurrence"
    assert set(explorer.controls) == {"step", "radius"}
    before = explorer.view.image.value
    explorer.controls["step"].value = 3
    after_step = explorer.view.image.value
    assert after_step != before
    assert "step 3" in explorer._title.get_text()
    strip = np.ma.filled(explorer._strip.get_array(), np.nan)  # imshow masks the NaN it gets
    assert np.isfinite(strip[:, :4]).all() and np.isnan(strip[:, 4:]).all()
    explorer.controls["radius"].value = 1.5
    assert explorer.view.image.value != after_step
    assert "radius 1.5" in explorer._title.get_text()


def test_explorer_precomputes_every_radius_and_measures_latency():
    explorer = explore.recurrence.RecurrenceExplorer(_pulse(), *_weights(), radii=(0.5, 1.0), radius=0.5)
    assert set(explorer.runs) == {0.5, 1.0}
    assert assert_within_latency_budget(explorer)["changes"] >= 3
    assert "image/png" in explorer._repr_mimebundle_()


def test_explorer_explains_bad_settings():
    with pytest.raises(ValueError, match="radius must be one of"):
        explore.recurrence.RecurrenceExplorer(_pulse(), *_weights(), radius=0.7)
    with pytest.raises(ValueError, match="T >= 2"):
        explore.recurrence.RecurrenceExplorer(np.zeros((1, 1)), *_weights())


def test_the_explorer_runs_on_a_forward_pass_given_to_it():
    """Lesson 04 hands the explorer the learner's forward pass once it passes its check."""
    W, U, b = _weights()
    calls = []

    def loops(x, W, U, b):  # the recurrence as a learner writes it, one step at a time
        calls.append(x.shape)
        h = np.zeros((x.shape[0], U.shape[0]))
        states = []
        for t in range(x.shape[1]):
            h = np.tanh(x[:, t] @ W + h @ U + b)
            states.append(h)
        return np.stack(states, axis=1)

    view = explore.recurrence.RecurrenceExplorer(_pulse(), W, U, b, forward=loops)
    reference = explore.recurrence.RecurrenceExplorer(_pulse(), W, U, b)
    assert len(calls) == len(explore.recurrence.RADII) and calls[0] == (1, 12, 1)
    for radius in explore.recurrence.RADII:
        np.testing.assert_allclose(view.runs[radius]["states"], reference.runs[radius]["states"])
