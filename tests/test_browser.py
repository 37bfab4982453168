"""The course as a learner meets it: JupyterLab in a real (headless) browser.

For the start-here lesson and one explorer lesson of each track, a JupyterLab server is
started on a free localhost port with a token, and Chromium:
  1. opens the notebook and runs every cell through the Run menu;
  2. checks that no cell shows an error, in the page and in the notebook it saves;
  3. checks that the explorer's widgets render (sliders, dropdowns, the figure), moves a
     slider with the keyboard and compares the figure's pixels before and after;
  4. types an exercise's solution into its cell, runs the checker, and waits for its
     feedback ("not attempted yet" before, "correct" after).
Screenshots of each step go to test-artifacts/browser/. The notebooks are copies in a
temporary folder, so saving them leaves the course untouched.
"""

from __future__ import annotations

import json
import shutil
import time
import urllib.request

import pytest

from course_utils import checks
from tests.browser import artifact_dir, browser  # noqa: F401  (pytest fixture)
from tests.conftest import ROOT
from tests.jupyter_server import LabServer

pytestmark = pytest.mark.slow

# the start-here lesson, then one lesson with an explorer from each track, with the
# sliders and dropdowns its explorer shows
WALKS = {"00_start_here.ipynb": (1, 0),      # threshold
         "01_convolution.ipynb": (1, 3),     # stride; photo, filter, padding
         "04_hidden_state.ipynb": (2, 0),    # time step, radius of U
         "08_gan_digits.ipynb": (5, 0)}      # pair, A -> B, three latent directions
