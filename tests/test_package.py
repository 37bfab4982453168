"""The module tables in the package docstrings list exactly the modules that exist."""

import pkgutil
import re

import pytest

import course_utils
from course_utils import explore, models


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


@pytest.mark.parametrize("docstring, prefix", [
    ("    env        set_seed\n    data       loaders\n", ""),
    ("    explore.start   a first widget\n", "explore."),
])
def test_the_table_reader_reads_a_table(docstring, prefix):
    assert _table(docstring, prefix) == ({"env", "data"} if not prefix else {"start"})
