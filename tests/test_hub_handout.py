"""hub/handout.py: new lessons reach a learner's folder, their own work is never overwritten."""

from __future__ import annotations

from hub.handout import sync


def _course(tmp_path, lessons: dict[str, str]):
    course = tmp_path / "course"
    course.mkdir(exist_ok=True)
    for name, text in lessons.items():
        (course / name).write_text(text)
    return course


def test_first_handout_copies_every_lesson(tmp_path):
    course = _course(tmp_path, {"00.ipynb": "a", "01.ipynb": "b"})
    done = sync(tmp_path / "ada", course)
    assert done["copied"] == ["00.ipynb", "01.ipynb"]
    assert (tmp_path / "ada" / "notebooks" / "01.ipynb").read_text() == "b"


def test_update_replaces_untouched_lessons_and_keeps_changed_ones(tmp_path):
    course = _course(tmp_path, {"00.ipynb": "a", "01.ipynb": "b"})
    home = tmp_path / "ada"
    sync(home, course)
    (home / "notebooks" / "00.ipynb").write_text("ada's answers")
    _course(tmp_path, {"00.ipynb": "a, fixed", "01.ipynb": "b, fixed", "02.ipynb": "c"})
    done = sync(home, course)
    assert done == {"copied": ["02.ipynb"], "updated": ["01.ipynb"], "kept": ["00.ipynb"]}
    assert (home / "notebooks" / "00.ipynb").read_text() == "ada's answers"
    assert (home / "notebooks" / "01.ipynb").read_text() == "b, fixed"
    # the next handout still knows 00 is the learner's own
    _course(tmp_path, {"00.ipynb": "a, fixed twice"})
    assert sync(home, course)["kept"] == ["00.ipynb"]


def test_only_lessons_are_handed_out(tmp_path):
    course = _course(tmp_path, {"00.ipynb": "a", "course_progress.json": "{}", ".hidden": ""})
    assert sync(tmp_path / "ada", course)["copied"] == ["00.ipynb"]
    assert not (tmp_path / "ada" / "notebooks" / "course_progress.json").exists()


def test_a_deleted_lesson_comes_back(tmp_path):
    course = _course(tmp_path, {"00.ipynb": "a"})
    home = tmp_path / "ada"
    sync(home, course)
    (home / "notebooks" / "00.ipynb").unlink()
    assert sync(home, course)["copied"] == ["00.ipynb"]


def test_a_learners_own_file_with_a_lessons_name_is_kept(tmp_path):
    home = tmp_path / "ada"
    (home / "notebooks").mkdir(parents=True)
    (home / "notebooks" / "00.ipynb").write_text("mine")
    course = _course(tmp_path, {"00.ipynb": "a"})
    assert sync(home, course)["kept"] == ["00.ipynb"]
    assert (home / "notebooks" / "00.ipynb").read_text() == "mine"
