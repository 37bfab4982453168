"""The instructor kit is complete and holds together: every piece exists and is linked, the
glossary is linked from every lesson and explains the words it refers to, and the two surveys
ask their comparable questions in the same words."""

from __future__ import annotations

import re

import nbformat
import pytest

from tests.conftest import ROOT

KIT = ["docs/instructor_guide.md", "docs/prerequisites.md", "docs/attendee_setup.md",
       "docs/glossary.md", "docs/helpers_checklist.md", "docs/surveys.md", "CODE_OF_CONDUCT.md"]
LESSONS = sorted((ROOT / "notebooks").glob("*.ipynb"))


@pytest.mark.parametrize("page", KIT[1:])
def test_every_piece_of_the_kit_is_linked_from_the_guide_and_the_readme(page):
    assert (ROOT / page).exists()
    guide = (ROOT / "docs" / "instructor_guide.md").read_text()
    readme = (ROOT / "README.md").read_text()
    from_guide = page.removeprefix("docs/") if page.startswith("docs/") else f"../{page}"
    assert f"]({from_guide})" in guide, f"the instructor guide does not link {page}"
    assert f"]({page})" in readme, f"the README does not link {page}"


@pytest.mark.parametrize("path", LESSONS, ids=[path.name for path in LESSONS])
def test_every_lesson_links_the_glossary_at_the_top(path):
    first = nbformat.read(path, as_version=4).cells[0].source
    assert "](../docs/glossary.md)" in first


def _glossary() -> dict[str, str]:
    text = (ROOT / "docs" / "glossary.md").read_text()
    return {match.group(1).lower(): match.group(0)
            for match in re.finditer(r"^\| \*\*(.+?)\*\* \|.*$", text, re.MULTILINE)}


def test_the_glossary_explains_what_it_refers_to_and_names_real_lessons():
    entries = _glossary()
    assert len(entries) >= 40
    names = {term.split(" (")[0] for term in entries}
    for term, row in entries.items():
        for reference in re.findall(r"\*([^*|]+?)\*", row.replace(f"**{term}**", "")):
            word = reference.lower().rstrip("s")
            assert any(name.startswith(word) or word.startswith(name) for name in names), \
                f"{term!r} refers to *{reference}*, which has no entry"
        lessons = row.rstrip(" |").rsplit("|", 1)[-1]
        for number in re.findall(r"\d\d", lessons):
            assert any(path.name.startswith(number) for path in LESSONS), f"{term}: {number}"
    for term in ("convolution", "hidden state", "mode collapse", "receptive field"):
        assert term in entries, term


def test_the_surveys_ask_the_compared_questions_in_the_same_words():
    text = (ROOT / "docs" / "surveys.md").read_text()
    before, after = text.split("## Post-workshop survey")
    before = before.split("## Pre-workshop survey")[1]
    after = after.split("## Reading the answers")[0]

    def compared(section: str) -> list[str]:
        return [" ".join(question.split()) for question in
                re.findall(r"★ (.+?)(?=\n\d+\. |\Z)", section, re.DOTALL)]

    assert len(compared(before)) >= 4
    assert compared(before) == compared(after)
    for way in ("Binder", "Colab", "Codespaces", "workshop server"):
        assert way in " ".join(before.split()) and way in " ".join(after.split())


def test_the_code_of_conduct_says_how_to_report():
    text = (ROOT / "CODE_OF_CONDUCT.md").read_text()
    assert "## Reporting" in text and "## What happens next" in text
