"""Two parts of /admin in real headless Chromium against a real server: the calendar's year view marks
the Ramadan periods the calendar works by, and the "Service levels" form edits who is told at each
alert level, for the office and for one unit."""
from __future__ import annotations

import pytest

from tests.support.browser import browser, sign_in, watched  # noqa: F401  (browser: fixture)
from tests.support.live import LiveServer

pytestmark = [pytest.mark.browser, pytest.mark.e2e]
WAIT_MS = 15_000
RAMADAN = ("2027-02-08", "2027-03-09")     # 1448 H, as an office would enter it


@pytest.fixture
def server(tmp_path):
    live = LiveServer(tmp_path / "live", env={"PTSA_CALENDAR_MODE": "office"})
    live.init()
    live.start()
    yield live
    live.stop()


def admin_page(chromium, server):
    """The administrator signed in, in English; with the list the page's script errors land in."""
    page = watched(chromium.new_page(viewport={"width": 1366, "height": 900}))
    sign_in(page, server.url, "admin", "/admin", asked=False, lang="en")
    return page, page.errors


def test_the_year_view_shows_the_ramadan_period(browser, server, artifacts):  # noqa: F811
    admin = server.login("admin")
    added = admin.post(server.url + "/api/v1/admin/calendar/overrides",
                       json={"kind": "ramadan", "first": RAMADAN[0], "last": RAMADAN[1], "note": "Ramadan 1448 H"},
                       timeout=30)
    assert added.status_code == 201, added.text
    days = admin.get(server.url + "/api/v1/calendar?from=2027-02-01&days=40", timeout=10).json()["days"]
    ramadan = [d["date"] for d in days if d["ramadan"]]
    assert (ramadan[0], ramadan[-1], len(ramadan)) == (RAMADAN[0], RAMADAN[1], 30)

    page, errors = admin_page(browser, server)
    page.click("a[data-tab=calendar]")
    page.fill("#cal-year", "2027")
    page.click("#cal-show")
    page.wait_for_selector('#cal-year-view .day[data-date="2027-12-31"]', timeout=WAIT_MS)
    marked = page.eval_on_selector_all("#cal-year-view .day.ramadan", "days => days.map(d => d.dataset.date)")
    assert (marked[0], marked[-1], len(marked)) == (RAMADAN[0], RAMADAN[1], 30)
    assert "Ramadan" in page.get_attribute('#cal-year-view .day[data-date="2027-02-10"]', "title")
    assert page.is_visible("#tab-calendar .legend .day.ramadan")
    folder = artifacts / "admin"
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / "30-calendar-ramadan.png"), full_page=True)
    assert errors == []


def test_the_service_levels_form_edits_the_recipients(browser, server, artifacts):  # noqa: F811
    page, errors = admin_page(browser, server)
    page.click("a[data-tab=levels]")
    page.wait_for_selector('#lv-rscope option[value="PHIJSK-PK"]', state="attached", timeout=WAIT_MS)
    breach = '#levels-form fieldset[data-recipients="breach"]'
    assert page.is_checked(f"{breach} [data-r=unit_supervisors]")          # the organisation by default
    # the office: a breach also to the head of office; a bad address first, answered next to the field
    page.fill(f"{breach} [data-r=emails]", "kepala.kantor")
    page.click("#lv-save")
    page.wait_for_selector('#levels-form [data-error-for="recipients unit_recipients"]:not([hidden])',
                           timeout=WAIT_MS)
    page.fill(f"{breach} [data-r=emails]", "kepala.kantor@ptsa.example")
    # PHIJSK-PK: its own recipients, the parent unit's supervisors at a breach
    page.select_option("#lv-rscope", "PHIJSK-PK")
    assert page.is_disabled(f"{breach} [data-r=parent_supervisors]")       # the office's until it has its own
    page.check("#lv-rown")
    page.check(f"{breach} [data-r=parent_supervisors]")
    page.fill(f"{breach} [data-r=phones]", "+6281299990000")
    page.click("#lv-save")
    page.wait_for_selector("#admin-flash:not([hidden])", timeout=WAIT_MS)
    levels = server.login("admin").get(server.url + "/api/v1/admin/service-levels", timeout=10).json()
    assert levels["recipients"]["breach"]["emails"] == ["kepala.kantor@ptsa.example"]
    own = levels["unit_recipients"]["PHIJSK-PK"]["breach"]
    assert own["parent_supervisors"] is True and own["phones"] == ["+6281299990000"]
    assert own["emails"] == ["kepala.kantor@ptsa.example"]      # started from the office's
    folder = artifacts / "admin"
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / "31-service-level-recipients.png"), full_page=True)
    assert errors == []
