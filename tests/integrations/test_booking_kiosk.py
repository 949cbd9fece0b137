"""A visit booked online, redeemed at the offscreen kiosk against a real server: the code typed on the
kiosk's keys, and a USB scanner's keystrokes (the QR payload and Enter); a used, another day's and an
unknown code each get a screen that says what to do; a redemption whose answer was lost, or that met a
server down, is retried with the same idempotency key and gives exactly one ticket."""
from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from kiosk.client import ServerClient
from tests.kiosk.conftest import kiosk, kiosk_settings, kiosk_token, printer_dir  # noqa: F401  (fixtures)
from tests.kiosk.test_kiosk_client import AnswerDroppingProxy

pytestmark = pytest.mark.e2e
WAIT_MS = 15_000


def tap(qtbot, widget) -> None:
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)


def book(live_server, day: dt.date) -> dict:
    admin = live_server.login("admin")
    clients = admin.get(live_server.url + "/api/v1/admin/clients", timeout=10).json()["clients"]
    if not clients:
        made = admin.post(live_server.url + "/api/v1/admin/clients", timeout=10,
                          json={"name": "portal", "unit": "SETJEN", "scopes": ["bookings:write"]}).json()
        live_server.portal_secret = made["secret"]
    import requests
    answer = requests.post(live_server.url + "/api/v1/bookings", timeout=10,
                           headers={"Authorization": f"Bearer {live_server.portal_secret}"},
                           json={"service": "PP", "date": day.isoformat(), "window_start": "00:00",
                                 "window_end": "23:59", "name": "Ibu Sari"})
    assert answer.status_code == 201, answer.text
    return answer.json()


@pytest.fixture
def shots(artifacts):
    folder = artifacts / "booking"
    folder.mkdir(parents=True, exist_ok=True)

    def save(window, name: str) -> None:
        QApplication.processEvents()
        assert window.grab().save(str(folder / f"kiosk-{name}.png"))
    return save


def test_a_booked_visitor_gets_her_ticket_and_bad_codes_say_what_to_do(qtbot, kiosk, live_server, shots):  # noqa: F811
    today = dt.datetime.now(ZoneInfo("Asia/Jakarta")).date()
    booking = book(live_server, today)
    screen = kiosk.booking
    assert screen.entry.isVisible() and screen.entry.text() == "Sudah daftar online?"
    tap(qtbot, screen.entry)
    assert kiosk.current_screen() is screen
    shots(kiosk, "code")
    for key in booking["code"].replace("-", ""):            # typed on the kiosk's own keys
        tap(qtbot, screen.keys[key])
    tap(qtbot, screen.ok_button)
    qtbot.waitUntil(lambda: kiosk.current_screen() is kiosk.ticket, timeout=WAIT_MS)
    shots(kiosk, "ticket")
    ticket = [t for t in live_server.login("p0-03").get(live_server.url + "/api/v1/booth", timeout=10)
              .json()["waiting"] if t["booked"]]
    assert len(ticket) == 1 and ticket[0]["service"] == "PP"   # the booth sees she booked

    kiosk.reset()
    tap(qtbot, screen.entry)
    qtbot.keyClicks(screen.code, booking["qr"])              # the scanner: the QR payload, then Enter
    qtbot.keyClick(screen.code, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: kiosk.current_screen() is kiosk.error, timeout=WAIT_MS)
    assert "sudah dipakai" in kiosk.error.message.text() + kiosk.error.title.text()
    shots(kiosk, "used")

    tomorrow = book(live_server, today + dt.timedelta(days=1))
    kiosk.reset()
    tap(qtbot, screen.entry)
    qtbot.keyClicks(screen.code, tomorrow["code"])
    qtbot.keyClick(screen.code, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: kiosk.current_screen() is kiosk.error, timeout=WAIT_MS)
    shown = kiosk.error.message.text() + kiosk.error.title.text()
    assert (today + dt.timedelta(days=1)).isoformat() in shown and "bukan hari ini" in shown

    kiosk.reset()
    tap(qtbot, screen.entry)
    qtbot.keyClicks(screen.code, "ACDE-FGHJ")
    qtbot.keyClick(screen.code, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: kiosk.current_screen() is kiosk.error, timeout=WAIT_MS)
    assert "tidak ditemukan" in kiosk.error.message.text() + kiosk.error.title.text()
    shots(kiosk, "unknown")


