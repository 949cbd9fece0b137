"""Kiosk pieces without a screen: settings, texts, ticket mapping, the socket feed's ordering, and
the import boundary (the kiosk is another machine)."""
from __future__ import annotations

import datetime as dt
import subprocess
import sys
from types import SimpleNamespace

import pytest

from kiosk import printing
from kiosk.client import LobbyFeed
from kiosk.config import KioskConfigError, load_settings, parse_duration
from kiosk.texts import format_wait, pick_language
from printer import PrinterStatus, TicketPrinter
from printer.layout import format_wait as printed_wait

ROOT = __import__("pathlib").Path(__file__).resolve().parents[2]


# ---- settings -----------------------------------------------------------------------------

def write_config(tmp_path, text: str) -> str:
    path = tmp_path / "ptsa.toml"
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_settings_from_file_env_and_command_line(tmp_path):
    path = write_config(tmp_path, """
[office]
timezone = "Asia/Makassar"
[kiosk]
server = "http://10.0.0.2:8080/"
token = "from-file"
printer = "network:lobby-printer"
paper_mm = 58
idle_reset = "1m30s"
admin_pin = "1234"
office = "PTSA Makassar"
""")
    env = {"PTSA_CONFIG": path, "PTSA_KIOSK_TOKEN": "from-env", "PTSA_KIOSK_FULLSCREEN": "false"}
    settings = load_settings(environ=env, overrides={"printer": "virtual:/tmp/x", "server": None})
    assert settings.server == "http://10.0.0.2:8080"
    assert settings.token == "from-env"
    assert settings.printer == "virtual:/tmp/x"  # the command line wins; None means "from config"
    assert settings.paper_mm == 58 and settings.idle_reset_s == 90
    assert settings.fullscreen is False and settings.admin_pin == "1234"
    assert settings.office == "PTSA Makassar" and settings.timezone == "Asia/Makassar"
    assert settings.language == "id" and settings.profile is None


@pytest.mark.parametrize("env, message", [
    ({}, "no kiosk token"),
    ({"PTSA_KIOSK_TOKEN": "t", "PTSA_KIOSK_SERVER": ""}, "no server"),
    ({"PTSA_KIOSK_TOKEN": "t", "PTSA_KIOSK_SERVER": "ftp://x"}, "http:// or https://"),
    ({"PTSA_KIOSK_TOKEN": "t"}, "admin_pin is not set"),  # full screen by default: needs a PIN
    ({"PTSA_KIOSK_TOKEN": "t", "PTSA_KIOSK_ADMIN_PIN": "12a4"}, "4 to 12 digits"),
    ({"PTSA_KIOSK_TOKEN": "t", "PTSA_KIOSK_FULLSCREEN": "false", "PTSA_KIOSK_IDLE_RESET": "2s"}, "at least 5s"),
    ({"PTSA_KIOSK_TOKEN": "t", "PTSA_KIOSK_FULLSCREEN": "false", "PTSA_KIOSK_PAPER_MM": "70"}, "58 or 80"),
    ({"PTSA_KIOSK_TOKEN": "t", "PTSA_KIOSK_FULLSCREEN": "false", "PTSA_KIOSK_LANGUAGE": "fr"}, '"id" or "en"'),
    ({"PTSA_KIOSK_TOKEN": "t", "PTSA_KIOSK_FULLSCREEN": "maybe"}, "true or false"),
    ({"PTSA_CONFIG": "/nonexistent/ptsa.toml"}, "does not exist"),
])
def test_settings_errors_name_the_problem(env, message):
    with pytest.raises(KioskConfigError, match=message):
        load_settings(environ=env)


def test_unknown_kiosk_key_in_the_file_is_an_error(tmp_path):
    path = write_config(tmp_path, '[kiosk]\ntoken = "t"\nidle_rest = "30s"\n')
    with pytest.raises(KioskConfigError, match="unknown .* idle_rest"):
        load_settings(environ={"PTSA_CONFIG": path})


