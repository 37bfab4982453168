"""Figures everyone can read: alt text on the site, colours that survive colour blindness, and
figures that stay legible in JupyterLab's dark theme.

- The static site describes every figure with its caption (tools/build_site.py); the whole
  site is checked in tests/test_site.py, the mechanism here on a small notebook.
- Every colour the course draws with, and every colour map, is run through colorspacious'
  simulation of the three colour-vision deficiencies (protanomaly, deuteranomaly,
  tritanomaly, at full severity) and measured in CAM02-UCS, a space where distance follows
  perceived difference.
- One lesson cell that draws a figure runs in JupyterLab with the "JupyterLab Dark" theme,
  and the screenshot's pixels show the figure on its own opaque, light background.
"""

from __future__ import annotations

import ast
import base64
import itertools
import json
import re
from pathlib import Path

import matplotlib
import nbformat
import numpy as np
import pytest
from matplotlib import colors as mcolors

from tests.browser import artifact_dir, browser  # noqa: F401  (pytest fixture)
from tests.conftest import ROOT
from tools import build_site

DEFICIENCIES = ["protanomaly", "deuteranomaly", "tritanomaly"]
# A CAM02-UCS distance of about 1 is just noticeable between two large patches side by side.
# Lines, markers and small cells are thin and seen apart, against a legend: ask for 10, the
# distance the Okabe-Ito palette (made for colour-blind readers) keeps between its colours
# under every simulated deficiency (11.7 at its closest, blue and bluish green, tritanomaly).
MIN_DISTANCE = 10.0
# reference lines mark a position and are read by their place and dashes, not matched to a
# legend by colour (a grey dotted "now" line beside a green series, for instance)
REFERENCE_CALLS = {"axhline", "axvline", "axline", "axhspan", "axvspan", "grid"}
COLOUR_KEYWORDS = {"color", "colors", "c", "edgecolor", "edgecolors", "facecolor", "facecolors",
                   "markerfacecolor", "markeredgecolor"}
# qualitative maps are used for a few categories: the values a figure draws with them
QUALITATIVE = {"Set3": ("lesson 02: four pooling windows, values 0-3 on a 0-7 scale",
                        [value / 7 for value in range(4)])}
DIVERGING = {"RdBu", "RdBu_r", "PuOr", "PuOr_r", "coolwarm", "bwr", "seismic", "BrBG"}


# ------------------------------------------------------------------------------ alt text


def _figure_png() -> str:
    import io

    from matplotlib.figure import Figure

    figure = Figure(figsize=(1, 1))
    figure.add_subplot().plot([0, 1])
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return base64.b64encode(buffer.getvalue()).decode()


def _lesson_with_figures() -> nbformat.NotebookNode:
    png = _figure_png()
    view = {"model_id": "x", "version_major": 2, "version_minor": 0}
    new = nbformat.v4
    return new.new_notebook(cells=[
        new.new_markdown_cell("# 42 · Title\n\n**Time:** about 5 minutes."),
        new.new_code_cell("plt.show()", outputs=[new.new_output(
            "display_data", data={"image/png": png, "text/plain": "<Figure>"})]),
        new.new_markdown_cell("*Figure: a rising `line`, from [zero](x.ipynb) to one.*\n\n"
                              "More text."),
        new.new_markdown_cell("## Explore\n\nMove the slider: the filter sweeps the photo."),
        new.new_code_cell("explorer = Explorer()\nexplorer", outputs=[new.new_output(
            "display_data", data={"application/vnd.jupyter.widget-view+json": view,
                                  "image/png": png, "text/plain": "HBox()"})]),
        new.new_code_cell("two()", outputs=[new.new_output(
            "display_data", data={"image/png": png}) for _ in range(2)]),
        new.new_markdown_cell('*Two "quoted" pictures.*'),
    ])


def _alts(page: str) -> list[str | None]:
    from tests.test_site import image_alts

    return image_alts(page)


