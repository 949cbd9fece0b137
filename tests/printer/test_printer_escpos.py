"""Byte-level tests of the ESC/POS renderer on python-escpos' Dummy printer."""

from escpos.printer import Dummy

from printer.escpos_render import render_escpos
from printer.layout import Text, build_layout

GS_QR = b"\x1d(k"
GS_CUT = b"\x1dV"
ESC_INIT = b"\x1b@"
CP437 = b"\x1bt\x00"  # ESC t 0


def _render(ticket, width=48, profile=None) -> bytes:
    printer = Dummy(profile=profile)
    render_escpos(build_layout(ticket, width), printer)
    return printer.output


def test_starts_with_reset_and_explicit_code_page(ticket):
    assert _render(ticket).startswith(ESC_INIT + CP437)


def test_number_printed_big_and_bold(ticket):
    out = _render(ticket)
    number_at = out.index(b"A007\n")
    assert out.rindex(b"\x1d!\x55", 0, number_at) > out.rindex(b"\n", 0, number_at)  # GS ! 6x6 on that line
    assert b"\x1bE\x01" in out[out.rindex(b"\n", 0, number_at):number_at]  # bold
    assert b"\x1d!\x00" in out[number_at:]  # size explicitly reset after the big number


def test_native_qr_with_reference_and_centered(ticket):
    out = _render(ticket)
    qr_at = out.index(GS_QR)
    assert b"T-20261105-A007-9f3c" in out[qr_at:]
    assert out.rindex(b"\x1ba\x01", 0, qr_at) > out.rindex(b"\n", 0, qr_at)  # ESC a 1 just before
    assert b"\x1d(k\x03\x001C\x06" in out  # module size 6 dots


def test_ends_with_feed_and_cut(ticket):
    out = _render(ticket)
    assert out.endswith(b"\x1bd\x06" + GS_CUT + b"\x00")


def test_ascii_only_for_typographic_text(make_ticket):
    ticket = make_ticket(
        office_name="PTSA \u201cKetenagakerjaan\u201d \u2014 Jakarta",
        service_name="Pelayanan \u2018cepat\u2019 \u2026 s\u00e9l\u00e9ksi",
        guidance="Silakan\u00a0tunggu \u2013 terima kasih",
        priority_label="Prioritas: Disabilitas \u2022 Lansia",
    )
    out = _render(ticket)
    assert all(byte < 0x80 for byte in out)
    assert b'PTSA "Ketenagakerjaan" - Jakarta' in out
    assert b"Pelayanan 'cepat' ... seleksi" in out
    assert b"Silakan tunggu - terima kasih" in out
    assert out.count(b"\x1bt") == 1  # escpos did not switch code pages behind our back


def test_each_render_selects_code_page_again(ticket):
    printer = Dummy()
    layout = build_layout(ticket, 48)
    render_escpos(layout, printer)
    render_escpos(layout, printer)
    assert printer.output.count(ESC_INIT + CP437) == 2


def test_every_element_starts_from_defaults(ticket):
    out = _render(ticket)
    # set_with_default sends bold off/on, underline, font, align for every element.
    assert out.count(b"\x1b-\x00") == len(build_layout(ticket, 48))


def test_invert_for_priority_label(ticket):
    out = _render(ticket)
    label_at = out.index(b" Prioritas: Lansia ")
    assert b"\x1dB\x01" in out[out.rindex(b"\n", 0, label_at):label_at]


def test_profile_without_cp437_falls_back():
    printer = Dummy(profile="AF-240")  # a display profile whose only page is OXHOO-EUROPEAN, slot 0
    render_escpos([Text("Halo")], printer)
    assert printer.output.startswith(ESC_INIT + CP437) and b"Halo\n" in printer.output


def test_profile_without_native_qr_or_cutter(ticket, capsys):
    out = _render(ticket, width=32, profile="POS-5890")  # cheap 58 mm printer: no GS ( k, no cutter
    assert b"-" * 32 + b"\n" in out and b"-" * 33 not in out
    assert GS_QR not in out and b"\x1dv0" in out  # QR sent as a raster image instead
    assert GS_CUT not in out and out.endswith(b"\x1bd\x06")  # escpos only feeds to the tear bar
    assert capsys.readouterr().out == ""


def test_double_size_uses_esc_bang(ticket):
    printer = Dummy()
    render_escpos([Text("BIG", width=2, height=2)], printer)
    assert b"\x1b!\x30" in printer.output and b"\x1d!" not in printer.output
