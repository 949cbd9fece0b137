"""Ticket content and its abstract layout.

`build_layout` turns a `TicketData` into a flat list of elements (text lines, QR, rule, feed, cut).
Both renderers (ESC/POS bytes and PNG preview) consume that same list, so the preview can never show
something the printer would not print. Wrapping happens here, never in the renderers: every `Text`
element is exactly one printed line.
"""

from __future__ import annotations

import textwrap
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

Align = Literal["left", "center", "right"]
Language = Literal["id", "en"]

# Font A on ESC/POS printers is 12 x 24 dots; 576 dots (80 mm) = 48 columns, 384 dots (58 mm) = 32.
COLUMNS_BY_PAPER_MM = {80: 48, 58: 32}


# --------------------------------------------------------------------------- text normalisation

# Characters NFKD does not turn into ASCII. Thermal printers only have reliable glyphs for ASCII
# (code pages differ between models), so everything is reduced to printable ASCII.
_REPLACEMENTS = {
    "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2015": "-",
    "\u2212": "-", "\u00ad": "",
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'", "\u00b4": "'",
    "\u2039": "'", "\u203a": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"',
    "\u00ab": '"', "\u00bb": '"',
    "\u2026": "...", "\u2022": "*", "\u00b7": ".", "\u2044": "/",
    "\u00b1": "+/-", "\u00d7": "x", "\u00f7": "/", "\u2264": "<=", "\u2265": ">=",
    "\u00df": "ss", "\u00c6": "AE", "\u00e6": "ae", "\u0152": "OE", "\u0153": "oe",
    "\u00d8": "O", "\u00f8": "o", "\u0110": "D", "\u0111": "d", "\u0141": "L", "\u0142": "l",
    "\u0131": "i", "\u00d0": "D", "\u00f0": "d", "\u00de": "Th", "\u00fe": "th",
    "\u20ac": "EUR", "\u00a9": "(c)", "\u00ae": "(R)", "\u00b0": " deg",
    "\t": " ", "\n": " ", "\r": " ",
    # zero-width characters would otherwise become '?'
    "\u200b": "", "\u200c": "", "\u200d": "", "\u2060": "", "\ufeff": "",
}


def to_printable(text: str) -> str:
    """Return `text` as printable ASCII (0x20-0x7E): dashes, quotes and spaces mapped, accents
    stripped, anything else replaced by '?'."""
    # NFKD first: it splits accents off letters and maps NBSP/thin spaces, ligatures, full-width forms.
    decomposed = unicodedata.normalize("NFKD", text)
    out = []
    for char in decomposed:
        if unicodedata.combining(char):
            continue  # the accent of an accented letter
        if char in _REPLACEMENTS:
            out.append(_REPLACEMENTS[char])
        elif unicodedata.category(char) in ("Zs", "Zl", "Zp"):
            out.append(" ")  # any other Unicode space or line separator
        else:
            out.append(char if " " <= char <= "~" else "?")
    return "".join(out)


# --------------------------------------------------------------------------- layout elements

@dataclass(frozen=True)
class Text:
    """One printed line of text (already wrapped, printable ASCII)."""

    text: str
    align: Align = "left"
    bold: bool = False
    width: int = 1  # character width multiplier, 1..8
    height: int = 1  # character height multiplier, 1..8
    invert: bool = False  # white on black

    def __post_init__(self) -> None:
        if not (1 <= self.width <= 8 and 1 <= self.height <= 8):
            raise ValueError(f"text size must be 1..8, got {self.width}x{self.height}")
        if to_printable(self.text) != self.text:
            raise ValueError(f"text must be printable ASCII, got {self.text!r}")


@dataclass(frozen=True)
class Qr:
    """A centred QR code. `module_dots` is the size of one QR module in printer dots."""

    data: str
    module_dots: int = 6
    ec: Literal["L", "M", "Q", "H"] = "M"


@dataclass(frozen=True)
class Rule:
    """A horizontal separator across `chars` columns."""

    chars: int


@dataclass(frozen=True)
class Feed:
    """Blank lines."""

    lines: int = 1


@dataclass(frozen=True)
class Cut:
    """End of ticket: feed past the cutter and cut."""


Line = Text | Qr | Rule | Feed | Cut


# --------------------------------------------------------------------------- ticket data

@dataclass(frozen=True)
class TicketData:
    office_name: str
    number: str  # e.g. "A007"
    service_name: str
    service_code: str
    booth_area: str | None  # e.g. "Booth 1-3"
    issued_at: datetime  # aware, already in local time
    ahead: int
    estimated_wait_s: int | None
    reference: str  # goes into the QR code
    priority_label: str | None  # e.g. "Prioritas: Lansia"
    guidance: str  # one short line
    language: Language = "id"

    def __post_init__(self) -> None:
        if self.language not in ("id", "en"):
            raise ValueError(f"language must be 'id' or 'en', got {self.language!r}")
        if self.issued_at.tzinfo is None or self.issued_at.utcoffset() is None:
            raise ValueError("issued_at must be timezone-aware (local time)")
        if not self.number.strip():
            raise ValueError("number must not be empty")
        if self.ahead < 0:
            raise ValueError("ahead must be >= 0")
        if self.estimated_wait_s is not None and self.estimated_wait_s < 0:
            raise ValueError("estimated_wait_s must be >= 0 or None")