def test_figures_are_described_by_their_captions():
    notebook = build_site.prepare(_lesson_with_figures())
    lesson = build_site.Lesson(Path("42_title.ipynb"), "42", "Title", "", "about 5 minutes")
    page = build_site.render(notebook, lesson, [lesson])
    assert page.count("<img") == 4
    assert "No description has been provided" not in page
    assert _alts(page) == [
        "Figure: a rising line, from zero to one.",
        "Explorer, shown at its starting state (its controls need a kernel): Move the slider: "
        "the filter sweeps the photo.",
        'Two "quoted" pictures. (picture 1 of 2)', 'Two "quoted" pictures. (picture 2 of 2)']


def test_a_figure_without_a_caption_stops_the_build_and_says_how_to_fix_it():
    notebook = _lesson_with_figures()
    notebook.cells[0] = nbformat.v4.new_code_cell("import x")
    notebook.cells[1:3] = [notebook.cells[1]]
    with pytest.raises(ValueError, match=r"cell 1 shows a figure without a caption.*\*Figure"):
        build_site.prepare(notebook)


# ------------------------------------------------------------------------------ colour


def _simulate(rgb: np.ndarray, deficiency: str | None) -> np.ndarray:
    from colorspacious import cspace_convert

    if deficiency is None:
        return rgb
    space = {"name": "sRGB1+CVD", "cvd_type": deficiency, "severity": 100}
    return np.clip(cspace_convert(rgb, space, "sRGB1"), 0, 1)


def _distance(first: np.ndarray, second: np.ndarray) -> float:
    from colorspacious import deltaE

    return float(deltaE(first, second, input_space="sRGB1", uniform_space="CAM02-UCS"))


def _lightness(rgb: np.ndarray) -> np.ndarray:
    from colorspacious import cspace_convert

    return cspace_convert(rgb, "sRGB1", "CAM02-UCS")[..., 0]


def _colour(value: object) -> tuple[float, float, float] | None:
    if isinstance(value, str) and mcolors.is_color_like(value) and not re.fullmatch(
            r"C\d|none", value):
        return mcolors.to_rgb(value)
    return None


def _code_units() -> list[tuple[str, ast.AST]]:
    """Every notebook cell and every function of course_utils: the places a figure is drawn."""
    units = []
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        for index, cell in enumerate(nbformat.read(path, as_version=4).cells):
            if cell.cell_type == "code":
                source = "\n".join(line for line in cell.source.splitlines()
                                   if not line.startswith(("%", "!")))
                units.append((f"{path.name} cell {index}", ast.parse(source)))
    for path in sorted((ROOT / "course_utils").rglob("*.py")):
        tree = ast.parse(path.read_text())
        units += [(f"{path.relative_to(ROOT)}:{node.name}", node) for node in ast.walk(tree)
                  if isinstance(node, ast.FunctionDef)]
    return units


def _literal_colours(node: ast.AST) -> list[tuple[float, float, float]]:
    found = []
    for call in ast.walk(node):
        if not isinstance(call, ast.Call) or (isinstance(call.func, ast.Attribute)
                                              and call.func.attr in REFERENCE_CALLS):
            continue
        for keyword in call.keywords:
            if keyword.arg in COLOUR_KEYWORDS:
                values = ([keyword.value] if not isinstance(keyword.value, ast.List | ast.Tuple)
                          else keyword.value.elts)
                for value in values:
                    if isinstance(value, ast.Constant) and (rgb := _colour(value.value)):
                        found.append(rgb)
    return sorted(set(found))


def _colour_maps() -> set[str]:
    names = set()
    for _, node in _code_units():
        for call in ast.walk(node):
            if isinstance(call, ast.Call):
                names |= {keyword.value.value for keyword in call.keywords
                          if keyword.arg == "cmap" and isinstance(keyword.value, ast.Constant)}
            if isinstance(call, ast.Attribute) and isinstance(call.value, ast.Attribute) \
                    and call.value.attr == "cm" and call.attr in matplotlib.colormaps:
                names.add(call.attr)
    return names


