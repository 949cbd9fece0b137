"""Mbak Yuni's morning in /admin, in real headless Chromium against a real server, with the offscreen
Qt kiosk and a real SMTP sink: she adds a service with its opening hours and the kiosk's home shows it;
puts a new officer on booth 4, who signs in with the one-time password and must choose a new one;
closes a cuti bersama day and sees how far an open task's deadline moves before saving; registers a
kiosk, pairs the offscreen kiosk with the QR payload, revokes it and sees it refused; sends a test
e-mail to herself; and finds all of it in the audit log. Screenshots: test-artifacts/admin/."""
from __future__ import annotations

import datetime as dt
import time

import pytest
import requests

from tests.sla.sinks import Mailbox
from tests.support.browser import browser, sign_in, watched  # noqa: F401  (browser: fixture)
from tests.support.live import LiveServer, free_port

pytestmark = [pytest.mark.browser, pytest.mark.e2e]
WAIT_MS = 15_000


@pytest.fixture
def mailbox():
    box = Mailbox(free_port()).start()
    yield box
    box.stop()


@pytest.fixture
def server(tmp_path, mailbox):
    live = LiveServer(tmp_path / "live", env={
        "PTSA_CALENDAR_MODE": "office", "PTSA_SMTP_HOST": "127.0.0.1", "PTSA_SMTP_PORT": str(mailbox.port),
        "PTSA_SMTP_TIMEOUT": "3s"})
    live.init()
    live.start()
    yield live
    live.stop()


@pytest.fixture
def shots(artifacts):
    folder = artifacts / "admin"
    folder.mkdir(parents=True, exist_ok=True)

    def save(page, name: str) -> None:
        page.screenshot(path=str(folder / f"{name}.png"), full_page=True)
    return save


def open_task_in_the_database(server):
    """A task on its way to PHIJSK, made with the actions in this process on the server's own database
    (the kiosk would be closed at the hour this test may run, so no ticket is issued for it)."""
    import db
    from intranet_server import actions, sla
    from intranet_server.app import office_from_settings
    from tests.conftest import make_settings
    from tests.tasks.helpers import new_task
    settings = make_settings(server.data_dir)
    settings["calendar"]["mode"] = "office"
    db.connect(settings["database"]["url"])
    actions.configure(office_from_settings(settings))
    sla.configure(settings)
    with db.database.connection_context():
        task = new_task()
        return task.id


def a_working_day_ahead(session, server) -> str:
    today = dt.datetime.now(dt.timezone(dt.timedelta(hours=7))).date() + dt.timedelta(days=1)
    days = session.get(server.url + f"/api/v1/calendar?unit=PHIJSK&from={today}&days=20", timeout=10).json()["days"]
    return [d["date"] for d in days if d["working"]][1]


