"""Render the course as a static web site: every lesson executed, readable without a kernel.

    python -m tools.build_site                 execute every lesson, write _site/
    python -m tools.build_site --only 00 01    just these lessons (the index lists them all)
    python -m tools.build_site --reuse DIR     render the runs the notebook tests saved in DIR
                                               (unchanged lessons are not executed again)

Each lesson is executed top to bottom, then rendered by nbconvert's JupyterLab template:
its figures are embedded, each explorer shows the picture of its initial state (the PNG
every explorer displays beside its live widget), and buttons that only work with a kernel
are left out. Every figure's alt text is its caption, the italic paragraph under its cell
(an explorer's picture: the text that introduces it). The executed notebooks are saved beside
the pages (_site/notebooks/), to download and open in JupyterLab; each page also links to
the lesson in Colab at the release tag, and to the glossary and the prerequisites (docs/glossary.md
and docs/prerequisites.md, as pages). Formulas are typeset by a copy of MathJax shipped in the site, so the pages
work offline. _site/index.html is the lesson map; every lesson page links to the index and
to the lessons before and after it. A lesson that raises an error stops the build.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import functools
import html
import multiprocessing
import os
import re
import shutil
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import nbformat

from tools import nbtools, release

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
DOCS = ROOT / "docs"
# the course's documents that lessons link to, rendered as pages of the site: name -> title
DOC_PAGES = {"glossary": "Glossary", "prerequisites": "Before you start: prerequisites"}
TEMPLATES = Path(__file__).resolve().parent / "site_templates"
MATHJAX = "_static/mathjax/MathJax.js?config=TeX-AMS-MML_HTMLorMML-full,Safe"
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
# what a page shows of an output, best first; live widgets and scripts need a kernel
DISPLAY_PRIORITY = ["text/html", "text/markdown", "image/svg+xml", "text/latex", "image/png",
                    "image/jpeg", "text/plain"]
TRACKS = [("Start", ["00"]),
          ("Convolutional networks: images", ["01", "02", "03"]),
          ("Recurrent networks: sequences", ["04", "05", "06"]),
          ("Generative adversarial networks: generating data", ["07", "08"]),
          ("Putting it together", ["09"])]


@dataclass
class Lesson:
    path: Path
    number: str
    title: str
    summary: str
    time: str

    @property
    def page(self) -> str:
        return self.path.stem + ".html"


def describe(path: Path, readme: str) -> Lesson:
    """Number, title and time estimate from the lesson's first cell; what the learner will
    do from the README's lesson table (the course's lesson map)."""
    first = nbformat.read(path, as_version=4).cells[0].source
    heading = re.search(r"^# (.+)$", first, re.MULTILINE)
    estimate = re.search(r"\*\*Time:\*\*\s*(about \d+ minutes)", first)
    if heading is None or estimate is None:
        raise ValueError(f"{path.name}: the first cell needs a '# NN · Title' heading and a "
                         "'**Time:** about N minutes.' line (see templates/lesson_template.ipynb)")
    row = re.search(rf"^\|\s*{path.name[:2]}\s*\|[^|]*\|([^|]+)\|", readme, re.MULTILINE)
    summary = re.sub(r"[*`]", "", row.group(1)).strip() if row else ""
    title = heading.group(1).split("·", 1)[-1].strip()
    return Lesson(path, path.name[:2], title, summary, estimate.group(1))


def prepare(notebook: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Make an executed lesson fit for a static page.

    Links to other lessons point at their pages; outputs that are only a live widget
    (hint and solution buttons, for instance) are dropped, since they need a kernel;
    the stored widget state is dropped, so no widget script is fetched from the web.
    """
    for index, cell in enumerate(notebook.cells):
        if cell.cell_type == "markdown":  # a lesson's page has its notebook's name
            cell.source = site_links(cell.source)
        elif cell.cell_type == "code":
            cell.outputs = _merge_streams([output for output in cell.outputs
                                           if not _widget_only(output)])
            pictures = [output for output in cell.outputs if "image/png" in output.get("data", {})]
            for number, output in enumerate(pictures, start=1):
                text = alt_text(notebook.cells, index)
                if len(pictures) > 1:
                    text += f" (picture {number} of {len(pictures)})"
                output.setdefault("metadata", {})["alt"] = text
    notebook.metadata.pop("widgets", None)
    return notebook