def test_colours_drawn_together_stay_apart_for_colour_blind_readers():
    """Two colours of one figure that normal vision tells apart stay apart under each
    simulated deficiency (colours meant to look alike, such as two greys, are left alone)."""
    checked, failures = 0, []
    for place, node in _code_units():
        colours = np.array(_literal_colours(node))
        for first, second in itertools.combinations(range(len(colours)), 2):
            pair = colours[[first, second]]
            if _distance(*pair) < MIN_DISTANCE:
                continue
            checked += 1
            for deficiency in DEFICIENCIES:
                simulated = _simulate(pair, deficiency)
                if _distance(*simulated) < MIN_DISTANCE:
                    failures.append(f"{place}: {mcolors.to_hex(pair[0])} and "
                                    f"{mcolors.to_hex(pair[1])} under {deficiency}: "
                                    f"{_distance(*simulated):.1f}")
    assert checked >= 20, f"only {checked} pairs of colours found: is the scan still working?"
    assert not failures, ("colours that colour-blind readers cannot tell apart (use the "
                          "Okabe-Ito colours, as the lessons do):\n" + "\n".join(failures))


def test_the_scan_would_catch_red_against_green():
    tree = ast.parse('axis.plot(x, color="#d62728")\naxis.plot(x, color="#2ca02c")')
    pair = np.array(_literal_colours(tree))
    assert len(pair) == 2 and _distance(*pair) > MIN_DISTANCE
    assert min(_distance(*_simulate(pair, kind)) for kind in DEFICIENCIES) < MIN_DISTANCE


@pytest.mark.parametrize("deficiency", [None, *DEFICIENCIES])
def test_colour_maps_keep_their_order_for_colour_blind_readers(deficiency):
    """Sequential maps stay ordered in lightness; diverging maps keep two distinct ends and an
    ordered half on each side; qualitative maps keep the colours a figure uses apart."""
    names = _colour_maps()
    assert {"gray_r", "viridis", "RdBu"} <= names, names
    for name in sorted(names):
        colour_map = matplotlib.colormaps[name]
        if name in QUALITATIVE:
            used = _simulate(np.array([colour_map(value)[:3]
                                       for value in QUALITATIVE[name][1]]), deficiency)
            closest = min(_distance(*used[[i, j]])
                          for i, j in itertools.combinations(range(len(used)), 2))
            assert closest >= MIN_DISTANCE, f"{name} ({QUALITATIVE[name][0]}): {closest:.1f}"
            continue
        assert colour_map.N >= 64 and not name.startswith(("Pastel", "Set", "tab", "Paired",
                                                           "Accent", "Dark2")), \
            f"{name} is qualitative: add the values a figure uses to QUALITATIVE"
        samples = _simulate(colour_map(np.linspace(0, 1, 65))[:, :3], deficiency)
        lightness = _lightness(samples)
        if name in DIVERGING:
            middle = int(np.argmax(lightness))
            halves = [lightness[:middle + 1], lightness[middle:][::-1]]
            assert 16 <= middle <= 48, f"{name}: the light centre moved to sample {middle}"
            # the ends carry opposite signs: twice the distance asked of two line colours
            ends = _distance(samples[0], samples[-1])
            assert ends >= 2 * MIN_DISTANCE, f"{name}: the two ends are {ends:.1f} apart"
        else:
            halves = [lightness if lightness[-1] > lightness[0] else lightness[::-1]]
        for half in halves:
            assert np.all(np.diff(half) > 0), f"{name}: lightness is not ordered"
            assert half[-1] - half[0] >= 3 * MIN_DISTANCE, f"{name}: too little contrast"


# ------------------------------------------------------------------------------ dark theme


