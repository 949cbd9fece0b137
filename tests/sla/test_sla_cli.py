"""`ptsa calendar` and `ptsa outbox`, as an operator runs them."""
from __future__ import annotations

import pytest

from tests.support.live import LiveServer


@pytest.fixture(scope="module")
def office(tmp_path_factory):
    server = LiveServer(tmp_path_factory.mktemp("cli"), env={"PTSA_CALENDAR_MODE": "office"})
    server.init()
    return server


def test_calendar_show_lists_hours_and_holidays(office):
    out = office.ptsa("calendar", "show", "--unit", "PHIJSK", "--from", "2026-03-16", "--days", "8").stdout
    lines = out.splitlines()
    assert lines[0] == "PHIJSK (Asia/Jakarta)"
    assert "2026-03-16 mon  07:30-12:00, 13:00-16:00" in out
    assert "2026-03-19 thu  closed" in out and "(public)" in out
    assert "2026-03-18 wed  closed" in out and "(cuti_bersama)" in out
    assert "2026-03-20 fri  closed" in out


def test_overrides_round_trip_and_bad_input(office):
    added = office.ptsa("calendar", "close", "2026-12-28", "2026-12-30", "--note", "Cuti bersama tambahan").stdout
    assert "override #" in added and "whole office" in added and "recomputed" in added
    listed = office.ptsa("calendar", "list").stdout
    assert "closed" in listed and "2026-12-28..2026-12-30" in listed and "Cuti bersama tambahan" in listed
    shown = office.ptsa("calendar", "show", "--from", "2026-12-28", "--days", "1").stdout
    assert "closed by override" in shown
    override_id = listed.split()[0].lstrip("#")
    assert "removed" in office.ptsa("calendar", "remove", override_id).stdout
    assert "no overrides" in office.ptsa("calendar", "list").stdout
    opened = office.ptsa("calendar", "open", "2026-03-18", "--unit", "BARENBANG-PUSDATIN").stdout
    assert "BARENBANG-PUSDATIN" in opened
    assert "open on cuti bersama" in office.ptsa("calendar", "cuti-bersama", "PHIJSK", "open").stdout
    bad = office.ptsa("calendar", "close", "28-12-2026", check=False)
    assert bad.returncode == 2 and "YYYY-MM-DD" in bad.stderr
    bad = office.ptsa("calendar", "show", "--unit", "NOPE", check=False)
    assert bad.returncode == 2 and "unknown unit" in bad.stderr


def test_outbox_status(office):
    out = office.ptsa("outbox").stdout
    assert out.startswith("outbox: 0 pending, 0 sending, 0 sent, 0 failed")
    assert "0 message(s) queued again" in office.ptsa("outbox", "--retry").stdout
