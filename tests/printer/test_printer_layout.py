from datetime import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from printer.layout import (
    Cut,
    Qr,
    Rule,
    Text,
    TicketData,
    build_layout,
    format_issued,
    format_wait,
    to_printable,
)


def _texts(layout):
    return [element.text for element in layout if isinstance(element, Text)]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Jaminan Sosial \u2014 BPJS", "Jaminan Sosial - BPJS"),
        ("2020\u20132026", "2020-2026"),
        ("\u201cCepat\u201d dan \u2018ramah\u2019", "\"Cepat\" dan 'ramah'"),
        ("Tunggu\u2026", "Tunggu..."),
        ("Booth\u00a01-3", "Booth 1-3"),
        ("caf\u00e9 Se\u00f1or \u00c5ngstr\u00f6m", "cafe Senor Angstrom"),
        ("\u00b1 15 menit", "+/- 15 menit"),
        ("Stra\u00dfe", "Strasse"),
        ("\ufb01le \uff21", "file A"),  # ligature, full-width letter
        ("\u5ba2\u670d \U0001f600", "?? ?"),
        ("a\tb\nc", "a b c"),
        ("zero\u200bwidth", "zerowidth"),
        ("plain ASCII ~!", "plain ASCII ~!"),
    ],
)
def test_to_printable_examples(raw, expected):
    assert to_printable(raw) == expected


@given(st.text())
def test_to_printable_always_returns_printable_ascii(text):
    result = to_printable(text)
    assert all(0x20 <= ord(char) <= 0x7E for char in result)
    assert to_printable(result) == result  # idempotent


@given(st.text(alphabet=st.characters(min_codepoint=0x20, max_codepoint=0x7E)))
def test_to_printable_keeps_printable_ascii(text):
    assert to_printable(text) == text


@given(st.text())
def test_layout_text_is_printable_whatever_the_input(text):
    ticket = TicketData(office_name=text, number="A1" + text[:3], service_name=text, service_code=text,
                        booth_area=text or None, issued_at=datetime.now().astimezone(), ahead=0,
                        estimated_wait_s=0, reference=text, priority_label=text or None, guidance=text)
    for width in (32, 48):
        for element in build_layout(ticket, width):
            if isinstance(element, Text):
                assert to_printable(element.text) == element.text
                assert len(element.text) * element.width <= width


def test_format_wait():
    assert format_wait(900) == "sekitar 15 menit"     # the words the kiosk's screen uses too
    assert format_wait(900, "en") == "about 15 min"
    assert format_wait(20) == "< 1 menit"
    assert format_wait(20, "en") == "under 1 min"
    assert format_wait(80 * 60) == "sekitar 1 jam 20 menit"
    assert format_wait(3600, "en") == "about 1 h"


def test_format_issued_is_locale_independent(ticket):
    assert format_issued(ticket.issued_at) == ("Kamis, 5 November 2026", "08:15 WIB")
    assert format_issued(ticket.issued_at, "en") == ("Thursday, 5 November 2026", "08:15 WIB")


def test_layout_indonesian(ticket):
    layout = build_layout(ticket, 48)
    texts = _texts(layout)
    assert "Nomor antrean" in texts
    assert "Kamis, 5 November 2026 08:15 WIB" in texts
    assert any(t.startswith("Orang di depan Anda") and t.endswith(" 3") for t in texts)
    assert any(t.startswith("Perkiraan waktu tunggu") and t.endswith("sekitar 15 menit") for t in texts)
    assert " Prioritas: Lansia " in texts
    big = next(e for e in layout if isinstance(e, Text) and e.text == "A007")
    assert big.align == "center" and big.bold and big.width == big.height >= 4
    assert Qr("T-20261105-A007-9f3c", module_dots=6) in layout
    assert isinstance(layout[-1], Cut)
    assert Rule(48) in layout


def test_layout_english(make_ticket):
    texts = _texts(build_layout(make_ticket(language="en", estimated_wait_s=600), 48))
    assert "Queue number" in texts
    assert any(t.startswith("People ahead of you") for t in texts)
    assert any(t.startswith("Estimated wait") and t.endswith("about 10 min") for t in texts)


def test_layout_fits_58mm(ticket):
    for element in build_layout(ticket, 32):
        if isinstance(element, Text):
            assert len(element.text) * element.width <= 32
        if isinstance(element, Rule):
            assert element.chars == 32


def test_optional_parts_are_left_out(make_ticket):
    texts = _texts(build_layout(make_ticket(booth_area=None, priority_label=None, estimated_wait_s=None), 48))
    assert not any("Booth" in t or "Prioritas" in t or "Perkiraan" in t for t in texts)


@pytest.mark.parametrize(
    "changes",
    [
        {"issued_at": datetime(2026, 11, 5, 8, 15)},  # naive
        {"language": "fr"},
        {"ahead": -1},
        {"number": " "},
        {"estimated_wait_s": -5},
    ],
)
def test_ticket_data_validation(make_ticket, changes):
    with pytest.raises(ValueError):
        make_ticket(**changes)


def test_text_element_rejects_non_ascii_and_bad_size():
    with pytest.raises(ValueError):
        Text("caf\u00e9")
    with pytest.raises(ValueError):
        Text("x", width=9)