def site_links(markdown: str, folder: str = "notebooks") -> str:
    """Links to lessons and to the course's documents, as the site names them. ``folder``:
    where the markdown lives ("notebooks" or "docs"), which decides what its relative links
    mean. A document the site does not hold links to the repository at the release tag."""
    markdown = re.sub(r"\]\((?:\.\./notebooks/)?(\d\d_\w+)\.ipynb", r"](\1.html", markdown)
    docs = "" if folder == "docs" else "../docs/"

    def document(found: re.Match) -> str:
        name, anchor = found.group(1), found.group(2) or ""
        if name in DOC_PAGES:
            return f"]({name}.html{anchor}"
        return f"]({release.home()}/blob/{release.tag()}/docs/{name}.md{anchor}"

    return re.sub(rf"\]\({re.escape(docs)}(\w+)\.md(#[\w-]+)?", document, markdown)


def alt_text(cells: list, index: int) -> str:
    """What a screen reader says for the figures of cell ``index``: the caption beside them.

    A lesson captions a figure in the italic paragraph right under its cell ('*Figure: ...*').
    An explorer has no caption: its picture is described by the text that introduces it.
    """
    after = cells[index + 1] if index + 1 < len(cells) else None
    if after is not None and after.cell_type == "markdown" and after.source.lstrip().startswith("*"):
        return plain_text(after.source.strip().split("\n\n")[0])
    before = cells[index - 1] if index > 0 else None
    if before is not None and before.cell_type == "markdown":
        paragraphs = [part for part in before.source.strip().split("\n\n")
                      if not part.lstrip().startswith("#")]
        if paragraphs:
            kind = ("Explorer, shown at its starting state (its controls need a kernel): "
                    if "explorer" in cells[index].source.lower() else "Figure: ")
            return kind + plain_text(paragraphs[-1])
    raise ValueError(f"cell {index} shows a figure without a caption: add an italic paragraph "
                     "'*Figure: what it shows.*' in a markdown cell right under it")


def plain_text(markdown: str) -> str:
    """Markdown as one line of plain text: links keep their words, emphasis and code marks go."""
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", markdown)
    text = re.sub(r"[*_`]+", "", text)
    text = re.sub(r"\$([^$]*)\$", r"\1", text)
    return " ".join(text.split())


def as_terminal(text: str) -> str:
    """Text as a terminal shows it: a carriage return goes back to the start of the line, a
    backspace one character, and what follows overwrites. Progress bars redraw themselves
    this way; JupyterLab shows the result, a web page would show the control characters."""
    lines, line, cursor = [], [], 0
    for character in text:
        if character == "\n":
            lines.append("".join(line))
            line, cursor = [], 0
        elif character == "\r":
            cursor = 0
        elif character == "\b":
            cursor = max(0, cursor - 1)
        else:
            if cursor < len(line):
                line[cursor] = character
            else:
                line.append(character)
            cursor += 1
    return "\n".join([*lines, "".join(line)])


def _merge_streams(outputs: list) -> list:
    """Consecutive prints to the same stream as one output, read as a terminal would (a
    progress bar's update erases the previous one with backspaces across outputs)."""
    merged: list = []
    for output in outputs:
        if (output.output_type == "stream" and merged and merged[-1].output_type == "stream"
                and merged[-1].name == output.name):
            merged[-1].text += output.text
        else:
            merged.append(output)
    for output in merged:
        if output.output_type == "stream":
            output.text = as_terminal(output.text)
    return merged


def _widget_only(output: nbformat.NotebookNode) -> bool:
    data = output.get("data", {})
    return WIDGET_VIEW in data and not set(data) - {WIDGET_VIEW, "text/plain"}


@functools.cache
def _exporter() -> Any:
    """nbconvert's HTML exporter with the course template, made once per build."""
    from nbconvert import HTMLExporter
    from traitlets.config import Config

    config = Config()
    config.NbConvertBase.display_data_priority = DISPLAY_PRIORITY
    config.HTMLExporter.mathjax_url = MATHJAX
    return HTMLExporter(config=config, template_name="course",
                        extra_template_basedirs=[str(TEMPLATES)])


