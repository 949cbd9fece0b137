"""The ESC/POS bytes and the PNG preview come from one layout."""

import io

import pytest
from escpos.printer import Dummy
from PIL import Image

from printer.escpos_render import render_escpos
from printer.image_render import render_png
from printer.layout import Cut, Qr, Rule, Text, build_layout


def _escpos(layout) -> bytes:
    printer = Dummy()
    render_escpos(layout, printer)
    return printer.output


def _png(layout, paper_mm=80) -> Image.Image:
    image = Image.open(io.BytesIO(render_png(layout, paper_mm)))
    image.load()
    return image


@pytest.mark.parametrize("width", [32, 48])
def test_every_layout_line_is_in_the_escpos_bytes(ticket, width):
    layout = build_layout(ticket, width)
    out = _escpos(layout)
    for element in layout:
        if isinstance(element, Text):
            assert element.text.encode("ascii") + b"\n" in out
        elif isinstance(element, Rule):
            assert b"-" * element.chars + b"\n" in out
        elif isinstance(element, Qr):
            assert element.data.encode("ascii") in out


@pytest.mark.parametrize(("paper_mm", "width_px"), [(58, 384), (80, 576)])
def test_png_width_matches_paper(ticket, paper_mm, width_px):
    image = _png(build_layout(ticket, 32 if paper_mm == 58 else 48), paper_mm)
    assert image.format == "PNG"
    assert image.width == width_px
    assert image.height > image.width  # a ticket is a tall strip
    assert image.getpixel((0, 0)) == 255  # white paper
    assert image.getextrema() == (0, 255)  # black ink on white


def test_png_and_bytes_grow_together_when_lines_are_added(ticket):
    layout = build_layout(ticket, 48)
    longer = [*layout[:-1], Text("Baris tambahan", align="center"), Cut()]
    assert _png(longer).height > _png(layout).height
    assert b"Baris tambahan\n" in _escpos(longer) and b"Baris tambahan" not in _escpos(layout)


def test_optional_lines_change_both_renderings(make_ticket):
    with_priority = build_layout(make_ticket(priority_label="Prioritas: Lansia"), 48)
    without = build_layout(make_ticket(priority_label=None), 48)
    assert _png(with_priority).height > _png(without).height
    assert b"Prioritas" in _escpos(with_priority) and b"Prioritas" not in _escpos(without)


def test_big_number_is_centered_in_png(ticket):
    layout = build_layout(ticket, 48)
    image = _png([e for e in layout if isinstance(e, Text) and e.text == "A007"])
    ink = image.point(lambda v: 255 if v < 128 else 0).getbbox()
    left, right = ink[0], image.width - ink[2]
    assert abs(left - right) < 24
    assert ink[3] - ink[1] > 80  # capitals of a 6 x 24 dot cell


def test_png_rejects_unknown_paper(ticket):
    with pytest.raises(ValueError):
        render_png(build_layout(ticket, 48), paper_mm=76)
