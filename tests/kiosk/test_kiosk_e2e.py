"""The kiosk end to end: offscreen Qt, a real server subprocess, the virtual printer.

Every screen is saved to test-artifacts/kiosk/ so a person can look at it as a visitor would."""
from __future__ import annotations

import uuid

import pytest
import requests
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication, QLineEdit, QSpinBox, QTextEdit

from tests.kiosk.helpers import issue_over_http, make_kiosk, printed_files, staff_get

pytestmark = pytest.mark.e2e
WAIT_MS = 15_000


@pytest.fixture
def shots(artifacts):
    folder = artifacts / "kiosk"
    folder.mkdir(parents=True, exist_ok=True)

    def save(window, name: str) -> None:
        QApplication.processEvents()  # pending layout requests first, so the picture is what is shown
        assert window.grab().save(str(folder / f"{name}.png"))
    return save


def tap(qtbot, widget) -> None:
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)


def waiting_tickets(live_server, username="p0-03") -> list[dict]:
    return staff_get(live_server, username, "/api/v1/booth")["waiting"]


def test_a_tap_prints_the_number_the_server_issued(qtbot, kiosk, live_server, printer_dir, shots):
    shots(kiosk, "home-id")
    tap(qtbot, kiosk.home.tiles["PP"])
    shots(kiosk, "issuing")  # the tap shows Issuing at once; the network work is on a worker thread
    assert kiosk.current_screen() is kiosk.issuing
    qtbot.waitUntil(lambda: kiosk.current_screen() is kiosk.ticket, timeout=WAIT_MS)
    shots(kiosk, "ticket")

    waiting = waiting_tickets(live_server)
    assert [t["number"] for t in waiting] == ["P001"]
    files = printed_files(printer_dir)
    assert len(files) == 1 and files[0].name.endswith("P001.bin")
    data = files[0].read_bytes()
    assert b"P001" in data and b"Pengesahan Peraturan Perusahaan" in data
    assert b"\x1dV" in data  # cut
    assert files[0].with_suffix(".png").exists()
    assert kiosk.ticket.number.text() == "P001"
    assert kiosk.ticket.outcome.printed and not kiosk.ticket.failed.isVisible()
    assert kiosk.ticket.outcome.preview_png.startswith(b"\x89PNG")
    assert kiosk.ticket.please_wait.text() == "Silakan tunggu nomor Anda dipanggil"
    # The print outcome and the printer's health reach the server.
    qtbot.waitUntil(lambda: waiting_tickets(live_server)[0]["print_state"] == "printed", timeout=WAIT_MS)
    kiosks = staff_get(live_server, "p0-03", "/api/v1/kiosks")
    assert kiosks[0]["name"] == "lobby-1" and kiosks[0]["printer_status"] == "ok"

    tap(qtbot, kiosk.ticket.done_button)
    assert kiosk.current_screen() is kiosk.home


def test_priority_path_asks_no_personal_data(qtbot, kiosk, live_server, printer_dir, shots):
    tap(qtbot, kiosk.home.priority_button)
    assert kiosk.current_screen() is kiosk.priority_screen
    shots(kiosk, "priority")
    for screen in (kiosk.home, kiosk.priority_screen):  # nothing to type: no ID, no phone number
        assert not screen.findChildren(QLineEdit) + screen.findChildren(QTextEdit) + screen.findChildren(QSpinBox)
    tap(qtbot, kiosk.priority_screen.buttons["lansia"])
    assert kiosk.current_screen() is kiosk.home and kiosk.priority == "lansia"
    assert kiosk.home.banner.isVisible() and not kiosk.home.priority_button.isVisible()
    shots(kiosk, "home-priority-chosen")
    tap(qtbot, kiosk.home.tiles["PP"])
    qtbot.waitUntil(lambda: kiosk.current_screen() is kiosk.ticket, timeout=WAIT_MS)

    assert waiting_tickets(live_server)[0]["priority"] == "lansia"
    assert b"Prioritas: Lansia" in printed_files(printer_dir)[0].read_bytes()
    assert kiosk.ticket.priority_tag.isVisible()
    tap(qtbot, kiosk.ticket.done_button)
    assert kiosk.priority is None and kiosk.home.priority_button.isVisible()