def render(notebook: nbformat.NotebookNode, lesson: Lesson, lessons: list[Lesson]) -> str:
    notebook.metadata["title"] = f"{lesson.number} · {lesson.title}"
    body, _ = _exporter().from_notebook_node(notebook, resources={"course_nav": navigation(
        lesson, lessons)})
    return body


def navigation(lesson: Lesson, lessons: list[Lesson]) -> str:
    """Links to the index and to the lessons before and after this one."""
    index = lessons.index(lesson)
    parts = []
    if index > 0:
        before = lessons[index - 1]
        parts.append(f'<a rel="prev" href="{before.page}">&larr; {before.number} · '
                     f'{html.escape(before.title)}</a>')
    colab = release.colab_url(f"notebooks/{lesson.path.name}")
    parts.append(f'<span><a href="index.html">All lessons</a> · <a href="notebooks/'
                 f'{lesson.path.name}" download>this notebook, run</a> · '
                 f'<a class="colab" href="{colab}">Open in Colab</a> · '
                 '<a href="glossary.html">Glossary</a></span>')
    if index + 1 < len(lessons):
        after = lessons[index + 1]
        parts.append(f'<a rel="next" href="{after.page}">{after.number} · '
                     f'{html.escape(after.title)} &rarr;</a>')
    return '<nav class="course-nav">' + "".join(parts) + "</nav>"


def index_page(lessons: list[Lesson], built: set[str]) -> str:
    """The lesson map: every lesson by track, with its time estimate."""
    by_number = {lesson.number: lesson for lesson in lessons}
    sections = []
    for track, numbers in TRACKS:
        rows = []
        for number in numbers:
            lesson = by_number.pop(number, None)
            if lesson is None:
                continue
            title = html.escape(lesson.title)
            link = (f'<a href="{lesson.page}">{title}</a>' if lesson.number in built
                    else f"{title} <em>(not built)</em>")
            summary = (f"<br><span class='summary'>You will {html.escape(lesson.summary)}</span>"
                       if lesson.summary else "")
            rows.append(f"<tr><td>{lesson.number}</td><td>{link}{summary}</td>"
                        f"<td class='time'>{html.escape(lesson.time)}</td></tr>")
        if rows:
            sections.append(f"<h2>{html.escape(track)}</h2><table>{''.join(rows)}</table>")
    if by_number:
        raise ValueError(f"lessons {sorted(by_number)} are in no track: add them to TRACKS")
    start = "notebooks/00_start_here.ipynb"
    return (TEMPLATES / "index.html").read_text(encoding="utf-8").replace(
        "{{ lessons }}", "\n".join(sections)).replace(
        "{{ binder }}", html.escape(release.binder_url(start))).replace(
        "{{ colab }}", html.escape(release.colab_url(start)))


def build(out: Path, only: list[str] | None = None, timeout: int = 900,
          reuse: Path | None = None) -> list[Path]:
    """Execute and render the lessons into ``out``; returns the pages written.

    ``reuse``: a folder of notebooks already executed by the notebook tests
    (tests/executed_notebooks.py); a lesson found there with the fingerprint of the current
    code is rendered from that run instead of being executed again.
    """
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    lessons = [describe(path, readme) for path in sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))]
    unknown = set(only or []) - {lesson.number for lesson in lessons}
    if unknown:
        raise SystemExit(f"no lesson numbered {sorted(unknown)}: choose among "
                         f"{[lesson.number for lesson in lessons]}")
    chosen = [lesson for lesson in lessons if not only or lesson.number in only]
    out.mkdir(parents=True, exist_ok=True)
    _copy_mathjax(out / "_static" / "mathjax")
    pages = []
    # one lesson's kernel keeps about 1.2 cores busy: two at a time fill a 2-core machine
    workers = max(1, min(2, os.cpu_count() or 1, len(chosen)))
    # spawn, not fork: the caller (a test run, say) may hold threads that fork would copy
    context = multiprocessing.get_context("spawn")
    with concurrent.futures.ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        saved = {lesson.number: _saved_run(lesson.path, reuse) for lesson in chosen}
        running = [None if saved[lesson.number] else pool.submit(_executed, lesson.path, timeout)
                   for lesson in chosen]
        for lesson, future in zip(chosen, running, strict=True):
            if future is None:
                notebook = saved[lesson.number]
                _render(notebook, lesson, lessons, out, pages, "rendered from the notebook tests' run")
                continue
            try:
                notebook, seconds = future.result()
            except Exception as error:  # CellExecutionError, DeadKernelError, timeouts
                for other in running:
                    other.cancel()
                raise SystemExit(f"{lesson.path.name} failed while executing, so the site was "
                                 f"not finished:\n{error}\nRun `python course.py "
                                 f"test-notebook notebooks/{lesson.path.name}` to see the "
                                 "failing cell.") from None
            _render(notebook, lesson, lessons, out, pages, f"executed in {seconds:.0f} s")
    index = out / "index.html"
    index.write_text(index_page(lessons, {lesson.number for lesson in chosen}),
                     encoding="utf-8")
    documents = []
    for name in DOC_PAGES:
        documents.append(out / f"{name}.html")
        documents[-1].write_text(document_page(name), encoding="utf-8")
    return [index, *pages, *documents]


