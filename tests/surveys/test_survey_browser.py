"""A visitor answers the satisfaction survey on booth 3's tablet right after Dimas (p0-03) finishes her
visit on his booth screen, and Pak Hendra's SKM report moves. Real server, real headless Chromium;
the tablet's idle time is moved with Playwright's clock, never slept through."""
from __future__ import annotations

import pytest
import requests

from tests.support.browser import browser, sign_in  # noqa: F401  (browser: fixture)

pytestmark = pytest.mark.browser


def issue(server, token, service="PP"):
    r = requests.post(server.url + "/api/v1/tickets", json={"service": service},
                      headers={"Authorization": f"Bearer {token}"}, timeout=10)
    assert r.status_code == 201, r.text
    return r.json()


def serve_next(booth):
    """Dimas calls the next visitor and finishes the visit on his booth screen."""
    booth.click("#call-next")
    booth.wait_for_selector("#current .current-ticket .number")
    number = booth.inner_text("#current .current-ticket .number")
    booth.click("#current button[data-act='finish']")
    booth.wait_for_function("!document.querySelector('#current .current-ticket')")
    return number


def answer(tablet, scores):
    for i, score in enumerate(scores):
        tablet.wait_for_selector(f".sv-element[data-index='{i}']:not([hidden])")
        tablet.click(f".sv-element[data-index='{i}'] .sv-answer[data-score='{score}']")
    tablet.wait_for_selector("#sv-finish:not([hidden])")


def report_ikm(report):
    report.reload()
    return report.inner_text("#skm-ikm")