@pytest.mark.parametrize("text, seconds", [
    ("45s", 45), ("2m", 120), ("1m30s", 90), ("90", 90), (30, 30), ("1h", 3600), ("2.5s", 2.5)])
def test_durations(text, seconds):
    assert parse_duration(text) == seconds


@pytest.mark.parametrize("bad", ["", "soon", "5 minutes", True, "m"])
def test_bad_durations(bad):
    with pytest.raises(KioskConfigError):
        parse_duration(bad)


# ---- texts --------------------------------------------------------------------------------

@pytest.mark.parametrize("seconds", [0, 20, 29, 31, 600, 3599, 3600, 3900, 7300])
@pytest.mark.parametrize("language", ["id", "en"])
def test_screen_and_ticket_say_the_same_wait(seconds, language):
    assert format_wait(seconds, language) == printed_wait(seconds, language)


def test_bilingual_server_messages_are_split_only_when_unambiguous():
    message = "Kuota antrean hari ini sudah habis / Today's ticket quota is used up"
    assert pick_language(message, "id") == "Kuota antrean hari ini sudah habis"
    assert pick_language(message, "en") == "Today's ticket quota is used up"
    odd = "Layanan RTK Mikro / RTKD / RTKN tutup / closed"
    assert pick_language(odd, "en") == odd


# ---- from the server's ticket to the printer ----------------------------------------------

TICKET = {
    "id": 7, "number": "P002", "service": "PP",
    "service_name": {"id": "Pengesahan Peraturan Perusahaan", "en": "Ratification of Company Regulations"},
    "priority": "lansia", "issued_at": "2026-11-24T02:15:00.123456Z", "business_day": "2026-11-24",
    "ahead": 3, "estimated_wait_s": 900, "office": "PTSA Kementerian Ketenagakerjaan",
    "booths": ["Booth 3", "Booth 9 (Prioritas)"],
}


def test_ticket_data_in_local_time_with_priority_and_booths():
    data = printing.ticket_data(TICKET, "id", "Asia/Jakarta")
    assert data.number == "P002" and data.service_code == "PP"
    assert data.issued_at == dt.datetime(2026, 11, 24, 9, 15, 0, 123456, tzinfo=data.issued_at.tzinfo)
    assert data.issued_at.tzname() == "WIB"
    assert data.priority_label == "Prioritas: Lansia"
    assert data.booth_area == "Menuju: Booth 3, Booth 9 (Prioritas)"
    assert data.reference == "PTSA-20261124-P002-7"
    english = printing.ticket_data(TICKET, "en", "Asia/Jakarta", office="PTSA Makassar")
    assert english.service_name == "Ratification of Company Regulations"
    assert english.priority_label == "Priority: Elderly" and english.office_name == "PTSA Makassar"


@pytest.mark.parametrize("status, state", [
    (PrinterStatus(True, "ok"), "ok"),
    (PrinterStatus(True, "near_end"), "near_end"),
    (PrinterStatus(True, "out"), "paper_out"),
    (PrinterStatus(False, "unknown"), "offline"),
    (PrinterStatus(None, "unknown"), "unknown"),  # no answer is never reported as fine
    (PrinterStatus(True, "unknown"), "unknown"),
])
def test_printer_states_as_the_server_knows_them(status, state):
    assert printing.printer_state(status) == state


class Reports:
    def __init__(self):
        self.sent = []

    def printed(self, *args):
        self.sent.append(("printed", *args))

    def printer_state(self, *args):
        self.sent.append(("printer", *args))


@pytest.mark.parametrize("condition, printed, state", [
    ("ok", True, "ok"), ("near_end", True, "near_end"), ("paper_out", False, "paper_out"),
    ("offline", False, "offline")])
