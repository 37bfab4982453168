"""`make site`: every lesson executed and rendered as a web page that works offline.

The whole site is built once, then checked as
files and in headless Chromium: each page exists, carries all its figures and its
explorers' pictures, has no error output, links to its neighbours, loads nothing from
the web, and shows its figures and formulas. Screenshots go to test-artifacts/site/.

A lesson that the notebook tests just ran whole with the same code (`python course.py test`
keeps those runs in test-artifacts/executed/) is rendered from that run; any other lesson is
executed here, which takes a few minutes for the whole course.
"""

from __future__ import annotations

import base64
import json
import re
from pathlib import Path
from urllib.parse import urlparse

import pytest

from tests.browser import artifact_dir, browser  # noqa: F401  (pytest fixture)
from tests.conftest import ROOT
from tools import build_site, release

pytestmark = pytest.mark.slow

LESSONS = sorted(path.name for path in (ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("site")
    pages = build_site.build(out, reuse=ROOT / "test-artifacts" / "executed")
    assert [page.name for page in pages] == ["index.html"] + [
        name.replace(".ipynb", ".html") for name in LESSONS] + [
        f"{name}.html" for name in build_site.DOC_PAGES]
    return out


def image_alts(page: str) -> list[str | None]:
    """The alt text of every <img>, in order (None when it has none), however it is quoted."""
    from html.parser import HTMLParser

    alts: list[str | None] = []

    class Images(HTMLParser):
        def handle_starttag(self, tag, attrs):
            if tag == "img":
                alts.append(dict(attrs).get("alt"))

    Images().feed(page)
    return alts


def images_without_alt(page: str) -> list[str]:
    """<img> tags with no alt text, an empty one, or nbconvert's placeholder."""
    return [f"image {index}: {alt!r}" for index, alt in enumerate(image_alts(page))
            if alt is None or not alt.strip() or "No description has been provided" in alt]


def _executed(site: Path, name: str) -> dict:
    return json.loads((site / "notebooks" / name).read_text(encoding="utf-8"))


def _outputs(notebook: dict):
    for cell in notebook["cells"]:
        yield from cell.get("outputs", [])


def test_the_index_maps_every_lesson_with_its_time(site):
    index = (site / "index.html").read_text(encoding="utf-8")
    for name in LESSONS:
        assert f'href="{name.replace(".ipynb", ".html")}"' in index, name
    assert len(re.findall(r"about \d+ minutes", index)) == len(LESSONS)
    for track in ("Convolutional networks", "Recurrent networks", "Generative adversarial"):
        assert track in index
    assert "You will" in index and "not built" not in index


@pytest.mark.parametrize("name", LESSONS)
def test_each_lesson_page_has_its_figures_and_no_errors(site, name):
    page = (site / name.replace(".ipynb", ".html")).read_text(encoding="utf-8")
    notebook = _executed(site, name)
    outputs = list(_outputs(notebook))
    assert not [output for output in outputs if output["output_type"] == "error"]
    assert "Traceback" not in page
    figures = [output["data"]["image/png"] for output in outputs
               if "image/png" in output.get("data", {})]
    assert figures, f"{name} shows no figure"
    embedded = re.findall(r'src="data:image/png;base64,([^"]+)"', page)
    assert len(embedded) == len(figures), "every figure is on the page, once"
    assert {figure.replace("\n", "") for figure in figures} == set(embedded)
    widgets = [output for output in outputs
               if "application/vnd.jupyter.widget-view+json" in output.get("data", {})]
    assert all("image/png" in output["data"] for output in widgets), \
        "every widget left on the page is an explorer with its picture"
    assert "widget-view+json" not in page, "no live widget that needs a kernel"
    assert "HBox(children=" not in page and "VBox(children=" not in page


@pytest.mark.parametrize("name", LESSONS)
def test_every_figure_has_alt_text_from_its_caption(site, name):
    page = (site / name.replace(".ipynb", ".html")).read_text(encoding="utf-8")
    assert "<img" in page
    assert images_without_alt(page) == [], "a figure without a description for screen readers"
    notebook = _executed(site, name)
    cells = notebook["cells"]
    captions = {build_site.plain_text("".join(after["source"])).split(". ")[0][:60]
                for cell, after in zip(cells, cells[1:])
                if any("image/png" in output.get("data", {}) for output in cell.get("outputs", []))
                and after["cell_type"] == "markdown"
                and "".join(after["source"]).lstrip().startswith("*")}
    assert captions or name == "00_start_here.ipynb", "the lesson's figures have captions"
    alts = set(image_alts(page))
    for caption in captions:  # every italic caption under a figure is read out with it
        assert any(caption in alt for alt in alts), f"no figure is described by {caption!r}"


def test_the_glossary_is_a_page_and_lessons_link_to_it_and_to_colab(site):
    glossary = (site / "glossary.html").read_text(encoding="utf-8")
    assert "mode collapse" in glossary and 'href="01_convolution.html"' in glossary
    prerequisites = (site / "prerequisites.html").read_text(encoding="utf-8")
    assert 'href="00_start_here.html"' in prerequisites and 'href="glossary.html"' in prerequisites
    start = (site / "00_start_here.html").read_text(encoding="utf-8")
    assert 'href="prerequisites.html"' in start
    for name in LESSONS:
        page = (site / name.replace(".ipynb", ".html")).read_text(encoding="utf-8")
        assert 'href="glossary.html"' in page
        colab = release.colab_url(f"notebooks/{name}")
        assert f'href="{colab}"' in page, f"{name}: no Open in Colab link"


@pytest.mark.parametrize("name", LESSONS)
def test_pages_link_to_their_neighbours_and_load_nothing_from_the_web(site, name):
    page = (site / name.replace(".ipynb", ".html")).read_text(encoding="utf-8")
    position = LESSONS.index(name)
    assert 'href="index.html"' in page
    links = {(rel, href) for attributes in re.findall(r"<a ([^>]*)>", page)
             for rel in re.findall(r'rel="(\w+)"', attributes)
             for href in re.findall(r'href="([^"]+)"', attributes)}
    if position > 0:
        assert ("prev", LESSONS[position - 1].replace(".ipynb", ".html")) in links
    if position + 1 < len(LESSONS):
        assert ("next", LESSONS[position + 1].replace(".ipynb", ".html")) in links
    assert not re.findall(r'href="\d\d_\w+\.ipynb"', page), "lessons link to pages"
    for tag, url in re.findall(r'<(script|link|img|iframe)\b[^>]*?(?:src|href)="([^"]+)"',
                               page):
        assert not urlparse(url).scheme.startswith("http"), f"<{tag}> loads {url}"
    for url in re.findall(r'href="([^"#:]+)"', page):  # relative links resolve
        assert (site / url).exists(), f"{name} links to {url}, which is not in the site"


def test_pages_render_in_a_browser_with_figures_and_formulas(site, browser):  # noqa: F811
    screenshots = artifact_dir("site")
    page = browser.new_page(viewport={"width": 1200, "height": 900})
    failed: list[str] = []
    page.on("requestfailed", lambda request: failed.append(request.url)
            if request.url.startswith(("file:", "http")) else None)
    page.on("pageerror", lambda error: failed.append(f"script error: {error}"))
    try:
        documents = [f"{name}.html" for name in build_site.DOC_PAGES]
        for name in ["index.html", *documents] + [lesson.replace(".ipynb", ".html")
                                                  for lesson in LESSONS]:
            page.goto((site / name).as_uri())
            page.wait_for_load_state("load")
            broken = page.evaluate("[...document.images].filter(i => !i.complete || "
                                   "i.naturalWidth === 0).length")
            assert broken == 0, f"{name}: {broken} images did not load"
            if name != "index.html" and name not in documents:
                assert page.locator("nav.course-nav").count() == 2
                assert page.locator(".jp-OutputArea-output img").count() >= 1
            page.screenshot(path=screenshots / name.replace(".html", ".png"), full_page=True)
        page.goto((site / "06_lstm_gru.html").as_uri())
        page.wait_for_function("() => document.querySelectorAll('.MathJax_CHTML, "
                               ".MathJax, mjx-container').length > 10", timeout=30_000)
        assert "$h_t" not in page.inner_text("main"), "formulas are typeset, not raw TeX"
    finally:
        page.close()
    assert not failed, f"requests that failed or script errors: {failed[:5]}"


def test_site_refuses_an_unknown_lesson(tmp_path):
    with pytest.raises(SystemExit, match="no lesson numbered"):
        build_site.build(tmp_path, only=["42"])


def test_a_lesson_without_a_time_line_is_named(tmp_path):
    import nbformat

    path = tmp_path / "42_title.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell(
        "# 42 · Title\n\nNo time estimate.")]), path)
    with pytest.raises(ValueError, match="42_title.ipynb.*Time"):
        build_site.describe(path, "")


