"""A headless Chromium driven by Playwright, or a pytest skip that says how to get one.

Debian's ``chromium`` package provides the browser (Playwright's own browser download
is not used). In CI (``CI`` set) a missing browser is an error, not a skip: .ci/run
installs it.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from tests.conftest import ROOT

ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu",
                  "--disable-background-networking", "--disable-component-update",
                  "--disable-sync"]
INSTALL = ("install it with `sudo apt-get install chromium` (Debian/Ubuntu) and "
           "`pip install -r requirements-dev.txt`, or run `bash .ci/run`, which does both")


def chromium_path() -> str:
    """The Chromium executable, or skip (fail in CI) with what to install."""
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        path = None
    if path is None:
        message = f"the browser tests need Chromium and Playwright for Python: {INSTALL}"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return path


def artifact_dir(name: str) -> Path:
    """A folder under test-artifacts/ for screenshots, emptied first."""
    folder = ARTIFACTS / name
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    return folder


@pytest.fixture(scope="module")
def browser():
    """One headless Chromium for the module, closed (with its processes) at the end."""
    path = chromium_path()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=path, args=CHROMIUM_FLAGS)
        try:
            yield chromium
        finally:
            chromium.close()
