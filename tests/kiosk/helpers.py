"""Helpers shared by the kiosk tests (kept out of conftest.py so test modules can import them)."""
from __future__ import annotations

from pathlib import Path

import requests

from kiosk.app import KioskWindow
from kiosk.config import KioskSettings
from printer import TicketPrinter

SCREEN = (1920, 1080)


def make_kiosk(qtbot, settings: KioskSettings) -> KioskWindow:
    printer = TicketPrinter(settings.printer, paper_mm=settings.paper_mm)
    window = KioskWindow(settings, printer)
    qtbot.addWidget(window)
    window.resize(*SCREEN)
    window.show()
    window.start()
    # Started means live: the Socket.IO snapshot has arrived. Tiles alone may come from the HTTP
    # answer, and a snapshot landing later would overwrite whatever a test did in between.
    qtbot.waitUntil(lambda: window.have_snapshot and len(window.home.tiles) > 0 and bool(window.home.office_name),
                    timeout=15_000)
    return window


def printed_files(printer_dir: Path) -> list[Path]:
    return sorted(printer_dir.glob("*.bin"))


def staff_get(live_server, username: str, path: str):
    session = live_server.login(username)
    response = session.get(live_server.url + path, timeout=10)
    response.raise_for_status()
    return response.json()


def issue_over_http(live_server, token: str, service: str, key: str, priority=None) -> dict:
    response = requests.post(live_server.url + "/api/v1/tickets", timeout=10,
                             headers={"Authorization": f"Bearer {token}"},
                             json={"service": service, "priority": priority, "idempotency_key": key,
                                   "language": "id"})
    assert response.status_code == 201, response.text
    return response.json()
