"""The streaming XLSX writer (survey/exports/xlsx.py), read back with openpyxl."""
from __future__ import annotations

import zipfile
from datetime import date, datetime
from decimal import Decimal
from xml.etree import ElementTree

import openpyxl
from hypothesis import given, settings
from hypothesis import strategies as st

from survey.exports.writer import Table, write_xlsx
from survey.exports.xlsx import MAX_CELL_TEXT, write_workbook


def test_every_kind_of_cell_reads_back(tmp_path):
    path = tmp_path / "types.xlsx"
    long_text = "ư" * (MAX_CELL_TEXT + 10)
    rows = [
        ["Số", "Chữ", "Ngày giờ", "Ngày", "Đúng/sai", "Thập phân", "Trống", "Tiền"],
        [42, "Xã An Lư <&> \"trích dẫn\" 'nháy'", datetime(2026, 3, 7, 14, 5, 9), date(2026, 3, 7), True, 0.125,
         None, Decimal("12.50")],
        [-7, "  khoảng trắng đầu và cuối  ", datetime(1999, 12, 31, 23, 59, 59), date(1900, 3, 1), False,
         float("nan"), "", Decimal("0")],
        [0, "dòng 1\ndòng 2\tcột", None, None, None, float("inf"), None, None],
        [1, "ký tự điều khiển\x00\x07\x1b bị bỏ", None, None, None, -1e-9, None, None],
        [2, long_text],
    ]
    write_workbook([("Phiếu", rows)], str(path))
    sheet = openpyxl.load_workbook(path)["Phiếu"]
    got = [[c.value for c in row] for row in sheet.iter_rows()]
    assert got[0] == rows[0]
    assert got[1] == [42, "Xã An Lư <&> \"trích dẫn\" 'nháy'", datetime(2026, 3, 7, 14, 5, 9),
                      datetime(2026, 3, 7), True, 0.125, None, 12.5]
    assert sheet["C2"].number_format == "dd/mm/yyyy hh:mm:ss" and sheet["D2"].number_format == "dd/mm/yyyy"
    # NaN, infinity and the empty string are empty cells; spaces and line breaks are kept.
    assert got[2] == [-7, "  khoảng trắng đầu và cuối  ", datetime(1999, 12, 31, 23, 59, 59),
                      datetime(1900, 3, 1), False, None, None, 0]
    assert got[3][:2] == [0, "dòng 1\ndòng 2\tcột"] and got[3][5] is None
    assert got[4][1] == "ký tự điều khiển bị bỏ" and got[4][5] == -1e-9
    assert got[5][1] == long_text[:MAX_CELL_TEXT]


def test_the_package_is_well_formed_with_content_types_first(tmp_path):
    path = tmp_path / "pkg.xlsx"
    write_xlsx([Table("Chỉ số", ["a"], iter([[1]])), Table("Từ điển dữ liệu", ["b"], iter([["x"]]))], str(path))
    with zipfile.ZipFile(path) as book:
        names = book.namelist()
        assert names[0] == "[Content_Types].xml"
        assert {"_rels/.rels", "xl/workbook.xml", "xl/_rels/workbook.xml.rels", "xl/styles.xml",
                "xl/worksheets/sheet1.xml", "xl/worksheets/sheet2.xml"} <= set(names)
        for name in names:
            ElementTree.fromstring(book.read(name))  # every part parses as XML
    assert openpyxl.load_workbook(path).sheetnames == ["Chỉ số", "Từ điển dữ liệu"]


def test_sheet_names_follow_excel_rules(tmp_path):
    path = tmp_path / "names.xlsx"
    write_workbook([("Báo cáo [quý 1]: A/B*C?", [[1]]), ("Báo cáo [quý 1]: A/B*C?", [[2]]),
                    ("Một tên rất dài vượt quá ba mươi mốt ký tự của Excel", [[3]]), ("", [])], str(path))
    names = openpyxl.load_workbook(path).sheetnames
    assert len(names) == 4 and len({n.lower() for n in names}) == 4
    assert all(len(n) <= 31 and not set(n) & set("[]:*?/\\") for n in names)


def test_more_than_26_columns_get_their_letters(tmp_path):
    path = tmp_path / "wide.xlsx"
    write_workbook([("Rộng", [list(range(60))])], str(path))
    sheet = openpyxl.load_workbook(path)["Rộng"]
    assert sheet["Z1"].value == 25 and sheet["AA1"].value == 26 and sheet["BH1"].value == 59


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(st.one_of(st.none(), st.integers(-2**53, 2**53), st.text(max_size=40),
                                   st.booleans()), min_size=1, max_size=6), min_size=1, max_size=15))
def test_any_rows_read_back_as_written(tmp_path_factory, rows):
    path = tmp_path_factory.mktemp("x") / "any.xlsx"
    write_workbook([("Ngẫu nhiên", rows)], str(path))
    sheet = openpyxl.load_workbook(path)["Ngẫu nhiên"]
    allowed = {c for c in range(0x20) if c not in (9, 10, 13)} | {0xFFFE, 0xFFFF}

    def expected(v):
        if isinstance(v, str):
            v = "".join(ch for ch in v if ord(ch) not in allowed)
            return v or None
        return v
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row, start=1):
            got = sheet.cell(r, c).value
            want = expected(value)
            assert got == want and type(got) is type(want), (r, c, value, got)