def test_a_visitor_answers_on_the_booth_tablet_and_the_index_moves(live_server, browser, artifacts):  # noqa: F811
    shots = artifacts / "survey"
    shots.mkdir(exist_ok=True)
    kiosk = live_server.kiosk_token("lobby-survey")
    tablet_token = live_server.ptsa("survey-tablet", "tablet-3", "--booth", "3").stdout.strip().splitlines()[-1]
    for _ in range(3):
        issue(live_server, kiosk)
    errors = []

    tablet = browser.new_page(viewport={"width": 1280, "height": 800})
    tablet.on("pageerror", lambda exc: errors.append(str(exc)))
    tablet.clock.install()
    tablet.goto(live_server.url + "/survey")
    tablet.wait_for_selector("#sv-pair:not([hidden])")
    tablet.fill("#sv-token", "wrong-token-123")
    tablet.click("#sv-pair-form button[type=submit]")
    tablet.wait_for_selector("#sv-pair-error:not([hidden])")
    tablet.fill("#sv-token", tablet_token)
    tablet.click("#sv-pair-form button[type=submit]")
    tablet.wait_for_selector("#sv-idle:not([hidden])")
    tablet.wait_for_function("document.body.dataset.online === 'yes'")
    assert "Booth 3" in tablet.inner_text("#sv-booth")
    tablet.screenshot(path=str(shots / "tablet-waiting.png"))

    report = browser.new_page(viewport={"width": 1366, "height": 900})
    report.on("pageerror", lambda exc: errors.append(str(exc)))
    sign_in(report, live_server.url, "sup-phijsk-pk", "/reports/skm")
    assert "Belum ada responden" in report.inner_text("#skm-ikm")

    booth = browser.new_page(viewport={"width": 1366, "height": 900})
    booth.on("pageerror", lambda exc: errors.append(str(exc)))
    sign_in(booth, live_server.url, "p0-03", "/booth")
    booth.wait_for_selector("#waiting li[data-ticket]")

    # 1. Dimas finishes the first visit: the tablet opens the survey for that ticket by itself
    first = serve_next(booth)
    tablet.wait_for_selector("#sv-question:not([hidden])")
    assert first in tablet.inner_text("#sv-ticket") and tablet.inner_text("#sv-progress") == "1 / 9"
    tablet.screenshot(path=str(shots / "tablet-question-1.png"))
    box = tablet.locator(".sv-element[data-index='0'] .sv-answer").first.bounding_box()
    assert box["height"] >= 120 and box["width"] >= 200      # big touch targets
    answer(tablet, [4] * 9)
    tablet.click(".sv-profile[data-field='age_band'] .sv-chip[data-value='60+']")
    tablet.click(".sv-profile[data-field='sex'] .sv-chip[data-value='P']")
    tablet.fill("#sv-comment", "Petugas sangat membantu")
    tablet.screenshot(path=str(shots / "tablet-finish.png"), full_page=True)
    tablet.click("#sv-send")
    tablet.wait_for_selector("#sv-thanks:not([hidden])")
    tablet.screenshot(path=str(shots / "tablet-thanks.png"))
    assert report_ikm(report) == "100.00"
    assert report.inner_text("#skm-grade") == "A"

    # the thank-you screen gives way to the waiting screen (its timer moved, not waited for)
    tablet.clock.fast_forward(9_000)
    tablet.wait_for_selector("#sv-idle:not([hidden])")

    # 2. the next visitor is less happy: waiting time and complaints handling score low
    second = serve_next(booth)
    tablet.wait_for_selector("#sv-question:not([hidden])")
    assert second in tablet.inner_text("#sv-ticket")
    tablet.click(".sv-element[data-index='0'] .sv-answer[data-score='3']")
    tablet.click("#sv-back")                                         # she changes her mind
    assert tablet.inner_text("#sv-progress") == "1 / 9"
    answer(tablet, [3, 3, 1, 4, 3, 3, 4, 2, 3])
    tablet.fill("#sv-comment", "Antrean terlalu lama")
    tablet.click("#sv-send")
    tablet.wait_for_selector("#sv-thanks:not([hidden])")
    # by hand: NRRs (4+3)/2, (4+3)/2, (4+1)/2, 4, 3.5, 3.5, 4, 3, 3.5 -> sum 31; 31/9 x 25 = 86.11 -> B
    assert report_ikm(report) == "86.11"
    assert report.inner_text("#skm-grade") == "B"
    rows = report.locator("#skm-elements tbody tr")
    assert rows.first.get_attribute("data-key") == "waktu"           # the weakest element first...
    assert "Antrean terlalu lama" in rows.first.inner_text()        # ...with the comment behind it
    assert report.inner_text("#skm-respondents") == "2 / 2"         # every visitor served answered

    # 3. a third visitor walks away mid-survey: after the idle time the tablet forgets her answers
    tablet.clock.fast_forward(9_000)
    tablet.wait_for_selector("#sv-idle:not([hidden])")
    third = serve_next(booth)
    tablet.wait_for_selector("#sv-question:not([hidden])")
    assert third in tablet.inner_text("#sv-ticket")
    tablet.click(".sv-element[data-index='0'] .sv-answer[data-score='1']")
    tablet.clock.fast_forward(30_000)
    assert tablet.is_visible("#sv-question")                         # 30 s is not idle yet
    tablet.clock.fast_forward(61_000)
    tablet.wait_for_selector("#sv-idle:not([hidden])")
    tablet.screenshot(path=str(shots / "tablet-abandoned.png"))
    assert report_ikm(report) == "86.11"                             # nothing was sent
    # three served, two answered: the Krejcie-Morgan table asks all three, so the report warns
    assert "sampel kurang dari 3" in report.inner_text("#skm-respondents")
    assert report.is_visible("#skm-sample-warning")
    report.screenshot(path=str(shots / "report.png"), full_page=True)

    data = requests.Session()
    data.post(live_server.url + "/api/v1/auth/login", json={"username": "admin", "password": "demo12345"},
              timeout=10)
    skm = data.get(live_server.url + "/api/v1/reports/skm", timeout=10).json()
    assert skm["respondents"] == 2 and skm["population"] == 3 and skm["ikm"] == 86.11
    xlsx = report.locator("#skm-xlsx")
    with report.expect_download() as download:
        xlsx.click()
    assert download.value.suggested_filename.endswith(".xlsx")
    path = shots / download.value.suggested_filename
    download.value.save_as(path)
    from openpyxl import load_workbook
    book = load_workbook(path)
    assert book["IKM"]["H2"].value == 86.11 and book["IKM"]["I2"].value == "B"
    assert errors == []
