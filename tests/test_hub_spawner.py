"""hub/spawner.py: a port is never handed to two learners' servers of the same hub."""

from __future__ import annotations

from hub import spawner


def test_a_port_is_never_handed_out_twice(monkeypatch):
    draws = iter([50001, 50001, 50001, 50002])
    monkeypatch.setattr(spawner, "random_port", lambda: next(draws))
    monkeypatch.setattr(spawner.CourseSpawner, "_ports_in_use", set())
    first = spawner.CourseSpawner._unique_port(spawner.CourseSpawner)
    second = spawner.CourseSpawner._unique_port(spawner.CourseSpawner)
    assert (first, second) == (50001, 50002)


def test_learners_get_the_courses_jupyterlab_settings_from_binder(tmp_path, monkeypatch):
    (tmp_path / "binder").mkdir()
    (tmp_path / "binder" / "overrides.json").write_text(
        '{"@jupyterlab/notebook-extension:tracker": {"kernelShutdown": true}}')
    monkeypatch.setattr(spawner, "ROOT", tmp_path)
    settings = spawner._lab_settings()
    assert settings["@jupyterlab/notebook-extension/tracker.jupyterlab-settings"] == \
        {"kernelShutdown": True}
    assert "@jupyterlab/apputils-extension/notification.jupyterlab-settings" in settings