def test_print_and_report(tmp_path, condition, printed, state):
    printer = TicketPrinter(f"virtual:{tmp_path}")
    printer.printer.simulate(condition)
    reports = Reports()
    outcome = printing.print_and_report(printer, reports, TICKET, "id", "Asia/Jakarta")
    assert outcome.printed is printed and outcome.printer_state == state
    assert outcome.preview_png.startswith(b"\x89PNG")  # shown on screen whatever happened
    assert reports.sent[0][:3] == ("printed", 7, printed)
    assert reports.sent[1][:2] == ("printer", state)
    assert len(list(tmp_path.glob("*.bin"))) == (1 if printed else 0)


def test_a_printer_that_cannot_report_status_is_unknown(tmp_path):
    printer = TicketPrinter(f"file:{tmp_path / 'lp0'}")
    outcome = printing.print_and_report(printer, None, TICKET, "id", "Asia/Jakarta")
    assert outcome.printed and outcome.printer_state == "unknown"
    assert b"P002" in (tmp_path / "lp0").read_bytes()


# ---- socket feed ordering -----------------------------------------------------------------

def feed_with_log():
    log = []
    feed = LobbyFeed("http://127.0.0.1:1", "t", on_snapshot=lambda s: log.append(("snapshot", s)),
                     on_service=lambda s: log.append(("service", s["code"])))
    feed.sio = SimpleNamespace(emit=lambda event, data, callback=None: log.append(("emit", event, data)))
    return feed, log


def test_feed_applies_events_in_order_and_resyncs_on_a_gap():
    feed, log = feed_with_log()
    feed._sync_answer({"ok": True, "rooms": {"lobby": {"snapshot": {"services": [{"code": "PP"}]}, "seq": 10}}})
    feed._service_event({"service": {"code": "PP"}, "seq": 11})
    feed._service_event({"service": {"code": "PP"}, "seq": 11})  # duplicate: ignored
    feed._service_event({"service": {"code": "K3"}, "seq": 13})  # 12 was missed: ask again
    assert log == [("snapshot", [{"code": "PP"}]), ("service", "PP"),
                   ("emit", "sync", {"rooms": {"lobby": 11}})]
    log.clear()
    feed._sync_answer({"ok": True, "rooms": {"lobby": {"events": [
        ["service", {"service": {"code": "DATA"}, "seq": 12}],
        ["service", {"service": {"code": "K3"}, "seq": 13}]], "seq": 13}}})
    assert log == [("service", "DATA"), ("service", "K3")] and feed.lobby_seq == 13


def test_feed_passes_reprints_on():
    seen = []
    feed = LobbyFeed("http://127.0.0.1:1", "t", on_reprint=seen.append)
    feed._reprint_event({"ticket": {"number": "P001"}, "room": "kiosk:x", "seq": 1})
    feed._reprint_event({"nothing": 1})
    assert seen == [{"number": "P001"}]


# ---- the kiosk is another machine ---------------------------------------------------------

def test_kiosk_never_imports_the_server_or_the_database():
    code = ("import sys, kiosk.app, kiosk.client, kiosk.config, kiosk.printing, kiosk.screens; "
            "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('db', 'intranet_server', 'peewee', "
            "'flask')); print(bad); sys.exit(1 if bad else 0)")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr


def test_main_reports_a_missing_token_clearly(monkeypatch, capsys):
    from kiosk.app import main
    for name in ("PTSA_CONFIG", "PTSA_KIOSK_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    args = SimpleNamespace(server="http://127.0.0.1:9", token=None, printer=None, windowed=True)
    assert main(args) == 2
    assert "no kiosk token" in capsys.readouterr().err


def test_main_reports_a_bad_printer_setting(monkeypatch, capsys, qapp):
    from kiosk.app import main
    monkeypatch.delenv("PTSA_CONFIG", raising=False)
    args = SimpleNamespace(server="http://127.0.0.1:9", token="t", printer="usb:zz", windowed=True)
    assert main(args) == 2
    assert "invalid printer setting" in capsys.readouterr().err