_LABELS = {
    "id": {"number": "Nomor antrean", "ahead": "Orang di depan Anda", "wait": "Perkiraan waktu tunggu"},
    "en": {"number": "Queue number", "ahead": "People ahead of you", "wait": "Estimated wait"},
}
_DAYS = {
    "id": ["Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu"],
    "en": ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"],
}
_MONTHS = {
    "id": ["Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September",
           "Oktober", "November", "Desember"],
    "en": ["January", "February", "March", "April", "May", "June", "July", "August", "September",
           "October", "November", "December"],
}


def format_wait(seconds: int, language: Language = "id") -> str:
    """'sekitar 15 menit' / 'about 15 min'; hours above 59 minutes. Words, not "±": the ticket is
    ASCII and the kiosk's screen says it the same way."""
    minutes = (seconds + 30) // 60
    if minutes < 1:
        return "< 1 menit" if language == "id" else "under 1 min"
    hours, minutes = divmod(minutes, 60)
    if language == "id":
        parts = ([f"{hours} jam"] if hours else []) + ([f"{minutes} menit"] if minutes else [])
        return "sekitar " + " ".join(parts)
    parts = ([f"{hours} h"] if hours else []) + ([f"{minutes} min"] if minutes else [])
    return "about " + " ".join(parts)


def format_issued(issued_at: datetime, language: Language = "id") -> tuple[str, str]:
    """('Kamis, 5 November 2026', '08:15 WIB'): date and time, without locale dependence."""
    date = (f"{_DAYS[language][issued_at.weekday()]}, {issued_at.day} "
            f"{_MONTHS[language][issued_at.month - 1]} {issued_at.year}")
    zone = issued_at.tzname() or ""
    named = zone.isascii() and zone.isalpha()  # WIB/WITA/WIT, not "+07"
    time = f"{issued_at:%H:%M}" + (f" {zone}" if named else "")
    return date, time


# --------------------------------------------------------------------------- layout

def _lines(text: str, width_chars: int, *, align: Align = "center", bold: bool = False,
           width: int = 1, height: int = 1, invert: bool = False) -> list[Text]:
    columns = max(1, width_chars // width)
    return [Text(line, align=align, bold=bold, width=width, height=height, invert=invert)
            for line in textwrap.wrap(to_printable(text), columns)]


def _two_columns(label: str, value: str, width_chars: int) -> list[Text]:
    """'Label ......... value' on one line, or label then right-aligned value if too long."""
    label, value = to_printable(label), to_printable(value)
    if len(label) + 1 + len(value) <= width_chars:
        return [Text(label + " " * (width_chars - len(label) - len(value)) + value)]
    return _lines(label, width_chars, align="left") + _lines(value, width_chars, align="right")


def _number_size(number: str, width_chars: int) -> int:
    """Largest character size (max 6, about 18 mm tall) at which the number fits on one line."""
    for size in (6, 5, 4, 3, 2):
        if len(number) * size <= width_chars * 3 // 4:  # keep a margin either side
            return size
    return 1


def build_layout(ticket: TicketData, width_chars: int) -> list[Line]:
    """The one layout of a queue ticket, `width_chars` columns of Font A wide."""
    if width_chars < 16:
        raise ValueError("width_chars must be at least 16")
    labels = _LABELS[ticket.language]
    number = to_printable(ticket.number.strip())
    date, time = format_issued(ticket.issued_at, ticket.language)
    when = f"{date} {time}"
    issued = [Text(when, align="center")] if len(when) <= width_chars else \
        _lines(date, width_chars) + _lines(time, width_chars)

    layout: list[Line] = []
    layout += _lines(ticket.office_name, width_chars, bold=True, height=2)
    layout += issued
    layout.append(Rule(width_chars))
    layout += _lines(labels["number"], width_chars)
    size = _number_size(number, width_chars)
    layout += _lines(number, width_chars, bold=True, width=size, height=size)
    code = ticket.service_code.strip()
    layout += _lines(f"{ticket.service_name} ({code})" if code else ticket.service_name, width_chars,
                     bold=True)
    if ticket.booth_area:
        layout += _lines(ticket.booth_area, width_chars)
    if ticket.priority_label:
        # Padded and inverted so the officer spots priority tickets at a glance.
        for line in _lines(ticket.priority_label, width_chars - 2):
            layout.append(Text(f" {line.text} ", align="center", bold=True, invert=True))
    layout.append(Rule(width_chars))
    layout += _two_columns(labels["ahead"], str(ticket.ahead), width_chars)
    if ticket.estimated_wait_s is not None:
        layout += _two_columns(labels["wait"], format_wait(ticket.estimated_wait_s, ticket.language),
                               width_chars)
    layout.append(Rule(width_chars))
    layout += _lines(ticket.guidance, width_chars)
    reference = to_printable(ticket.reference.strip())
    if reference:
        layout.append(Feed(1))
        layout.append(Qr(reference, module_dots=6 if width_chars >= 40 else 5))
        layout.append(Feed(1))
        layout += _lines(reference, width_chars)
    layout.append(Cut())
    return layout