def walk_away(kiosk) -> None:
    """The visitor leaves now: the running idle timer, restarted with a short interval (the setting
    is in seconds, min 5 s). Shortened only here, so no tap or ticket issue races a 300 ms timer."""
    assert kiosk.idle_timer.isActive()  # the last tap armed it
    kiosk.idle_timer.setInterval(300)   # restarts a running QTimer


def test_idle_reset_returns_home_in_bahasa_indonesia(qtbot, kiosk):
    tap(qtbot, kiosk.home.language_button)
    assert kiosk.language == "en"
    tap(qtbot, kiosk.home.priority_button)
    tap(qtbot, kiosk.priority_screen.buttons["anak"])
    assert kiosk.priority == "anak"
    walk_away(kiosk)
    qtbot.waitUntil(lambda: kiosk.priority is None and kiosk.language == "id", timeout=WAIT_MS)
    assert kiosk.current_screen() is kiosk.home
    assert kiosk.home.language_button.text() == "English"

    # From the ticket screen too.
    kiosk.idle_timer.setInterval(WAIT_MS * 4)
    tap(qtbot, kiosk.home.tiles["DATA"])
    qtbot.waitUntil(lambda: kiosk.current_screen() is kiosk.ticket, timeout=WAIT_MS)
    walk_away(kiosk)
    qtbot.waitUntil(lambda: kiosk.current_screen() is kiosk.home, timeout=WAIT_MS)


def test_language_switch_changes_texts_and_the_ticket(qtbot, kiosk, live_server, printer_dir, shots):
    sent = []
    issue = kiosk.client.try_issue_ticket

    def spy(service, priority, language, key):
        sent.append(language)
        return issue(service, priority, language, key)
    kiosk.client.try_issue_ticket = spy

    before = kiosk.home.tiles["PP"].name.text()
    tap(qtbot, kiosk.home.language_button)
    assert kiosk.home.tiles["PP"].name.text() == "Ratification of Company Regulations" != before
    assert kiosk.home.language_button.text() == "Bahasa Indonesia"
    assert kiosk.home.priority_button.name.text().startswith("Priority:")
    assert kiosk.home.instruction.text() == "Touch the service you need to take a queue number"
    shots(kiosk, "home-en")
    tap(qtbot, kiosk.home.tiles["PP"])
    qtbot.waitUntil(lambda: kiosk.current_screen() is kiosk.ticket, timeout=WAIT_MS)

    assert sent == ["en"]
    data = printed_files(printer_dir)[0].read_bytes()
    assert b"Queue number" in data and b"Ratification of Company Regulations" in data
    assert kiosk.ticket.please_wait.text() == "Please wait until your number is called"
    shots(kiosk, "ticket-en")


def test_server_down_then_back_issues_exactly_one_ticket(qtbot, kiosk, live_server, printer_dir, shots):
    live_server.stop()
    tap(qtbot, kiosk.home.tiles["PP"])
    qtbot.waitUntil(lambda: kiosk.current_screen() is kiosk.error, timeout=WAIT_MS)
    assert kiosk.error.kind == "unreachable"
    assert kiosk.error.title.text() == "Server tidak dapat dihubungi, mencoba lagi…"
    qtbot.waitUntil(lambda: kiosk.error.state[1] >= 2, timeout=WAIT_MS)  # it keeps trying by itself
    shots(kiosk, "error-unreachable")
    assert not printed_files(printer_dir)

    live_server.start()  # same port, same database
    qtbot.waitUntil(lambda: kiosk.current_screen() is kiosk.ticket, timeout=30_000)
    display = requests.get(live_server.url + "/api/v1/display", timeout=10).json()
    assert display["waiting_total"] == 1
    assert [t["number"] for t in waiting_tickets(live_server)] == ["P001"]
    assert len(printed_files(printer_dir)) == 1
    # Live updates come back after the restart too.
    qtbot.waitUntil(lambda: kiosk.feed.connected, timeout=WAIT_MS)


