"""The module tables in the package docstrings list exactly the modules that exist."""

import pkgutil
import re
from pathlib import Path

import pytest

import course_utils
from course_utils import checks, exercises, explore, models


def _public_modules(package) -> set[str]:
    return {module.name for module in pkgutil.iter_modules(package.__path__)
            if not module.name.startswith("_")}


def _table(docstring: str, prefix: str = "") -> set[str]:
    """The names a module table lists: one indented line per module, its name first."""
    return set(re.findall(rf"^    {re.escape(prefix)}(\w+)  ", docstring, flags=re.MULTILINE))


def test_the_course_utils_table_lists_every_module():
    assert _table(course_utils.__doc__) == _public_modules(course_utils)


def test_the_models_line_lists_every_model_module():
    listed = re.search(r"^    models +.*?: (.+)$", course_utils.__doc__, flags=re.MULTILINE)
    assert listed, "the course_utils table has no models line naming its modules"
    assert set(listed.group(1).replace(" ", "").split(",")) == _public_modules(models)


def test_the_explore_table_lists_every_explorer_module():
    assert _table(explore.__doc__, prefix="explore.") == _public_modules(explore)


def test_the_exercises_table_lists_every_exercise_module():
    assert _table(exercises.__doc__, prefix="exercises.") == _public_modules(exercises)


def test_every_exercise_id_starts_with_its_module():
    ids = {}
    for name in _public_modules(exercises):
        for item in vars(getattr(exercises, name)).values():
            if isinstance(item, checks.Exercise):
                ids[item.id] = name
    assert len(ids) == len(checks.exercises())
    assert {exercise_id: exercise_id.split(".")[0] for exercise_id in ids} == ids


@pytest.mark.parametrize("key", ["conv", "pooling", "digits", "recurrence", "forecast", "gated",
                                 "adversarial", "gan"])
def test_a_lessons_explorer_and_exercises_share_its_key(key):
    assert key in _public_modules(explore) and key in _public_modules(exercises)


def test_a_missing_explorer_module_says_which_exist():
    with pytest.raises(AttributeError, match="the explorer modules are"):
        explore.no_such_lesson  # noqa: B018


@pytest.mark.parametrize("docstring, prefix", [
    ("    env        set_seed\n    data       loaders\n", ""),
    ("    explore.start   a first widget\n", "explore."),
])
def test_the_table_reader_reads_a_table(docstring, prefix):
    assert _table(docstring, prefix) == ({"env", "data"} if not prefix else {"start"})


def test_contributings_map_names_every_module():
    contributing = (Path(course_utils.__file__).parents[1] / "CONTRIBUTING.md").read_text()
    layout = contributing[contributing.index("course_utils/     "):contributing.index("\ntests/ ")]
    named = set(re.findall(r"\b(\w+)(?:\.py\b|/)", layout))
    missing = (_public_modules(course_utils) | {f"_{name}" for name in ("arrays", "lazy")}) - named
    assert not missing, f"CONTRIBUTING.md's layout does not name {sorted(missing)}"
    assert _public_modules(models) <= named, sorted(_public_modules(models) - named)
