"""The streaming XLSX writer: what a spreadsheet program reads back is what the report handed it."""
from __future__ import annotations

import io
import re
import zipfile
from xml.etree import ElementTree

import openpyxl
import pytest
from hypothesis import given, settings, strategies as st

from intranet_server.reports import xlsx


def read(data: bytes) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(data))


def test_values_keep_their_type_the_header_is_bold_and_none_is_an_empty_cell():
    rows = [["PHIJSK-PK", 12, 2.5, True, None, "a & <b> \"c\""], ["BARENBANG", -3, 1e-05, False, 0, ""]]
    book = read(xlsx.workbook([("Tugas", ["code", "n", "days", "ok", "none", "text"], rows)]))
    sheet = book["Tugas"]
    got = [[c.value for c in row] for row in sheet.iter_rows()]
    assert got[0] == ["code", "n", "days", "ok", "none", "text"]
    assert got[1] == ["PHIJSK-PK", 12, 2.5, True, None, 'a & <b> "c"']
    assert got[2][:5] == ["BARENBANG", -3, 1e-05, False, 0]
    assert all(c.font.b for c in sheet[1]) and not any(c.font.b for c in sheet[2])
    assert isinstance(got[1][1], int) and isinstance(got[1][2], float) and isinstance(got[1][3], bool)


def test_several_sheets_with_names_a_spreadsheet_accepts():
    sheets = [("Tugas", ["a"], [[1]]), ("Pengunjung: 2026/03 [PP]?", ["b"], [[2]]),
              ("x" * 40, ["c"], [[3]]), ("x" * 40, ["d"], [[4]])]
    book = read(xlsx.workbook(sheets))
    assert book.sheetnames == ["Tugas", "Pengunjung_ 2026_03 _PP__", "x" * 31, "x" * 27 + " (2)"]
    assert [s["A2"].value for s in book.worksheets] == [1, 2, 3, 4]


def test_control_characters_long_text_and_odd_numbers_do_not_break_the_file():
    rows = [["line\x01break\x0bhere", "x" * 40_000, float("nan"), float("inf"), 10 ** 15, ["a", 1]]]
    data = xlsx.workbook([("Drill", ["comment", "long", "nan", "inf", "big", "other"], rows)])
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        for name in z.namelist():
            if name.endswith((".xml", ".rels")):
                ElementTree.fromstring(z.read(name))          # every part is well-formed XML
    got = [c.value for c in read(data)["Drill"][2]]
    assert got[0] in ("line_x0001_break_x000B_here", "line\x01break\x0bhere")
    assert got[1] == "x" * xlsx.MAX_TEXT
    assert got[2:5] == [None, None, 10 ** 15]
    assert got[5] == "['a', 1]"


def cell_texts(data: bytes, sheet: int = 1) -> list[str]:
    """The inline strings of a sheet, decoded as Excel and LibreOffice decode them (openpyxl does not
    undo _xHHHH_ when it reads)."""
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        root = ElementTree.fromstring(z.read(f"xl/worksheets/sheet{sheet}.xml"))
    texts = [t.text or "" for t in root.iter("{http://schemas.openxmlformats.org/spreadsheetml/2006/main}t")]
    return [re.sub("_x([0-9A-Fa-f]{4})_", lambda m: chr(int(m.group(1), 16)), t) for t in texts]


def test_text_that_looks_like_an_escape_reads_back_as_written():
    rows = [["_x0041_", "a_x000D_b", "_x005F_", "bell\x07", "_x12G4_ and _x_"]]
    assert cell_texts(xlsx.workbook([("S", ["c1", "c2", "c3", "c4", "c5"], rows)]))[5:] == rows[0]


def test_columns_past_z_are_lettered_as_spreadsheets_do():
    assert [xlsx.column_letters(i) for i in (0, 25, 26, 27, 51, 52, 701, 702)] == \
        ["A", "Z", "AA", "AB", "AZ", "BA", "ZZ", "AAA"]
    header = [f"c{i}" for i in range(30)]
    sheet = read(xlsx.workbook([("Wide", header, [list(range(30))])]))["Wide"]
    assert sheet["AD1"].value == "c29" and sheet["AD2"].value == 29


cell = st.one_of(st.none(), st.booleans(), st.integers(-2 ** 52, 2 ** 52),
                 st.floats(allow_nan=False, allow_infinity=False, width=32),
                 st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), max_size=20))


@settings(max_examples=40, deadline=None)
@given(st.lists(st.lists(cell, min_size=1, max_size=6), max_size=8))
def test_any_table_reads_back_cell_for_cell(rows):
    header = [f"h{i}" for i in range(max([len(r) for r in rows], default=1))]
    sheet = read(xlsx.workbook([("T", header, rows)]))["T"]
    for r, row in enumerate(rows, start=2):
        for c, value in enumerate(row, start=1):
            got = sheet.cell(row=r, column=c).value
            if value is None or value == "":
                assert got in (None, "")
            elif isinstance(value, float):
                assert got == pytest.approx(value)
            else:
                assert got == value and type(got) is type(value)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(st.sampled_from("_x05F0A\x01\x1f b"), max_size=16), min_size=1, max_size=5))
def test_any_text_reads_back_as_excel_decodes_it(texts):
    header = [f"h{i}" for i in range(len(texts))]
    assert cell_texts(xlsx.workbook([("T", header, [texts])]))[len(header):] == texts
