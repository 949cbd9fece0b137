"""What Ibu Sari sees on the kiosk (issue 8 item 6), offscreen under pytest-qt: the paper-out screen
shows her number and no picture of a ticket, the priority booth only where it applies and in her
language, the same wait words on screen and paper, and readable service names at 1024x768."""
from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtGui import QFontInfo
from PySide6.QtWidgets import QApplication

from kiosk import style
from kiosk.printing import PrintOutcome, ticket_data
from kiosk.screens import HomeScreen, TicketScreen
from kiosk.texts import format_wait
from printer.layout import Text, build_layout

TICKET = {"id": 7, "number": "P002", "service": "PP", "priority": None, "ahead": 2, "estimated_wait_s": 420,
          "service_name": {"id": "Pengesahan Peraturan Perusahaan", "en": "Company Regulation Ratification"},
          "booths": ["Booth 3", "Booth 4", "Booth 9 (Prioritas)"], "office": "PTSA",
          "business_day": "2026-11-24", "issued_at": "2026-11-24T02:00:00Z"}


def ticket_screen(qtbot, ticket, printed, language="id"):
    screen = TicketScreen()
    qtbot.addWidget(screen)
    screen.resize(1366, 768)
    screen.show()
    screen.show_outcome(PrintOutcome(ticket, printed, "ok" if printed else "paper_out", "", b""), language)
    QApplication.processEvents()
    return screen


def test_paper_out_shows_the_number_and_no_ticket_image(qtbot):
    screen = ticket_screen(qtbot, TICKET, printed=False)
    assert screen.failed.isVisible() and "petugas" in screen.failed.text()
    assert screen.number.isVisible() and screen.number.text() == "P002"
    assert not screen.image.isVisible()
    assert not screen.take.isVisible()
    printed = ticket_screen(qtbot, TICKET, printed=True)
    assert printed.image.isVisible() and not printed.failed.isVisible()


@pytest.mark.parametrize("priority,language,expected", [
    (None, "id", "Menuju: Booth 3, Booth 4"),
    (None, "en", "Go to: Booth 3, Booth 4"),
    ("lansia", "id", "Menuju: Booth 3, Booth 4, Booth 9 (Prioritas)"),
    ("lansia", "en", "Go to: Booth 3, Booth 4, Booth 9 (Priority)"),
])
def test_the_priority_booth_only_where_it_applies_and_translated(qtbot, priority, language, expected):
    ticket = dict(TICKET, priority=priority)
    screen = ticket_screen(qtbot, ticket, printed=True, language=language)
    assert screen.booths.text() == expected
    data = ticket_data(ticket, language, "Asia/Jakarta")
    assert data.booth_area == expected                      # the paper says the same


@pytest.mark.parametrize("language", ["id", "en"])
def test_screen_and_paper_say_the_wait_the_same_way(qtbot, language):
    screen = ticket_screen(qtbot, TICKET, printed=True, language=language)
    shown = screen.wait_value.text()
    assert shown == format_wait(420, language) and shown.isascii()
    data = ticket_data(TICKET, language, "Asia/Jakarta")
    lines = [e.text for e in build_layout(data, 48) if isinstance(e, Text)]
    assert any(line.endswith(shown) for line in lines), lines


def test_service_names_keep_a_minimum_size_at_1024x768(qtbot, database):
    from intranet_server.reads import queue as queue_reads
    services = queue_reads.services_summary()
    home = HomeScreen()
    qtbot.addWidget(home)
    home.setStyleSheet(style.stylesheet(style.scale_for(1024, 768)))
    home.resize(1024, 768)
    home.show()
    home.set_services(services)
    home.set_scale(style.scale_for(1024, 768), True)
    deadline = dt.datetime.now() + dt.timedelta(seconds=5)
    while dt.datetime.now() < deadline and home.fit > 0.85:   # let the fit-to-screen pass settle
        qtbot.wait(50)
    QApplication.processEvents()
    sizes = {code: QFontInfo(tile.name.font()).pixelSize() for code, tile in home.tiles.items()}
    assert sizes and min(sizes.values()) >= style.MIN_NAME_PX, sizes


@pytest.mark.parametrize("language", ["id", "en"])
@pytest.mark.parametrize("size", [(1024, 768), (1366, 768), (1920, 1080)], ids=lambda s: f"{s[0]}x{s[1]}")
def test_kiosk_screens_are_photographed(qtbot, database, artifacts, language, size):
    """Home and the paper-out ticket screen, for a person to look at (test-artifacts/screens/)."""
    from intranet_server.reads import queue as queue_reads
    folder = artifacts / "screens"
    folder.mkdir(parents=True, exist_ok=True)
    scale = style.scale_for(*size)
    home = HomeScreen()
    qtbot.addWidget(home)
    home.setStyleSheet(style.stylesheet(scale))
    home.resize(*size)
    home.show()
    home.set_services(queue_reads.services_summary())
    home.retranslate(language)
    home.set_scale(scale, size[0] > size[1])
    qtbot.wait(300)                                   # the fit-to-screen pass runs on the event loop
    assert home.grab().save(str(folder / f"kiosk-home-{language}-{size[0]}x{size[1]}.png"))
    screen = ticket_screen(qtbot, dict(TICKET, priority="lansia"), printed=False, language=language)
    screen.setStyleSheet(style.stylesheet(scale))
    screen.resize(*size)
    screen.set_scale(scale, size[0] > size[1])
    QApplication.processEvents()
    assert screen.grab().save(str(folder / f"kiosk-paper-out-{language}-{size[0]}x{size[1]}.png"))
