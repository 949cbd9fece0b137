import socket
import time

import pytest

from printer import (
    PaperOutError,
    PrinterError,
    PrinterOfflineError,
    PrinterSpecError,
    PrinterStatus,
    TicketPrinter,
)


def test_bad_spec_raises_at_construction():
    with pytest.raises(PrinterSpecError):
        TicketPrinter("usb:nothex:1")
    with pytest.raises(PrinterSpecError):
        TicketPrinter("dummy", paper_mm=76)
    with pytest.raises(PrinterSpecError):
        TicketPrinter("dummy", timeout=0)


def test_dummy_status_unknown_and_prints(ticket):
    printer = TicketPrinter("dummy")
    assert printer.status() == PrinterStatus(None, "unknown", "this connection cannot report printer status")
    result = printer.print_ticket(ticket)
    assert result.bytes_sent == printer.printer.output  # no status query bytes mixed in
    assert result.status_after.online is None and result.warning is None


def test_file_printer_status_unknown_and_appends(tmp_path, ticket, make_ticket):
    target = tmp_path / "lp0"
    printer = TicketPrinter(f"file:{target}")
    status = printer.status()
    assert status.online is None and status.paper == "unknown" and status.can_print
    first = printer.print_ticket(ticket)
    second = printer.print_ticket(make_ticket(number="A008"))
    assert target.read_bytes() == first.bytes_sent + second.bytes_sent  # nothing but the tickets


def test_profile_sets_columns(ticket):
    assert TicketPrinter("dummy", profile="TM-T88V").width_chars == 42
    assert TicketPrinter("dummy", profile="NT-80-V-UL").width_chars == 48  # profile says 12: ignored
    assert TicketPrinter("dummy", paper_mm=58).width_chars == 32
    assert TicketPrinter("dummy").width_chars == 48


def test_preview_png(ticket):
    png = TicketPrinter("dummy", paper_mm=58).preview_png(ticket)
    assert png.startswith(b"\x89PNG")


def test_network_printer_receives_the_ticket(fake_printer, ticket):
    server = fake_printer()
    printer = TicketPrinter(server.spec, timeout=2.0)
    assert printer.status() == PrinterStatus(True, "ok", "")
    result = printer.print_ticket(ticket)
    assert result.status_before.online is True and result.status_after.paper == "ok"
    deadline = time.monotonic() + 3
    while result.bytes_sent not in bytes(server.received) and time.monotonic() < deadline:
        time.sleep(0.02)
    assert result.bytes_sent in bytes(server.received)
    assert b"A007" in result.bytes_sent and b"\x1d(k" in result.bytes_sent
    assert server.connections == 2  # one per operation: status(), print_ticket()


def test_network_printer_near_end(fake_printer, ticket):
    server = fake_printer(paper_reply=0x12 | 0x0C)
    result = TicketPrinter(server.spec, timeout=2.0).print_ticket(ticket)
    assert result.status_after == PrinterStatus(True, "near_end", "")
    assert result.warning


def test_network_printer_out_of_paper_is_refused(fake_printer, ticket):
    server = fake_printer(paper_reply=0x72)
    printer = TicketPrinter(server.spec, timeout=2.0)
    with pytest.raises(PaperOutError):
        printer.print_ticket(ticket)
    time.sleep(0.2)
    assert b"A007" not in bytes(server.received)


def test_network_printer_reporting_offline_is_refused(fake_printer, ticket):
    server = fake_printer(online_reply=0x12 | 0x08)
    with pytest.raises(PrinterOfflineError):
        TicketPrinter(server.spec, timeout=2.0).print_ticket(ticket)
    assert b"A007" not in bytes(server.received)


def test_network_printer_without_status_support_is_unknown_not_offline(fake_printer, ticket):
    server = fake_printer(online_reply=None, paper_reply=None)
    printer = TicketPrinter(server.spec, timeout=5.0)
    started = time.monotonic()
    status = printer.status()
    assert time.monotonic() - started < 2.5  # short status timeout, not the 5 s connection timeout
    assert status.online is None and status.paper == "unknown" and "did not answer" in status.detail
    result = printer.print_ticket(ticket)  # unknown does not block printing
    time.sleep(0.2)
    assert result.bytes_sent in bytes(server.received)


def test_garbage_status_reply_is_unknown(fake_printer):
    server = fake_printer(online_reply=0xFF)
    status = TicketPrinter(server.spec, timeout=2.0).status()
    assert status.online is None and "0xff" in status.detail


def test_network_printer_not_listening(closed_port, ticket):
    printer = TicketPrinter(f"network:127.0.0.1:{closed_port}", timeout=2.0)
    started = time.monotonic()
    with pytest.raises(PrinterOfflineError, match="cannot open network printer"):
        printer.print_ticket(ticket)
    status = printer.status()
    assert time.monotonic() - started < 3
    assert status.online is False and "refused" in status.detail.lower()


def test_errors_are_printer_errors():
    assert issubclass(PrinterOfflineError, PrinterError) and issubclass(PaperOutError, PrinterError)
    assert issubclass(PrinterSpecError, ValueError)


def test_network_printer_that_never_accepts_times_out(ticket):
    # A listener whose backlog is full drops new SYNs: like a printer that is switched off on the LAN.
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(0)
        port = server.getsockname()[1]
        fillers = []
        for _ in range(3):
            filler = socket.socket()
            filler.setblocking(False)
            filler.connect_ex(("127.0.0.1", port))
            fillers.append(filler)
        time.sleep(0.1)
        printer = TicketPrinter(f"network:127.0.0.1:{port}", timeout=1.0)
        started = time.monotonic()
        with pytest.raises(PrinterOfflineError, match="timed out"):
            printer.print_ticket(ticket)
        assert time.monotonic() - started < 2.0
        for filler in fillers:
            filler.close()