def test_cancel_while_the_server_is_down(qtbot, kiosk, live_server):
    live_server.stop()
    tap(qtbot, kiosk.home.tiles["DATA"])
    qtbot.waitUntil(lambda: kiosk.current_screen() is kiosk.error, timeout=WAIT_MS)
    tap(qtbot, kiosk.error.button)
    assert kiosk.current_screen() is kiosk.home and kiosk.job is None
    live_server.start()
    # The cancelled tap stays cancelled: nothing is issued when the server returns.
    assert requests.get(live_server.url + "/api/v1/display", timeout=10).json()["waiting_total"] == 0


def test_paper_out_shows_the_number_and_tells_the_server(qtbot, kiosk, live_server, printer_dir, shots):
    (printer_dir / "state").write_text("paper_out\n")
    tap(qtbot, kiosk.home.tiles["PP"])
    qtbot.waitUntil(lambda: kiosk.current_screen() is kiosk.ticket, timeout=WAIT_MS)
    assert not kiosk.ticket.outcome.printed
    assert kiosk.ticket.failed.isVisible()
    assert kiosk.ticket.failed.text() == "Tiket tidak tercetak — tunjukkan nomor ini kepada petugas"
    assert kiosk.ticket.number.text() == "P001" and not kiosk.ticket.take.isVisible()
    assert not printed_files(printer_dir)
    shots(kiosk, "ticket-print-failed")

    def reported() -> bool:
        kiosks = staff_get(live_server, "p0-03", "/api/v1/kiosks")
        return kiosks[0]["printer_status"] == "paper_out"
    qtbot.waitUntil(reported, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: waiting_tickets(live_server)[0]["print_state"] == "failed", timeout=WAIT_MS)

    tap(qtbot, kiosk.ticket.done_button)
    assert kiosk.home.notice.isVisible()  # the next visitor is warned before tapping
    shots(kiosk, "home-printer-problem")


def test_ticket_screen_in_english_when_printing_failed(qtbot, kiosk, printer_dir, shots):
    (printer_dir / "state").write_text("offline\n")
    tap(qtbot, kiosk.home.language_button)
    tap(qtbot, kiosk.home.tiles["K3"])
    qtbot.waitUntil(lambda: kiosk.current_screen() is kiosk.ticket, timeout=WAIT_MS)
    assert kiosk.ticket.failed.text() == "Ticket could not be printed — please show this number to an officer"
    assert kiosk.ticket.outcome.printer_state == "offline"
    shots(kiosk, "ticket-print-failed-en")


def test_live_update_of_waiting_counts(qtbot, kiosk, live_server, kiosk_token):
    tile = kiosk.home.tiles["K3"]
    assert tile.state.text() == "Tidak ada antrean"
    qtbot.waitUntil(lambda: kiosk.feed.connected, timeout=WAIT_MS)
    issue_over_http(live_server, kiosk_token, "K3", uuid.uuid4().hex)
    issue_over_http(live_server, kiosk_token, "K3", uuid.uuid4().hex)
    qtbot.waitUntil(lambda: tile.state.text().replace("\u00a0", " ").startswith("2 orang menunggu"),
                    timeout=WAIT_MS)
    assert tile.summary["waiting"] == 2


def test_refusal_shows_the_servers_message(qtbot, kiosk, monkeypatch, shots):
    from kiosk.client import ServerRefused

    def closed(*_args):
        raise ServerRefused(409, "daily_cap_reached",
                            "Kuota antrean hari ini sudah habis / Today's ticket quota is used up")
    monkeypatch.setattr(kiosk.client, "try_issue_ticket", closed)
    tap(qtbot, kiosk.home.tiles["WLKP"])
    qtbot.waitUntil(lambda: kiosk.current_screen() is kiosk.error, timeout=WAIT_MS)
    assert kiosk.error.kind == "refused"
    assert kiosk.error.message.text() == "Kuota antrean hari ini sudah habis"
    shots(kiosk, "error-refused")
    tap(qtbot, kiosk.error.button)
    assert kiosk.current_screen() is kiosk.home


