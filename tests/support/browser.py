"""Headless Chromium (Debian's) driven by Playwright's Python package.

Before any browser test the two programs are started once with `--version` (Playwright's Node
driver and Chromium): a missing shared library then reads as one line naming it, instead of a
failure deep inside Playwright (which, for a driver that cannot start, used to end the whole run
in a pytest INTERNALERROR)."""
from __future__ import annotations

import functools
import os
import shutil
import subprocess
from urllib.parse import urlencode, urlsplit

import pytest

from tests.support.live import DEMO_PASSWORD

CHROMIUM = os.environ.get("PTSA_CHROMIUM", "/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--autoplay-policy=no-user-gesture-required"]
FIX = "bash scripts/setup-env.sh test installs what it needs"


def _first_error_line(result: subprocess.CompletedProcess) -> str:
    lines = [line.strip() for line in (result.stderr + result.stdout).splitlines() if line.strip()]
    return lines[0] if lines else f"exit status {result.returncode}"


def _runs(argv: list[str]) -> str | None:
    """None when `argv` starts and exits 0, else why not (the loader's message, e.g. a missing .so)."""
    try:
        result = subprocess.run(argv, capture_output=True, text=True, timeout=60)
    except OSError as exc:
        return str(exc)
    except subprocess.TimeoutExpired:
        return f"{argv[0]} --version did not answer within 60 s"
    return None if result.returncode == 0 else _first_error_line(result)


@functools.lru_cache(maxsize=1)
def problem() -> str | None:
    """Why the browser tests cannot run on this machine, in one line, or None."""
    if not shutil.which(CHROMIUM) and not os.path.exists(CHROMIUM):
        return f"Chromium not found at {CHROMIUM} ({FIX})"
    try:
        from playwright._impl._driver import compute_driver_executable
        node, cli = compute_driver_executable()
    except Exception as exc:  # noqa: BLE001 - any failure here means "no driver", said in one line
        return f"Playwright's driver is not usable: {exc}"
    why = _runs([node, cli, "--version"])
    if why:
        return f"Playwright's driver ({node}) cannot start: {why} ({FIX})"
    why = _runs([CHROMIUM, "--headless", "--no-sandbox", "--version"])
    if why:
        return f"Chromium ({CHROMIUM}) cannot start: {why} ({FIX})"
    return None


def unavailable() -> None:
    reason = problem()
    if reason:
        if os.environ.get("PTSA_REQUIRE_BROWSER") == "1":
            pytest.fail(reason + " and PTSA_REQUIRE_BROWSER=1", pytrace=False)
        pytest.skip(reason)


def launch(playwright):
    unavailable()
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
    unavailable()  # before Playwright starts its driver
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        b = launch(p)
        yield CspTolerantBrowser(b)
        b.close()


def sign_in(page, base_url: str, username: str, lands_on: str | None = None, *, asked: bool = True,
            lang: str | None = None, password: str = DEMO_PASSWORD):
    """Sign `username` in through the login form and wait until the browser is on the path `lands_on`
    (asked for with ?next= unless `asked` is False, to see where the server sends this person on its
    own; without `lands_on`, anywhere but /login). The path is compared exactly: a glob such as
    "**/booth" also matches /login?next=/booth and returns before the sign-in has happened."""
    wanted = {"lang": lang, "next": lands_on if asked else None}
    query = urlencode({key: value for key, value in wanted.items() if value}, safe="/")
    page.goto(base_url + "/login" + (f"?{query}" if query else ""))
    page.fill("#username", username)
    page.fill("#password", password)
    page.click("#login-submit")
    if lands_on:
        page.wait_for_url(lambda url: urlsplit(url).path == lands_on)
    else:
        page.wait_for_url(lambda url: urlsplit(url).path != "/login")
    return page


def watched(page):
    """`page` with `page.errors`: the script errors it raises, for a test to assert none happened."""
    page.errors = []
    page.on("pageerror", lambda exc: page.errors.append(str(exc)))
    return page
