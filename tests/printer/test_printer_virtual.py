import io

import pytest
from PIL import Image

from printer import PaperOutError, PrinterOfflineError, TicketPrinter
from printer.virtual import VirtualPrinter


def _files(directory):
    return sorted(p.name for p in directory.iterdir() if not p.name.startswith(".") and p.name != "state")


def test_writes_bin_and_png_per_ticket(tmp_path, ticket, make_ticket):
    printer = TicketPrinter(f"virtual:{tmp_path}")
    first = printer.print_ticket(ticket)
    second = printer.print_ticket(make_ticket(number="B012", reference="T-20261105-B012-77aa"))
    assert _files(tmp_path) == ["0001-A007.bin", "0001-A007.png", "0002-B012.bin", "0002-B012.png"]
    assert first.file == tmp_path / "0001-A007.bin"
    assert first.file.read_bytes() == first.bytes_sent
    assert b"A007" in first.bytes_sent and b"\x1d(k" in first.bytes_sent and b"\x1dV" in first.bytes_sent
    assert b"B012" in second.bytes_sent and b"A007" not in second.bytes_sent
    png = Image.open(io.BytesIO((tmp_path / "0001-A007.png").read_bytes()))
    assert png.width == 576


def test_bytes_equal_those_for_a_real_printer(tmp_path, ticket):
    virtual = TicketPrinter(f"virtual:{tmp_path}").print_ticket(ticket)
    dummy = TicketPrinter("dummy").print_ticket(ticket)
    assert virtual.bytes_sent == dummy.bytes_sent


def test_numbering_continues_after_restart(tmp_path, ticket):
    TicketPrinter(f"virtual:{tmp_path}").print_ticket(ticket)
    TicketPrinter(f"virtual:{tmp_path}").print_ticket(ticket)
    assert "0002-A007.bin" in _files(tmp_path)


def test_58mm_preview(tmp_path, ticket):
    TicketPrinter(f"virtual:{tmp_path}", paper_mm=58).print_ticket(ticket)
    assert Image.open(tmp_path / "0001-A007.png").width == 384


def test_paper_out_from_state_file_refuses_and_records_nothing(tmp_path, ticket):
    printer = TicketPrinter(f"virtual:{tmp_path}")
    (tmp_path / "state").write_text("paper_out\n")
    with pytest.raises(PaperOutError, match="out of paper"):
        printer.print_ticket(ticket)
    assert _files(tmp_path) == []
    status = printer.status()
    assert status.paper == "out" and not status.can_print


def test_offline_via_simulate(tmp_path, ticket):
    printer = TicketPrinter(f"virtual:{tmp_path}")
    printer.printer.simulate("offline")
    assert (tmp_path / "state").read_text().strip() == "offline"
    with pytest.raises(PrinterOfflineError):
        printer.print_ticket(ticket)
    assert _files(tmp_path) == []
    assert printer.status().online is False


def test_near_end_prints_and_reports(tmp_path, ticket):
    printer = TicketPrinter(f"virtual:{tmp_path}")
    printer.printer.simulate("near_end")
    result = printer.print_ticket(ticket)
    assert result.status_after.paper == "near_end" and result.status_after.online is True
    assert "paper is running low" in result.warning
    assert "0001-A007.bin" in _files(tmp_path)


def test_back_to_ok(tmp_path, ticket):
    printer = TicketPrinter(f"virtual:{tmp_path}")
    (tmp_path / "state").write_text("paper-out")  # operators may type a dash
    assert printer.status().paper == "out"
    (tmp_path / "state").write_text("ok")
    result = printer.print_ticket(ticket)
    assert result.status_after.paper == "ok" and result.warning is None


def test_unknown_state_is_treated_as_ok(tmp_path):
    printer = VirtualPrinter(tmp_path)
    (tmp_path / "state").write_text("jammed")
    assert printer.state == "ok"
    with pytest.raises(ValueError):
        printer.simulate("jammed")


def test_plain_escpos_use_writes_bin_without_png(tmp_path):
    printer = VirtualPrinter(tmp_path)
    printer.textln("hello")
    printer.cut()
    assert _files(tmp_path) == ["0001-ticket.bin"]
    assert b"hello\n" in (tmp_path / "0001-ticket.bin").read_bytes()
    assert printer.output == b""  # buffer cleared per ticket


def test_state_flipping_mid_ticket_records_nothing(tmp_path):
    printer = VirtualPrinter(tmp_path)
    printer.textln("half a ticket")
    printer.simulate("paper_out")
    with pytest.raises(PaperOutError):
        printer.cut()
    assert _files(tmp_path) == [] and printer.output == b""


def test_file_names_are_sanitised(tmp_path, make_ticket):
    TicketPrinter(f"virtual:{tmp_path}").print_ticket(make_ticket(number="A/../7"))
    assert _files(tmp_path)[0] == "0001-A____7.bin"