RUN_TIMEOUT_MS = 300_000
ERROR_OUTPUT = "application/vnd.jupyter.stderr"
NOTEBOOK = ".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook"  # the tab in front


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    root = tmp_path_factory.mktemp("lab")
    shutil.copytree(ROOT / "notebooks", root / "notebooks",
                    ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    settings = root / ".jupyter-test" / "settings" / "@jupyterlab" / "notebook-extension"
    settings.mkdir(parents=True)
    # render every cell, so the test sees outputs scrolled out of view
    (settings / "tracker.jupyterlab-settings").write_text(
        json.dumps({"windowingMode": "none"}), encoding="utf-8")
    with LabServer(root) as server:
        yield server
    assert not server.killed, f"processes that outlived the server's shutdown: {server.killed}"


@pytest.fixture(scope="module")
def screenshots():
    return artifact_dir("browser")


def _cells(name: str) -> list[dict]:
    return json.loads((ROOT / "notebooks" / name).read_text(encoding="utf-8"))["cells"]


def _explorer_cell(cells: list[dict]) -> int:
    """Index of the first cell that builds an explorer and shows it."""
    for index, cell in enumerate(cells):
        source = "".join(cell["source"])
        if cell["cell_type"] == "code" and "Explorer(" in source \
                and source.strip().splitlines()[-1].strip() == "explorer":
            return index
    raise AssertionError("no cell shows an explorer")


def _exercise_cell(cells: list[dict]) -> tuple[int, str]:
    """Index and id of the first exercise cell (it starts with '# EXERCISE id')."""
    for index, cell in enumerate(cells):
        lines = "".join(cell["source"]).splitlines()
        if cell["cell_type"] == "code" and lines and lines[0].startswith("# EXERCISE "):
            return index, lines[0].split()[2]
    raise AssertionError("no exercise cell")


def _open(page, lab: LabServer, name: str) -> None:
    # a workspace of its own, so the tabs of an earlier walk are not restored beside it
    workspace = name.removesuffix(".ipynb")
    page.goto(f"{lab.url}/lab/workspaces/{workspace}/tree/notebooks/{name}?token={lab.token}")
    page.wait_for_selector(f"{NOTEBOOK} .jp-Cell", timeout=120_000)
    page.wait_for_selector("#jp-main-statusbar >> text=Idle", timeout=120_000)


def _run_all(page) -> None:
    page.click(".lm-MenuBar-itemLabel:text-is('Run')")
    page.click(".lm-Menu-itemLabel:text-is('Run All Cells')")
    # done when no prompt shows [*] and the last code cell has a number, or an error stopped it
    page.wait_for_function(
        """([selector, errorType]) => {
            const notebook = document.querySelector(selector);
            const prompts = [...notebook.querySelectorAll('.jp-CodeCell .jp-InputArea-prompt')];
            if (prompts.some(p => p.textContent.includes('*'))) return false;
            const last = prompts[prompts.length - 1].textContent;
            return /\\d/.test(last)
                || notebook.querySelector(`.jp-OutputArea-output[data-mime-type="${errorType}"]`);
        }""", arg=[NOTEBOOK, ERROR_OUTPUT], timeout=RUN_TIMEOUT_MS, polling=500)


def _errors_in_page(page) -> list[str]:
    outputs = page.locator(f"{NOTEBOOK} .jp-OutputArea-output[data-mime-type='{ERROR_OUTPUT}']")
    texts = outputs.all_inner_texts()
    return [text for text in texts if "Traceback" in text or "Error" in text]


def _save_and_read(page, lab: LabServer, name: str) -> dict:
    page.keyboard.press("Escape")
    page.keyboard.press("Control+s")
    page.wait_for_function(
        "() => !document.querySelector('.jp-mod-current.jp-mod-dirty, .lm-mod-current.jp-mod-dirty')",
        timeout=30_000)
    time.sleep(0.5)
    return json.loads((lab.root / "notebooks" / name).read_text(encoding="utf-8"))


def _shutdown_kernels(lab: LabServer) -> None:
    request = urllib.request.Request(f"{lab.url}/api/sessions",
                                     headers={"Authorization": f"token {lab.token}"})
    with urllib.request.urlopen(request, timeout=10) as response:
        sessions = json.load(response)
    for session in sessions:
        urllib.request.urlopen(urllib.request.Request(
            f"{lab.url}/api/sessions/{session['id']}", method="DELETE",
            headers={"Authorization": f"token {lab.token}"}), timeout=30).close()


def _wait_until_still(page, cell, seconds: float = 1.5, timeout: float = 60) -> None:
    """Wait until the cell's widgets have stopped changing (pending updates drawn)."""
    deadline, last, since = time.monotonic() + timeout, None, time.monotonic()
    while time.monotonic() < deadline:
        state = cell.evaluate("e => [...e.querySelectorAll('img')].map(i => i.src + i.complete)"
                              ".join() + e.innerText")
        if state != last:
            last, since = state, time.monotonic()
        elif time.monotonic() - since >= seconds:
            return
        time.sleep(0.25)
    raise AssertionError(f"the explorer kept changing for {timeout} s")


def _move_slider_until_the_figure_changes(page, cell) -> tuple[bytes, bytes]:
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    image = cell.locator("img.widget-image").first
    image.scroll_into_view_if_needed()
    before_src, before_png = image.get_attribute("src"), image.screenshot()
    handle = cell.locator(".widget-slider .noUi-handle").first
    for key in ("ArrowRight", "ArrowLeft"):  # a slider at its maximum can only go left
        handle.focus()
        for _ in range(3):
            handle.press(key)
        try:
            page.wait_for_function(
                "([img, src]) => img.getAttribute('src') !== src",
                arg=[image.element_handle(), before_src], timeout=15_000, polling=100)
        except PlaywrightTimeout:  # try the other direction, then fail below
            continue
        time.sleep(0.3)  # let the new image finish decoding before the screenshot
        return before_png, image.screenshot()
    raise AssertionError("moving the first slider did not change the explorer's figure")


@pytest.mark.parametrize("name", list(WALKS))
def test_a_learner_runs_the_lesson_in_jupyterlab(lab, browser, screenshots, name):  # noqa: F811
    cells = _cells(name)
    stem = name.removesuffix(".ipynb")
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.set_default_timeout(60_000)
    try:
        _open(page, lab, name)
        page.screenshot(path=screenshots / f"{stem}_1_opened.png")

        _run_all(page)
        page.screenshot(path=screenshots / f"{stem}_2_ran_all.png")
        assert not _errors_in_page(page), _errors_in_page(page)[0][:3000]
        saved = _save_and_read(page, lab, name)
        errors = [output for cell in saved["cells"] for output in cell.get("outputs", [])
                  if output["output_type"] == "error"]
        assert not errors, "\n".join(errors[0]["traceback"])[-3000:]
        unrun = [index for index, cell in enumerate(saved["cells"])
                 if cell["cell_type"] == "code" and cell["execution_count"] is None]
        assert not unrun, f"cells {unrun} did not run"

        dom_cells = page.locator(f"{NOTEBOOK} .jp-Cell")
        assert dom_cells.count() == len(cells)
        explorer = dom_cells.nth(_explorer_cell(cells))
        explorer.scroll_into_view_if_needed()
        _wait_until_still(page, explorer)
        sliders = explorer.locator(".widget-slider").count()
        dropdowns = explorer.locator(".widget-dropdown select").count()
        images = explorer.locator("img.widget-image").count()
        assert (sliders, dropdowns) == WALKS[name], "the explorer's controls all render"
        assert images >= 1, "the explorer's figure renders"
        assert explorer.locator(".jp-OutputArea-output").filter(
            has_text="Error displaying widget").count() == 0
        explorer.screenshot(path=screenshots / f"{stem}_3_explorer_before.png")
        before, after = _move_slider_until_the_figure_changes(page, explorer)
        assert before != after, "the figure's pixels did not change"
        explorer.screenshot(path=screenshots / f"{stem}_4_explorer_after.png")

        index, exercise_id = _exercise_cell(cells)
        feedback = dom_cells.nth(index + 1).locator(".jp-OutputArea-output").first
        assert f"{exercise_id}: {checks.NOT_ATTEMPTED}" in feedback.inner_text()
        editor = dom_cells.nth(index).locator(".cm-content")
        editor.scroll_into_view_if_needed()
        editor.click()
        page.keyboard.press("Control+a")
        page.keyboard.insert_text(f"# EXERCISE {exercise_id}\n{checks.solution(exercise_id)}")
        page.keyboard.press("Shift+Enter")  # runs the answer, moves to the check below
        page.keyboard.press("Shift+Enter")  # runs the check
        dom_cells.nth(index + 1).locator(
            f"text={exercise_id}: {checks.CORRECT}").wait_for(timeout=60_000)
        dom_cells.nth(index + 1).screenshot(path=screenshots / f"{stem}_5_exercise.png")
    finally:
        page.close()
        _shutdown_kernels(lab)