def _light_edges(png: bytes, what: str) -> None:
    """The picture's outer band is light: it has its own opaque background."""
    from io import BytesIO

    from PIL import Image

    pixels = np.asarray(Image.open(BytesIO(png)).convert("RGB")).astype(float)
    border = np.concatenate([pixels[:4].reshape(-1, 3), pixels[-4:].reshape(-1, 3),
                             pixels[:, :4].reshape(-1, 3), pixels[:, -4:].reshape(-1, 3)])
    assert border.mean() > 200, (f"{what}: its edge is dark, so it is transparent and shows the "
                                 "dark page: its black text would be unreadable")
    dark = (pixels.mean(axis=2) < 80).mean()
    assert 0.002 < dark < 0.5, f"{what}: its dark ink (text, axes) covers {dark:.1%}"


@pytest.mark.slow
def test_figures_stay_readable_in_the_dark_theme(tmp_path, browser):  # noqa: F811
    """Lesson 01's first figure (black numbers on coloured cells) and its explorer, in
    JupyterLab Dark: each keeps its own light background. JupyterLab puts a light backdrop
    behind a transparent inline figure, but not behind an explorer's picture, which is an
    image widget: an explorer with a transparent figure would be black on near-black."""
    from tests.jupyter_server import LabServer

    screenshots = artifact_dir("dark-theme")
    (tmp_path / "notebooks").mkdir()
    notebook = nbformat.read(ROOT / "notebooks" / "01_convolution.ipynb", 4)
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    # the idea in a picture: numbers in black on coloured cells, drawn from scratch
    figure_cell = next(cell for cell in code if cell.source.startswith("grid = np.array"))
    explorer_cell = next(cell for cell in code if "Explorer(" in cell.source
                         and cell.source.rstrip().endswith("explorer"))
    nbformat.write(nbformat.v4.new_notebook(cells=[*code[:2], figure_cell, explorer_cell],
                                            metadata=notebook.metadata),
                   tmp_path / "notebooks" / "dark.ipynb")
    settings = tmp_path / ".jupyter-test" / "settings" / "@jupyterlab"
    (settings / "apputils-extension").mkdir(parents=True)
    (settings / "apputils-extension" / "themes.jupyterlab-settings").write_text(
        json.dumps({"theme": "JupyterLab Dark"}))
    with LabServer(tmp_path) as server:
        page = browser.new_page(viewport={"width": 1200, "height": 900})
        try:
            page.goto(f"{server.url}/lab/tree/notebooks/dark.ipynb?token={server.token}")
            page.wait_for_selector(".jp-Notebook", timeout=120_000)
            page.wait_for_function("document.body.dataset.jpThemeLight === 'false'",
                                   timeout=60_000)
            page.wait_for_selector("#jp-main-statusbar >> text=Idle", timeout=120_000)
            page.click(".lm-MenuBar-itemLabel:text-is('Run')")
            page.click(".lm-Menu-itemLabel:text-is('Run All Cells')")
            try:
                widget = page.wait_for_selector(".jp-OutputArea-output img.widget-image",
                                                timeout=180_000)
            except Exception:
                page.screenshot(path=screenshots / "timed-out.png", full_page=True)
                raise
            page.wait_for_timeout(1000)
            figure = page.query_selector_all(".jp-OutputArea-output img:not(.widget-image)")[0]
            figure.scroll_into_view_if_needed()
            page.screenshot(path=screenshots / "lab-dark-figure.png")
            figure_png = figure.screenshot(path=screenshots / "figure-dark.png")
            widget.scroll_into_view_if_needed()
            page.screenshot(path=screenshots / "lab-dark-explorer.png")
            widget_png = widget.screenshot(path=screenshots / "explorer-dark.png")
            background = page.evaluate("getComputedStyle(document.querySelector("
                                       "'.jp-Notebook')).backgroundColor")
        finally:
            page.close()
    page_rgb = [float(value) for value in re.findall(r"[\d.]+", background)[:3]]
    assert sum(page_rgb) / 3 < 80, f"the theme is not dark: {background}"
    _light_edges(figure_png, "lesson 01's first figure")
    _light_edges(widget_png, "lesson 01's explorer")
