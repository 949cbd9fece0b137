"""Render a layout to a PNG preview that looks like the printed ticket.

It imitates a 203 dpi ESC/POS printer: Font A cells of 12 x 24 dots, lines 30 dots apart, text
multiplied by the element's width/height, the QR drawn with the same module size the printer uses.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

import qrcode
from PIL import Image, ImageDraw, ImageFont

from .layout import Cut, Feed, Line, Qr, Rule, Text

DOTS_BY_PAPER_MM = {58: 384, 80: 576}
PRINTER_DPI = 203
CHAR_W, CHAR_H, LINE_GAP = 12, 24, 6  # Font A cell and default line spacing (30 dots per line)
TOP_MARGIN, BOTTOM_MARGIN = 12, 36
WHITE, BLACK = 255, 0

_FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
# DejaVu Sans Mono's advance is 0.602 em, so 20 px gives the 12-dot cell of Font A.
_FONT_PX_PER_CHAR_H = 20
_QR_EC = {
    "L": qrcode.constants.ERROR_CORRECT_L,
    "M": qrcode.constants.ERROR_CORRECT_M,
    "Q": qrcode.constants.ERROR_CORRECT_Q,
    "H": qrcode.constants.ERROR_CORRECT_H,
}


@lru_cache(maxsize=32)
def _font(size: int, bold: bool) -> tuple[ImageFont.FreeTypeFont | ImageFont.ImageFont, bool]:
    """(font, needs_fake_bold)."""
    path = _FONT_DIR / ("DejaVuSansMono-Bold.ttf" if bold else "DejaVuSansMono.ttf")
    if path.exists():
        return ImageFont.truetype(str(path), size), False
    return ImageFont.load_default(size=size), bold  # no bold face: thicken with a stroke


def _text_row(element: Text, paper_dots: int) -> Image.Image:
    """One text line as a full-width strip, scaled like the printer scales its font."""
    text, scale = element.text, element.height
    cell_w, cell_h = CHAR_W * scale, CHAR_H * scale  # cells at the font's (height) scale
    font, fake_bold = _font(_FONT_PX_PER_CHAR_H * scale, element.bold)
    ink, paper = (WHITE, BLACK) if element.invert else (BLACK, WHITE)
    row = Image.new("L", (paper_dots, cell_h + LINE_GAP), WHITE)
    if not text:
        return row

    glyphs = Image.new("L", (len(text) * cell_w, cell_h), paper)
    draw = ImageDraw.Draw(glyphs)
    # One glyph per fixed cell, like the printer: padded columns and rules line up with any font.
    for i, char in enumerate(text):
        if char != " ":
            x = i * cell_w + (cell_w - font.getlength(char)) / 2
            draw.text((x, 0), char, font=font, fill=ink, stroke_width=int(fake_bold), stroke_fill=ink)
    # The font was sized for the height multiplier; stretch horizontally for the width multiplier.
    target_w = min(len(text) * CHAR_W * element.width, paper_dots)  # never past the paper edge
    if target_w != glyphs.width:
        glyphs = glyphs.resize((target_w, cell_h), Image.Resampling.LANCZOS)

    x = {"left": 0, "center": (paper_dots - target_w) // 2, "right": paper_dots - target_w}[element.align]
    row.paste(glyphs, (x, 0))
    return row


def _qr_row(element: Qr, paper_dots: int) -> Image.Image:
    code = qrcode.QRCode(error_correction=_QR_EC[element.ec], box_size=element.module_dots, border=0)
    code.add_data(element.data)
    code.make(fit=True)
    symbol = code.make_image().get_image().convert("L")
    if symbol.width > paper_dots:  # the printer would refuse; shrink so the preview still shows it
        symbol = symbol.resize((paper_dots, paper_dots), Image.Resampling.NEAREST)
    row = Image.new("L", (paper_dots, symbol.height), WHITE)
    row.paste(symbol, ((paper_dots - symbol.width) // 2, 0))
    return row


def _blank(paper_dots: int, height: int) -> Image.Image:
    return Image.new("L", (paper_dots, height), WHITE)


def render_image(layout: Sequence[Line], paper_mm: int = 80) -> Image.Image:
    """The ticket as a grayscale Pillow image, one pixel per printer dot."""
    if paper_mm not in DOTS_BY_PAPER_MM:
        raise ValueError(f"paper_mm must be one of {sorted(DOTS_BY_PAPER_MM)}, got {paper_mm}")
    dots = DOTS_BY_PAPER_MM[paper_mm]
    rows = [_blank(dots, TOP_MARGIN)]
    for element in layout:
        match element:
            case Text():
                rows.append(_text_row(element, dots))
            case Rule():
                rows.append(_text_row(Text("-" * element.chars), dots))  # the printer prints dashes
            case Qr():
                rows.append(_qr_row(element, dots))
            case Feed():
                rows.append(_blank(dots, element.lines * (CHAR_H + LINE_GAP)))
            case Cut():
                rows.append(_blank(dots, BOTTOM_MARGIN))
            case _:
                raise TypeError(f"unknown layout element {element!r}")
    image = Image.new("L", (dots, sum(row.height for row in rows)), WHITE)
    y = 0
    for row in rows:
        image.paste(row, (0, y))
        y += row.height
    return image


def render_png(layout: Sequence[Line], paper_mm: int = 80) -> bytes:
    """The ticket preview as PNG bytes (576 dots wide for 80 mm paper, 384 for 58 mm)."""
    buffer = io.BytesIO()
    render_image(layout, paper_mm).save(buffer, format="PNG", dpi=(PRINTER_DPI, PRINTER_DPI), optimize=True)
    return buffer.getvalue()
