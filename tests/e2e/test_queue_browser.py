"""The booth and display screens in real headless Chromium against the real server."""
from __future__ import annotations

import pytest
import requests

from tests.support.browser import browser, sign_in  # noqa: F401  (browser: fixture)

pytestmark = pytest.mark.browser


def issue(server, token, service="PP", priority=None):
    r = requests.post(server.url + "/api/v1/tickets", json={"service": service, "priority": priority},
                      headers={"Authorization": f"Bearer {token}"}, timeout=10)
    assert r.status_code == 201, r.text
    return r.json()


def test_p0_calls_next_and_the_display_board_changes(live_server, browser, artifacts):  # noqa: F811
    token = live_server.kiosk_token("lobby-browser")
    issue(live_server, token, "PP", "lansia")
    issue(live_server, token, "PKB")
    issue(live_server, token, "PP")

    board = browser.new_page(viewport={"width": 1920, "height": 1080})
    errors = []
    board.on("pageerror", lambda exc: errors.append(str(exc)))
    board.goto(live_server.url + "/display")
    # launched with --autoplay-policy=no-user-gesture-required, the board unlocks sound by itself
    board.wait_for_function("window.PTSAVoice.isUnlocked()")
    board.wait_for_selector("body[data-synced=yes]")
    # where visitors look: people waiting and the wait estimate per service
    board.wait_for_selector("#services tr[data-service='PP']")
    assert "2" in board.inner_text("#services tr[data-service='PP']")
    issue(live_server, token, "K3")
    board.wait_for_selector("#services tr[data-service='K3']")   # live, without a reload

    booth = browser.new_page(viewport={"width": 1366, "height": 900})
    booth.on("pageerror", lambda exc: errors.append(str(exc)))
    booth.goto(live_server.url + "/booth")
    assert "/login" in booth.url            # the booth needs a login
    booth.fill("#username", "p0-03")
    booth.fill("#password", "wrong")
    booth.click("#login-submit")
    booth.wait_for_selector("#login-error:not([hidden])")
    booth.fill("#password", "demo12345")
    booth.click("#login-submit")
    booth.wait_for_url(live_server.url + "/booth")      # exactly: a glob would match /login?next=/booth
    booth.wait_for_selector("#waiting li[data-ticket]")
    assert booth.locator("#waiting li[data-ticket]").count() == 3   # K3 is not served at booth 3
    assert booth.locator("#waiting .badge.priority").count() == 1
    booth.screenshot(path=str(artifacts / "booth-waiting.png"), full_page=True)

    booth.click("#call-next")
    booth.wait_for_selector("#current .current-ticket .number")
    number = booth.inner_text("#current .current-ticket .number")
    board.wait_for_function(f"document.getElementById('now-number').textContent === {number!r}")
    assert "Booth 3" in board.inner_text("#now-booth")
    assert board.locator("[data-booth='3'] .booth-number").inner_text() == number
    board.wait_for_function("window.PTSAVoice && window.PTSAVoice.lastPlayed && window.PTSAVoice.lastPlayed.length > 0")
    played = board.evaluate("window.PTSAVoice.lastPlayed")
    assert played[0] == "nomor_antrean" and "silakan_menuju_booth" in played
    booth.screenshot(path=str(artifacts / "booth-serving.png"), full_page=True)
    board.screenshot(path=str(artifacts / "display.png"))

    # the board shows a banner when the connection drops, and recovers after a restart
    live_server.stop()
    board.wait_for_selector("#offline-banner:not([hidden])", timeout=15000)
    board.screenshot(path=str(artifacts / "display-offline.png"))
    live_server.start()
    board.wait_for_selector("#offline-banner", state="hidden", timeout=20000)
    assert board.inner_text("#now-number") == number
    assert errors == []


def test_booth_in_english_and_transfer(live_server, browser, artifacts):  # noqa: F811
    token = live_server.kiosk_token("lobby-en")
    ticket = issue(live_server, token, "PP")
    page = browser.new_page(viewport={"width": 1366, "height": 900})
    page.goto(live_server.url + "/login?lang=en")
    assert page.inner_text("h1") == "Sign in"
    page.fill("#username", "p0-03")
    page.fill("#password", "demo12345")
    page.click("#login-submit")
    page.wait_for_selector("#waiting li[data-ticket]")
    assert page.inner_text("#call-next") == "Call next"
    page.click("#call-next")
    page.wait_for_selector("#current select[data-transfer]")
    page.select_option("#current select[data-transfer]", "DATA")
    page.click("#current button[data-act='transfer']")
    page.wait_for_selector("#current .current-ticket", state="detached")
    moved = requests.get(live_server.url + "/api/v1/tickets/%d" % ticket["id"],
                         cookies=page.context.cookies()[0] and {c["name"]: c["value"] for c in page.context.cookies()},
                         timeout=10).json()
    assert moved["service"] == "DATA" and moved["status"] == "waiting"
    page.screenshot(path=str(artifacts / "booth-en.png"), full_page=True)


def login_page(browser, server, username):  # noqa: F811  (a browser, not the fixture)
    page = sign_in(browser.new_page(viewport={"width": 1366, "height": 900}), server.url, username)
    page.wait_for_selector("body[data-synced=yes]")
    return page


def test_booth_and_supervisor_see_a_kiosk_printer_problem_live(live_server, browser, artifacts):  # noqa: F811
    token = live_server.kiosk_token("lobby-paper")
    booth = login_page(browser, live_server, "p0-03")
    supervisor = login_page(browser, live_server, "sup-phijsk")
    assert booth.locator("#kiosk-alert").is_hidden() and supervisor.locator("#kiosk-alert").is_hidden()
    r = requests.post(live_server.url + "/api/v1/kiosk/printer", json={"state": "paper_out", "detail": ""},
                      headers={"Authorization": f"Bearer {token}"}, timeout=10)
    assert r.status_code == 200
    for page in (booth, supervisor):
        page.wait_for_selector("#kiosk-alert:not([hidden])")
        assert "lobby-paper" in page.inner_text("#kiosk-alert") and "kertas habis" in page.inner_text("#kiosk-alert")
    supervisor.screenshot(path=str(artifacts / "supervisor-kiosk-problem.png"))
    requests.post(live_server.url + "/api/v1/kiosk/printer", json={"state": "ok"},
                  headers={"Authorization": f"Bearer {token}"}, timeout=10)
    booth.wait_for_selector("#kiosk-alert", state="hidden")
