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


class CspTolerantBrowser:
    """The Browser, with pages that let Playwright's own helpers run: `wait_for_function("...")`
    evaluates its predicate with eval, which the server's CSP forbids. Tests of the CSP itself open
    their pages with `bypass_csp=False`."""

    def __init__(self, browser):
        self._browser = browser

    def new_page(self, **kwargs):
        kwargs.setdefault("bypass_csp", True)
        return self._browser.new_page(**kwargs)

    def new_context(self, **kwargs):
        kwargs.setdefault("bypass_csp", True)
        return self._browser.new_context(**kwargs)

    def __getattr__(self, name):
        return getattr(self._browser, name)


@pytest.fixture
def browser():
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        b = launch(p)
        yield CspTolerantBrowser(b)
        b.close()
