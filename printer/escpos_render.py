"""Render a layout to any python-escpos printer object (Usb, Network, Serial, File, Dummy...)."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from escpos.constants import QR_ECLEVEL_H, QR_ECLEVEL_L, QR_ECLEVEL_M, QR_ECLEVEL_Q
from escpos.escpos import Escpos

from .layout import Cut, Feed, Line, Qr, Rule, Text

log = logging.getLogger(__name__)

DEFAULT_CODEPAGE = "CP437"
_QR_EC = {"L": QR_ECLEVEL_L, "M": QR_ECLEVEL_M, "Q": QR_ECLEVEL_Q, "H": QR_ECLEVEL_H}


def choose_codepage(printer: Escpos, preferred: str = DEFAULT_CODEPAGE) -> str:
    """The profile's name for `preferred`, or the code page in the lowest slot if it lacks it.

    Names are the profile's keys ("CP437"): escpos' charcode("PC437") fails with a KeyError.
    """
    pages = printer.profile.get_code_pages()  # {"CP437": "0", ...}
    if preferred in pages:
        return preferred
    fallback = min((name for name in pages if name != "Unknown"), key=lambda name: int(pages[name]))
    log.warning("printer profile has no %s code page, using %s", preferred, fallback)
    return fallback


def _select_codepage(printer: Escpos, codepage: str) -> None:
    # MagicEncode only emits ESC t when the page differs from the one it *thinks* is active; after
    # ESC @ the printer is back on its default page, so forget the remembered one to force the command.
    printer.magic.encoding = None
    printer.charcode(codepage)  # also stops escpos from switching code pages on its own


def _size_args(width: int, height: int) -> dict:
    # ESC ! (double width/height) is understood by more printers than GS ! (custom size).
    if width <= 2 and height <= 2:
        return {"double_width": width == 2, "double_height": height == 2}
    return {"custom_size": True, "width": width, "height": height}


def render_escpos(layout: Sequence[Line], printer: Escpos, *, codepage: str = DEFAULT_CODEPAGE) -> None:
    """Send `layout` to `printer`: reset, code page, then every element with its full style."""
    printer.hw("INIT")  # ESC @: drop any style left over from a previous job
    _select_codepage(printer, choose_codepage(printer, codepage))
    custom_size_active = False
    for element in layout:
        if custom_size_active:
            # set_with_default() resets the size with ESC ! 0 only; Epson lets that override GS !,
            # but some clones keep the GS ! size. Reset it explicitly (before ESC !, last one wins).
            printer.set(custom_size=True, width=1, height=1)
            custom_size_active = False
        match element:
            case Text():
                size = _size_args(element.width, element.height)
                printer.set_with_default(align=element.align, bold=element.bold, invert=element.invert,
                                         **size)
                custom_size_active = "custom_size" in size
                printer.textln(element.text)
            case Rule():
                printer.set_with_default()
                printer.textln("-" * element.chars)
            case Qr():
                # Native QR (GS ( k) cannot be centred by escpos (center=True raises for native),
                # but the printer honours the ESC a justification sent by set_with_default.
                printer.set_with_default(align="center")
                # Profiles of printers without native QR (POS-5890, ZJ-5870...) get a raster image.
                native = bool(printer.profile.supports("qrCode"))
                printer.qr(element.data, ec=_QR_EC[element.ec], size=element.module_dots, native=native)
            case Feed():
                printer.set_with_default()
                printer.ln(element.lines)
            case Cut():
                printer.set_with_default()
                printer.cut()
            case _:
                raise TypeError(f"unknown layout element {element!r}")