def test_booth_reprint_prints_again_on_this_kiosk(qtbot, kiosk, live_server, printer_dir):
    (printer_dir / "state").write_text("paper_out\n")
    tap(qtbot, kiosk.home.tiles["PP"])
    qtbot.waitUntil(lambda: kiosk.current_screen() is kiosk.ticket, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: waiting_tickets(live_server)[0]["print_state"] == "failed", timeout=WAIT_MS)
    qtbot.waitUntil(lambda: kiosk.feed.connected, timeout=WAIT_MS)
    (printer_dir / "state").write_text("ok\n")  # the officer put a new roll in

    ticket_id = waiting_tickets(live_server)[0]["id"]
    session = live_server.login("p0-03")
    answer = session.post(f"{live_server.url}/api/v1/tickets/{ticket_id}/reprint", timeout=10)
    assert answer.status_code == 202, answer.text
    qtbot.waitUntil(lambda: len(printed_files(printer_dir)) == 1, timeout=WAIT_MS)
    assert b"P001" in printed_files(printer_dir)[0].read_bytes()
    qtbot.waitUntil(lambda: waiting_tickets(live_server)[0]["print_state"] == "printed", timeout=WAIT_MS)
    assert kiosk.current_screen() is kiosk.ticket  # the visitor's screen was not disturbed


def test_closing_needs_the_admin_gesture_and_pin(qtbot, kiosk, shots):
    kiosk.close()
    assert kiosk.isVisible()  # a visitor cannot close it
    corner = QPoint(20, 20)
    for _ in range(5):
        qtbot.mouseClick(kiosk.home.title, Qt.MouseButton.LeftButton,
                         pos=kiosk.home.title.mapFrom(kiosk, corner))
    assert kiosk.current_screen() is kiosk.admin
    for key in "1111":
        tap(qtbot, kiosk.admin.keys[key])
    tap(qtbot, kiosk.admin.keys["ok"])
    assert kiosk.admin.status.text() == "PIN salah" and not kiosk.admin.unlocked
    kiosk.close()
    assert kiosk.isVisible()
    for key in "2468":
        tap(qtbot, kiosk.admin.keys[key])
    shots(kiosk, "admin-pin")
    tap(qtbot, kiosk.admin.keys["ok"])
    assert kiosk.admin.unlocked and kiosk.admin.exit_button.isVisible()
    tap(qtbot, kiosk.admin.exit_button)
    assert not kiosk.isVisible()


def test_four_corner_taps_or_slow_taps_do_not_open_admin(qtbot, kiosk):
    for _ in range(4):
        qtbot.mouseClick(kiosk.home.title, Qt.MouseButton.LeftButton, pos=QPoint(10, 10))
    tap(qtbot, kiosk.home.instruction)  # a tap elsewhere breaks the sequence
    qtbot.mouseClick(kiosk.home.title, Qt.MouseButton.LeftButton, pos=QPoint(10, 10))
    assert kiosk.current_screen() is not kiosk.admin


def test_portrait_screen_shows_every_service(qtbot, kiosk_settings, shots):
    window = make_kiosk(qtbot, kiosk_settings)
    try:
        window.resize(1080, 1920)
        qtbot.waitUntil(lambda: window.home.mode == "rows", timeout=WAIT_MS)
        shots(window, "home-portrait")
        assert not window.home.scroll.verticalScrollBar().isVisible()
    finally:
        window.admin.unlocked = True
        window.shutdown()


def test_a_closed_service_says_why_and_still_answers_a_tap(qtbot, kiosk, shots):
    summary = dict(kiosk.home.tiles["TKA"].summary, open=False,
                   closed_reason="Pengambilan antrean ditutup pukul 15:30 / Tickets close at 15:30")
    kiosk.bridge.service.emit(summary)  # as a live event would deliver it
    tile = kiosk.home.tiles["TKA"]
    qtbot.waitUntil(lambda: tile.property("closed") == "true", timeout=WAIT_MS)
    assert tile.state.text() == "TUTUP — Pengambilan antrean ditutup pukul 15:30"
    shots(kiosk, "home-closed-service")
    tap(qtbot, kiosk.home.language_button)
    assert tile.state.text() == "CLOSED — Tickets close at 15:30"