def _render(notebook: nbformat.NotebookNode, lesson: Lesson, lessons: list[Lesson], out: Path,
            pages: list[Path], how: str) -> None:
    prepare(notebook)
    (out / "notebooks").mkdir(exist_ok=True)
    nbformat.write(notebook, out / "notebooks" / lesson.path.name)
    page = out / lesson.page
    page.write_text(render(notebook, lesson, lessons), encoding="utf-8")
    pages.append(page)
    print(f"{page.relative_to(out)}: {how}", flush=True)


def _saved_run(path: Path, folder: Path | None) -> nbformat.NotebookNode | None:
    """The lesson as the notebook tests executed it, if that run used the current code."""
    saved = folder / path.name if folder else None
    if saved is None or not saved.exists():
        return None
    notebook = nbformat.read(saved, as_version=4)
    if notebook.metadata.pop(nbtools.RUN_DIGEST_KEY, None) != nbtools.run_digest(path):
        return None
    return notebook


def _executed(path: Path, timeout: int) -> tuple[nbformat.NotebookNode, float]:
    """The lesson at ``path`` executed top to bottom in a fresh kernel, and the seconds it took."""
    began = time.perf_counter()
    notebook = nbformat.read(path, as_version=4)
    nbtools.execute(notebook, path, timeout=timeout)
    return notebook, time.perf_counter() - began


def document_page(name: str) -> str:
    """docs/<name>.md as a page of the site, in the lessons' look."""
    text = site_links((DOCS / f"{name}.md").read_text(encoding="utf-8"), folder="docs")
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell(text)],
                                        metadata={"title": DOC_PAGES[name]})
    nav = ('<nav class="course-nav"><span><a href="index.html">All lessons</a></span></nav>')
    body, _ = _exporter().from_notebook_node(notebook, resources={"course_nav": nav})
    return body


def _copy_mathjax(target: Path) -> None:
    try:
        import jupyter_server_mathjax
    except ImportError:
        raise SystemExit("the site needs MathJax: pip install -r requirements-dev.txt") from None
    source = Path(jupyter_server_mathjax.__file__).parent / "static"
    if not target.exists():
        shutil.copytree(source, target)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=ROOT / "_site",
                        help="folder to write the site into (default: _site)")
    parser.add_argument("--only", nargs="+", metavar="NN",
                        help="build only these lessons, by number")
    parser.add_argument("--timeout", type=int, default=900, help="seconds per cell")
    parser.add_argument("--reuse", type=Path, metavar="DIR",
                        help="render the lessons the notebook tests executed into DIR "
                             "(pytest --save-executed DIR) when the code is unchanged, "
                             "instead of executing them again")
    args = parser.parse_args(argv)
    began = time.perf_counter()
    pages = build(args.out, args.only, args.timeout, args.reuse)
    print(f"wrote {len(pages)} pages to {args.out} in {time.perf_counter() - began:.0f} s; "
          f"open {args.out / 'index.html'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