def test_mbak_yuni_runs_the_office_from_the_browser(browser, server, mailbox, shots, qtbot, tmp_path):  # noqa: F811
    from kiosk.client import ServerClient, ServerRefused
    from kiosk.config import load_settings
    from tests.kiosk.helpers import make_kiosk

    page = browser.new_page(viewport={"width": 1366, "height": 1000})
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    sign_in(page, server.url, "admin", "/admin", asked=False)
    page.wait_for_selector("#services-table tbody tr")
    shots(page, "01-catalog")

    # -- register a kiosk; the offscreen kiosk pairs with the QR code's text
    page.click("a[data-tab=kiosks]")
    page.fill("#kiosk-name", "lobby-2")
    page.click("#kiosk-add")
    page.wait_for_selector("#kiosk-token:not([hidden])")
    pairing = page.get_attribute("#kiosk-token", "data-pairing")
    token = page.inner_text("#kiosk-token-text")
    assert token in pairing
    assert page.get_attribute("#kiosk-qr", "src").startswith("data:image/svg+xml")
    shots(page, "02-kiosk-registered")
    printer_dir = tmp_path / "printer"
    printer_dir.mkdir()
    settings = load_settings(environ={}, overrides={"pair": pairing, "printer": f"virtual:{printer_dir}",
                                                    "fullscreen": False, "admin_pin": "2468"})
    assert settings.server == server.url and settings.token == token
    kiosk = make_kiosk(qtbot, settings)
    try:
        assert "AK1" not in kiosk.home.tiles

        # -- a new service with its opening hours: it appears on the kiosk's home
        page.click("a[data-tab=catalog]")
        page.fill("#svc-code", "AK1")
        page.fill("#svc-prefix", "P")              # taken by PP: refused next to the field
        page.fill("#svc-name-id", "Kartu Pencari Kerja (AK1)")
        page.fill("#svc-name-en", "Job-seeker card (AK1)")
        page.select_option("#svc-owner", "PHIJSK-PK")
        page.fill("#svc-sop", "3")
        page.fill("#svc-cap", "60")
        page.fill("#svc-opens", "08:00")
        page.fill("#svc-closes", "12:00")
        page.click("#svc-save")
        page.wait_for_selector("[data-error-for=prefix]:not([hidden])")
        assert "sudah dipakai" in page.inner_text("[data-error-for=prefix]") or \
            "already used" in page.inner_text("[data-error-for=prefix]")
        shots(page, "03-service-refused-prefix")
        page.fill("#svc-prefix", "Q")
        saved_at = time.monotonic()
        page.click("#svc-save")
        page.wait_for_selector("#services-table tr[data-code=AK1]")
        qtbot.waitUntil(lambda: "AK1" in kiosk.home.tiles, timeout=WAIT_MS)
        print(f"\nnew service on the kiosk's home {time.monotonic() - saved_at:.2f} s after the click")
        assert kiosk.home.tiles["AK1"].isVisible()
        shots(page, "04-service-added")
        from PySide6.QtWidgets import QApplication
        QApplication.processEvents()
        kiosk.grab().save(str(tmp_path / "kiosk.png"))
        kiosk.grab().save(str(shots.__closure__[0].cell_contents / "05-kiosk-home-with-AK1.png"))

        # -- revoke the kiosk: refused
        page.click("a[data-tab=kiosks]")
        page.once("dialog", lambda d: d.accept())
        page.click("button[data-revoke=lobby-2]")
        page.wait_for_selector("#kiosks-table tr.inactive")
        shots(page, "06-kiosk-revoked")
        time.sleep(0)   # the token cache of the server process is cleared by the revoke itself
        with pytest.raises(ServerRefused) as refused:
            ServerClient(server.url, token).try_issue_ticket("AK1", None, "id", "revoked-1")
        assert refused.value.status == 401
    finally:
        kiosk.admin.unlocked = True
        kiosk.shutdown()
        kiosk.close()

    # -- a new officer on booth 4: one-time password, forced change, then the booth
    page.click("a[data-tab=staff]")
    page.wait_for_selector("#staff-table tbody tr")
    page.fill("#st-username", "dewi")
    page.fill("#st-name", "Dewi Lestari")
    page.select_option("#st-role", "p0")
    page.fill("#st-phone", "0812")                  # not international: refused next to the field
    page.fill("#st-booth", "4")
    page.click("#st-save")
    page.wait_for_selector("[data-error-for=phone]:not([hidden])")
    shots(page, "07-staff-refused-phone")
    page.fill("#st-phone", "+6281234567890")
    page.click("#st-save")
    page.wait_for_selector("#otp-value")
    otp = page.inner_text("#otp-value")
    shots(page, "08-staff-one-time-password")
    officer = browser.new_context().new_page()
    sign_in(officer, server.url, "dewi", "/password", asked=False, password=otp)
    assert officer.is_visible("#must-change")
    officer.fill("#pw-current", otp)
    officer.fill("#pw-new", "dewi")
    officer.click("#pw-submit")
    officer.wait_for_selector("[data-error-for=new]:not([hidden])")
    shots(officer, "09-password-too-short")
    officer.fill("#pw-new", "booth-empat-pagi")
    officer.click("#pw-submit")
    officer.wait_for_url("**/booth")
    officer.wait_for_selector("text=Booth 4")
    shots(officer, "10-new-officer-at-booth-4")
    assert requests.post(server.url + "/api/v1/auth/login", json={"username": "dewi", "password": otp},
                         timeout=10).status_code == 401

    # -- a cuti bersama day: how far the open task's deadline moves, before saving
    task_id = open_task_in_the_database(server)
    session = server.login("admin")
    due_before = session.get(server.url + f"/api/v1/tasks/{task_id}", timeout=10).json()["completion"]["due_at"]
    day = a_working_day_ahead(session, server)
    page.click("a[data-tab=calendar]")
    page.wait_for_selector(".month")
    page.select_option("#ov-kind", "closed")
    page.fill("#ov-first", day)
    page.fill("#ov-note", "Cuti bersama tambahan")
    page.click("#ov-preview")
    page.wait_for_selector("#ov-effect:not([hidden])")
    effect = page.inner_text("#ov-effect")
    assert "1 tugas" in effect or "1 open task" in effect, effect
    shots(page, "11-calendar-effect-before-saving")
    assert session.get(server.url + f"/api/v1/tasks/{task_id}", timeout=10).json()["completion"]["due_at"] == due_before
    page.click("#ov-save")
    page.wait_for_selector("#overrides-table tr")
    page.wait_for_selector(f".day.override[data-date='{day}']")
    shots(page, "12-calendar-saved")
    due_after = session.get(server.url + f"/api/v1/tasks/{task_id}", timeout=10).json()["completion"]["due_at"]
    assert due_after > due_before

    # -- a test e-mail to a real SMTP sink
    page.click("a[data-tab=notify]")
    page.wait_for_selector("#notify-status p")
    page.fill("#notify-email", "yuni@ptsa.example")
    page.click("#notify-send")
    page.wait_for_selector("#notify-results li")
    mail = mailbox.wait_for(1, "pesan uji")
    assert mail[0]["To"] == "yuni@ptsa.example"
    shots(page, "13-test-email-sent")

    # -- all of it in the audit log
    page.click("a[data-tab=audit]")
    page.wait_for_selector("#audit-table tbody tr")
    log = page.inner_text("#audit-table")
    for action in ("kiosk.register", "kiosk.revoke", "service.add", "staff.add", "staff.password_change",
                   "calendar.override", "notify.test", "auth.login"):
        assert action in log, action
    shots(page, "14-audit-log")
    page.fill("#au-actor", "dewi")
    page.click("#au-search")
    page.wait_for_function("!document.querySelector('#audit-table').innerText.includes('kiosk.register')")
    assert "staff.password_change" in page.inner_text("#audit-table")
    shots(page, "15-audit-log-dewi")
    assert errors == []


def test_pak_hendra_reads_his_units_in_english(browser, server, shots):  # noqa: F811
    page = watched(browser.new_page(viewport={"width": 1366, "height": 900}))
    errors = page.errors
    sign_in(page, server.url, "sup-phijsk-pk", "/supervisor", asked=False, lang="en")
    page.goto(server.url + "/admin")
    page.wait_for_selector("#services-table tbody tr")
    assert not page.is_visible("#service-form") and not page.is_visible("a[data-tab=audit]")
    assert set(page.eval_on_selector_all("#services-table tbody tr", "rows => rows.map(r => r.dataset.code)")) == \
        {"PKB", "PP"}
    shots(page, "20-supervisor-catalog-en")
    page.click("a[data-tab=staff]")
    page.wait_for_selector("#staff-table tbody tr")
    assert "sup-phijsk-pk" in page.inner_text("#staff-table") and "p0-01" not in page.inner_text("#staff-table")
    shots(page, "21-supervisor-staff-en")
    assert errors == []