def test_prepare_keeps_explorer_pictures_drops_buttons_and_settles_progress_bars():
    import nbformat

    png = base64.b64encode(b"\x89PNG fake").decode()
    view = {"model_id": "x", "version_major": 2, "version_minor": 0}
    cell = nbformat.v4.new_code_cell("explorer", outputs=[
        nbformat.v4.new_output("display_data", data={
            "application/vnd.jupyter.widget-view+json": view, "text/plain": "HBox()"}),
        nbformat.v4.new_output("display_data", data={
            "application/vnd.jupyter.widget-view+json": view, "image/png": png,
            "text/plain": "HBox()"})])
    progress = nbformat.v4.new_code_cell("fit()", outputs=[
        nbformat.v4.new_output("stream", name="stdout", text="\r20/60 [==    ]"),
        nbformat.v4.new_output("stream", name="stdout", text="\b" * 13 + "\r60/60 [======]\n"),
        nbformat.v4.new_output("stream", name="stderr", text="a warning\n")])
    link = nbformat.v4.new_markdown_cell("Next: [02 · Pooling](02_pooling.ipynb).")
    notebook = nbformat.v4.new_notebook(cells=[link, cell, progress],
                                        metadata={"widgets": {"state": 1}})
    build_site.prepare(notebook)
    assert [list(output["data"]) for output in notebook.cells[1].outputs] == [
        ["application/vnd.jupyter.widget-view+json", "image/png", "text/plain"]]
    assert "(02_pooling.html)" in notebook.cells[0].source
    assert "widgets" not in notebook.metadata
    assert [(output["name"], output["text"]) for output in notebook.cells[2].outputs] == [
        ("stdout", "60/60 [======]\n"), ("stderr", "a warning\n")]


def test_progress_bars_are_shown_as_a_terminal_shows_them():
    assert build_site.as_terminal("1/3 [=>  ]\r2/3 [==> ]\r3/3 [====]\n") == "3/3 [====]\n"
    assert build_site.as_terminal("10/60 loss\b\b\b\b\b\b\b\b\b\b20/60 loss") == "20/60 loss"
    assert build_site.as_terminal("step 5\b\b\b\b\b\bstep 50\n") == "step 50\n"
    assert build_site.as_terminal("plain text\nkept") == "plain text\nkept"


def test_links_to_the_course_documents_point_into_the_site_or_to_the_release():
    lesson = "[the glossary](../docs/glossary.md) and [setup](../docs/attendee_setup.md#windows)"
    assert build_site.site_links(lesson) == (
        f"[the glossary](glossary.html) and [setup]({release.home()}/blob/{release.tag()}"
        "/docs/attendee_setup.md#windows)")
    document = "[the glossary](glossary.md), [lesson 00](../notebooks/00_start_here.ipynb)"
    assert build_site.site_links(document, folder="docs") == (
        "[the glossary](glossary.html), [lesson 00](00_start_here.html)")
