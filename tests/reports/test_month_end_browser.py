"""Pak Hendra's month end in real headless Chromium against a real server: he opens March 2026 for
Ditjen PHI & Jamsos, sees the 12-month chart, drills into the breach, and downloads the XLSX table and
the monthly PDF, which are opened and read. Screenshots go to test-artifacts/."""
from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from tests.conftest import make_settings
from tests.reports.conftest import _close, _open
from tests.support.browser import browser, sign_in, watched  # noqa: F401  (browser: fixture)
from tests.support.live import LiveServer

pytestmark = [pytest.mark.browser, pytest.mark.e2e]


@pytest.fixture
def server(tmp_path):
    live = LiveServer(tmp_path / "live", env={"PTSA_CALENDAR_MODE": "office"})
    live.init()
    settings = make_settings(live.data_dir)
    settings["calendar"]["mode"] = "office"
    _open(settings, prepare=False)      # the month is written into the server's own database file
    from tests.reports.month import build_march
    month = build_march()
    _close()
    live.start()
    live.month = month
    yield live
    live.stop()


def test_pak_hendra_closes_march(server, browser, artifacts):  # noqa: F811
    page = watched(browser.new_page(viewport={"width": 1400, "height": 1000}, accept_downloads=True))
    errors = page.errors
    sign_in(page, server.url, "sup-phijsk", "/supervisor", asked=False)
    page.goto(server.url + "/reports?month=2026-03&unit=PHIJSK")
    assert page.inner_text("#period") == "2026-03-01 – 2026-03-31"
    bars = page.locator("#trend-chart svg rect.bar.received[data-month='2026-03']")
    assert bars.get_attribute("data-value") == "8"
    assert page.locator("#trend-chart svg").is_visible()
    row = page.locator("#task-table tr[data-unit='PHIJSK'][data-scope='unit']")
    assert row.locator("td[data-figure='breaches']").inner_text() == "1"
    assert row.locator("td[data-figure='received']").inner_text() == "5"
    page.screenshot(path=str(artifacts / "reports-month-end.png"), full_page=True)

    row.locator("td[data-figure='breaches'] a").click()
    page.wait_for_url("**/reports/drill?**")
    assert page.inner_text("#drill-count") == "1"
    assert page.locator(f"#drill-table tr[data-task='{server.month['tasks']['B']}']").count() == 1
    assert "breach" in page.inner_text("#drill-table")
    page.screenshot(path=str(artifacts / "reports-drill-breach.png"), full_page=True)
    page.click("#back")
    page.wait_for_url("**/reports?**")

    with page.expect_download() as info:
        page.click("#export-tasks-xlsx")
    sheet = load_workbook(io.BytesIO(open(info.value.path(), "rb").read())).active
    values = list(sheet.values)
    header = list(values[0])
    assert values[1][header.index("code")] == "PHIJSK" and values[1][header.index("breaches")] == 1

    with page.expect_download() as info:
        page.click("#export-pdf")
    with open(info.value.path(), "rb") as f:
        pdf = PdfReader(io.BytesIO(f.read()))
    text = "\n".join(p.extract_text() for p in pdf.pages)
    assert "PHIJSK" in text and "2026-03" in text and "Pelanggaran" in text
    assert "Tren 12 bulan" in text
    (artifacts / "reports-monthly-PHIJSK-2026-03.pdf").write_bytes(open(info.value.path(), "rb").read())
    assert errors == []


def test_supervisor_tiles_follow_the_day_live(live_server, browser, artifacts):  # noqa: F811
    import requests
    token = live_server.kiosk_token("lobby")
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    sign_in(page, live_server.url, "sup-phijsk-pk", "/supervisor", asked=False)
    page.wait_for_function("document.querySelector('[data-tile=waiting] b').textContent === '0'")
    for _ in range(2):
        r = requests.post(live_server.url + "/api/v1/tickets", json={"service": "PP"},
                          headers={"Authorization": f"Bearer {token}"}, timeout=10)
        assert r.status_code == 201, r.text
    page.wait_for_function("document.querySelector('[data-tile=waiting] b').textContent === '2'", timeout=15000)
    assert page.inner_text("[data-tile=called] b") == "0"
    page.screenshot(path=str(artifacts / "reports-supervisor-tiles.png"))