def booked_tickets(live_server) -> list[dict]:
    return [t for t in live_server.login("p0-03").get(live_server.url + "/api/v1/booth", timeout=10)
            .json()["waiting"] if t["booked"]]


def test_a_redemption_whose_answer_was_lost_is_retried_for_the_same_ticket(live_server):
    today = dt.datetime.now(ZoneInfo("Asia/Jakarta")).date()
    booking = book(live_server, today)
    proxy = AnswerDroppingProxy(live_server.port, drop=2)
    try:
        failures = []
        ticket = ServerClient(proxy.url, live_server.kiosk_token("proxy-kiosk")).redeem_booking(
            booking["code"], "id", "booking-tap-0001", on_unreachable=lambda n, _err: failures.append(n))
    finally:
        proxy.close()
    assert failures == [1, 2]                   # two answers lost; the third attempt got the ticket
    assert ticket["booked"] is True
    assert [t["number"] for t in booked_tickets(live_server)] == [ticket["number"]]


def test_the_kiosk_retries_a_redemption_until_the_server_is_back(qtbot, kiosk, live_server, printer_dir, shots):  # noqa: F811
    today = dt.datetime.now(ZoneInfo("Asia/Jakarta")).date()
    booking = book(live_server, today)
    live_server.stop()
    screen = kiosk.booking
    tap(qtbot, screen.entry)
    qtbot.keyClicks(screen.code, booking["qr"])
    qtbot.keyClick(screen.code, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: kiosk.current_screen() is kiosk.error, timeout=WAIT_MS)
    assert kiosk.error.kind == "unreachable"
    qtbot.waitUntil(lambda: kiosk.error.state[1] >= 2, timeout=WAIT_MS)   # it keeps trying by itself
    shots(kiosk, "unreachable")

    live_server.start()                                                   # same port, same database
    qtbot.waitUntil(lambda: kiosk.current_screen() is kiosk.ticket, timeout=30_000)
    tickets = booked_tickets(live_server)
    assert len(tickets) == 1 and len(list(printer_dir.glob("*.bin"))) == 1      # one ticket, printed once


def test_an_expired_code_says_to_take_an_ordinary_ticket(qtbot, kiosk, live_server, shots):  # noqa: F811
    import sqlite3
    local = dt.datetime.now(ZoneInfo("Asia/Jakarta"))
    if local.time() < dt.time(0, 20):
        pytest.skip("in the day's first 20 minutes no window of today has ended past its grace yet")
    booking = book(live_server, local.date())
    # Her window (booked for today) ended at 00:01: a booking's window cannot be made in the past through
    # the API, so the row is moved there, as the day's clock would have done.
    with sqlite3.connect(live_server.data_dir / "ptsa.db") as database:
        changed = database.execute("UPDATE booking SET window_start = '00:00', window_end = '00:01' WHERE code = ?",
                                   (booking["qr"].split(":")[-1],)).rowcount
    assert changed == 1
    tap(qtbot, kiosk.booking.entry)
    qtbot.keyClicks(kiosk.booking.code, booking["code"])
    qtbot.keyClick(kiosk.booking.code, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: kiosk.current_screen() is kiosk.error, timeout=WAIT_MS)
    shown = kiosk.error.message.text() + kiosk.error.title.text()
    assert "berakhir pukul 00:16" in shown and "tiket biasa" in shown         # 00:01 and the 15-minute grace
    shots(kiosk, "expired")
