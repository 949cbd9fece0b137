"""Headless Chromium (Debian's) driven by Playwright's Python package."""
from __future__ import annotations

import os
import shutil

import pytest

CHROMIUM = os.environ.get("PTSA_CHROMIUM", "/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--autoplay-policy=no-user-gesture-required"]


def launch(playwright):
    if not shutil.which(CHROMIUM) and not os.path.exists(CHROMIUM):
        reason = f"Chromium not found at {CHROMIUM} (apt-get install chromium)"
        if os.environ.get("PTSA_REQUIRE_BROWSER") == "1":
            pytest.fail(reason + " and PTSA_REQUIRE_BROWSER=1")
        pytest.skip(reason)
    return playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)


@pytest.fixture
def browser():
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        b = launch(p)
        yield b
        b.close()
