"""The lobby display board as Ibu Sari reads and hears it (issue 8 item 5), in real Chromium launched
with the kiosk flag --autoplay-policy=no-user-gesture-required (tests/support/browser.py)."""
from __future__ import annotations

import pytest

from tests.screens.helpers import as_person, issue
from tests.support.browser import browser  # noqa: F401  (fixture)

pytestmark = pytest.mark.browser


def board_page(browser, server):  # noqa: F811  (a browser, not the fixture)
    page = browser.new_page(viewport={"width": 1920, "height": 1080})
    page.errors = []
    page.on("pageerror", lambda exc: page.errors.append(str(exc)))
    page.goto(server.url + "/display")
    page.wait_for_function("document.body && document.body.dataset.online === 'yes'")
    return page


def call_next(session, server):
    r = session.post(server.url + "/api/v1/queue/call-next", timeout=10)
    assert r.status_code == 200, r.text
    return r.json()


def test_now_calling_clears_when_the_visit_ends(live_server, browser):  # noqa: F811
    token = live_server.kiosk_token("lobby-board")
    issue(live_server, token, "PP")
    board = board_page(browser, live_server)
    dimas = as_person(live_server, "p0-03")
    called = call_next(dimas, live_server)
    board.wait_for_function(f"document.getElementById('now-number').textContent === {called['number']!r}")
    dimas.post(live_server.url + f"/api/v1/tickets/{called['id']}/finish", timeout=10).raise_for_status()
    board.wait_for_function("document.getElementById('now-number').textContent === '—'")
    assert board.inner_text("#now-booth") == ""
    assert called["number"] in board.inner_text("#recent")      # still among the last calls
    board.reload()
    board.wait_for_function("document.body && document.body.dataset.online === 'yes'")
    board.wait_for_selector("#recent li")
    assert board.inner_text("#now-number") == "—"                # also after a reload
    assert board.errors == []


def test_calls_are_spoken_in_order_and_a_stale_call_is_not(live_server, browser):  # noqa: F811
    token = live_server.kiosk_token("lobby-voice")
    for _ in range(3):
        issue(live_server, token, "PP")
    board = board_page(browser, live_server)
    board.wait_for_function("window.PTSAVoice.isUnlocked()")
    dimas, ayu = as_person(live_server, "p0-03"), as_person(live_server, "p0-04")
    first = call_next(dimas, live_server)
    board.wait_for_function(f"window.PTSADisplay.spoken.includes({first['number']!r})")
    # while the first call is being spoken, booth 4 calls one visitor and at once the next one:
    # its first call is over before its turn
    stale = call_next(ayu, live_server)
    newer = call_next(ayu, live_server)
    board.wait_for_function(f"window.PTSADisplay.spoken.includes({newer['number']!r})", timeout=30000)
    spoken = board.evaluate("window.PTSADisplay.spoken")
    assert spoken == [first["number"], newer["number"]], (spoken, stale["number"])
    assert board.inner_text("#now-number") == newer["number"]
    # one column of last calls, newest first
    assert board.eval_on_selector("#recent", "el => getComputedStyle(el).columnCount") == "auto"
    numbers = board.eval_on_selector_all("#recent li .number", "els => els.map(e => e.textContent)")
    assert numbers[:3] == [newer["number"], stale["number"], first["number"]]
    assert board.errors == []


def test_sound_stays_on_across_a_reload_where_the_browser_allows_it(live_server, browser):  # noqa: F811
    """With the kiosk flag the board needs no tap, neither at first nor after a reload."""
    board = board_page(browser, live_server)
    board.wait_for_function("window.PTSAVoice.isUnlocked()")
    board.wait_for_selector("#enable-sound", state="hidden")
    board.reload()
    board.wait_for_function("document.body && document.body.dataset.online === 'yes'")
    board.wait_for_function("window.PTSAVoice.isUnlocked()")
    board.wait_for_selector("#enable-sound", state="hidden")
