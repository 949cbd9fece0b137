"""Kiosk fixtures: a KioskWindow on the offscreen platform, talking to a real `ptsa serve`
subprocess (tests/conftest.py `live_server`) and printing on a virtual printer directory."""
from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.config import KioskSettings
from tests.kiosk.helpers import make_kiosk


@pytest.fixture
def printer_dir(tmp_path) -> Path:
    path = tmp_path / "printer"
    path.mkdir()
    return path


@pytest.fixture
def kiosk_token(live_server) -> str:
    return live_server.kiosk_token("lobby-1")


@pytest.fixture
def kiosk_settings(live_server, kiosk_token, printer_dir) -> KioskSettings:
    return KioskSettings(server=live_server.url, token=kiosk_token, printer=f"virtual:{printer_dir}",
                         fullscreen=False, admin_pin="2468", idle_reset_s=45)


@pytest.fixture
def kiosk(qtbot, kiosk_settings):
    """A started kiosk showing Home with the server's services."""
    window = make_kiosk(qtbot, kiosk_settings)
    yield window
    window.admin.unlocked = True  # let the window close
    window.shutdown()
    window.close()
