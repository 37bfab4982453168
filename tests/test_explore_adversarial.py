"""The live GAN view (lesson 07): training paths, controls, redraws, responsiveness."""

import asyncio

import numpy as np
import pytest

from course_utils import adversarial
from course_utils.explore import adversarial as explore_adversarial
from tests.conftest import assert_within_latency_budget


def _view(**options):
    real = adversarial.ring_of_gaussians(400, seed=0)
    return explore_adversarial.GanExplorer(real, centers=adversarial.ring_centers(), std=0.05,
                             hidden_units=16, batch_size=32, **options)


@pytest.fixture(scope="module")
def view():
    return _view()


def test_train_plays_rounds_records_history_and_redraws(view):
    view.reset()
    image_before = view.view.image.value
    view.train(steps=3)
    assert view.step == 3
    assert all(len(values) == 3 for values in view.history.values())
    assert 0 <= view.coverage["modes_covered"] <= 8
    assert view.view.image.value != image_before


def test_same_seed_same_game():
    first, second = _view(seed=3), _view(seed=3)
    first.train(steps=4)
    second.train(steps=4)
    np.testing.assert_allclose(first.history["discriminator_loss"],
                               second.history["discriminator_loss"], rtol=1e-6)


def uphill_share(view) -> float:
    """Share of probe points where a small step along the arrow raises D's belief "real".

    Also measured over seeds and thread counts by benchmarks/spread.py.
    """
    _, points, push = view._probe(view._grid, view._probe_noise, "non_saturating")
    points, push = np.asarray(points), np.asarray(push)
    step = 1e-3 * push / np.linalg.norm(push, axis=1, keepdims=True)
    before = np.asarray(view.discriminator(points)).ravel()
    after = np.asarray(view.discriminator(points + step)).ravel()
    return float(np.mean(after > before))


def test_arrows_point_where_the_discriminator_says_real(view):
    view.reset()
    view.train(steps=20)
    # spread: every arrow points uphill in all 10 runs (5 seeds, 1 thread and default)
    assert uphill_share(view) > 0.9


def test_learning_rate_controls_reach_the_optimizers(view):
    view.controls["generator_learning_rate"].value = 1e-2
    view.controls["discriminator_learning_rate"].value = 1e-4
    assert float(view._generator_optimizer.learning_rate) == pytest.approx(1e-2)
    assert float(view._discriminator_optimizer.learning_rate) == pytest.approx(1e-4)
    view.controls["generator_learning_rate"].value = 2e-3
    view.controls["discriminator_learning_rate"].value = 2e-3


def test_steps_per_side_and_loss_controls_are_used(view):
    view.reset()
    view.controls["discriminator_steps"].value = 3
    view.controls["generator_loss"].value = "minimax"
    view.train(steps=2)
    assert view.step == 2
    assert all(value <= 0 for value in view.history["generator_loss"])  # mean log(1 - D)
    view.controls["discriminator_steps"].value = 1
    view.controls["generator_loss"].value = "non_saturating"


def test_noise_dimension_rebuilds_the_generator(view):
    view.train(steps=2)
    view.controls["noise_dim"].value = 4
    assert view.generator.input_shape == (None, 4)
    assert view.step == 0
    view.train(steps=1)
    view.controls["noise_dim"].value = 2
    assert view.generator.input_shape == (None, 2)


def test_buttons_step_and_reset(view):
    view.reset()
    view.buttons["step"].click()
    assert view.step == 1
    view.buttons["reset"].click()
    assert view.step == 0


def test_start_trains_in_the_background_and_pause_stops_it(view):
    view.reset()

    async def watch():
        task = view.start()
        assert view.start() is task  # a second start does not run a second game
        for _ in range(200):
            await asyncio.sleep(0.01)  # the event loop stays free between chunks
            if view.step >= 10:
                break
        view.pause()
        await task
        return view.step

    steps = asyncio.run(watch())
    assert steps >= 10
    assert not view.running
    assert view.step == steps  # nothing runs after the pause


def test_training_stops_by_itself_at_max_steps():
    small = _view(max_steps=10)
    asyncio.run(_run_to_end(small))
    assert small.step == 10 and not small.running


async def _run_to_end(view):
    await view.start()


def test_start_outside_an_event_loop_says_what_to_do(view):
    with pytest.raises(RuntimeError, match="train"):
        view.start()


def test_sweep_covers_every_control_and_stays_within_the_latency_budget(view):
    swept = {name for name, _ in view.sweep()}
    assert swept == set(view.controls)
    timing = assert_within_latency_budget(view)
    assert timing["changes"] == len(view.sweep())


def _count_draws(monkeypatch, artist):
    calls = []
    draw = artist.draw
    monkeypatch.setattr(artist, "draw", lambda *args, **kw: calls.append(1) or draw(*args, **kw))
    return calls


def test_a_control_change_redraws_only_what_it_moved(monkeypatch):
    view = _view()
    real, axes = _count_draws(monkeypatch, view._real), _count_draws(monkeypatch, view._plane)
    arrows, settings = (_count_draws(monkeypatch, view._arrows),
                        _count_draws(monkeypatch, view._settings))
    image = view.view.image.value
    view.controls["generator_learning_rate"].value = 1e-2
    view.controls["generator_loss"].value = "minimax"
    assert "G lr 1e-02" in view._settings.get_text()
    assert view.view.image.value != image
    assert len(settings) == len(arrows) == 2
    assert real == [] and axes == [], "a setting moved no real point and no axis"
    view.controls["noise_dim"].value = 4  # a new game: a new plane, on the same axes
    assert len(real) == 1 and axes == []


def test_a_new_game_is_the_game_a_new_explorer_plays():
    played, fresh = _view(seed=2), _view(seed=2)
    played.train(steps=3)
    played.controls["noise_dim"].value = 4
    played.controls["noise_dim"].value = 2  # back to the first generator, reset
    assert played.step == 0
    played.train(steps=3)
    fresh.train(steps=3)
    np.testing.assert_allclose(played.history["generator_loss"],
                               fresh.history["generator_loss"], rtol=1e-6)


def test_bad_input_is_rejected():
    with pytest.raises(ValueError, match=r"\(N, 2\)"):
        explore_adversarial.GanExplorer(np.zeros((10, 3)))
    with pytest.raises(ValueError, match="both"):
        explore_adversarial.GanExplorer(np.zeros((10, 2)), centers=adversarial.ring_centers())
    with pytest.raises(ValueError, match="generator_loss"):
        explore_adversarial.GanExplorer(np.zeros((10, 2)), generator_loss="wasserstein")
    with pytest.raises(ValueError, match="steps"):
        _view().train(steps=0)
