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


def test_every_sheet_prints_on_a4_landscape_fitted_to_width_with_its_header_repeated(tmp_path):
    path = tmp_path / "print.xlsx"
    long_note = "Ghi chú dài: " + "chữ " * 80  # would overflow to the right and shrink the printed table
    write_xlsx([Table("Chỉ số", ["Mã", "Tên chỉ số có tiêu đề rất dài cần xuống dòng", "n"],
                      iter([[f"TC{i}", "x", i] for i in range(200)]), widths=(8, 20, 8), notes=[long_note]),
                Table("Ai's 'sheet' & co", ["a"], iter([[1]]))], str(path), "UBND xã An Lão · Kỳ: 2025")
    book = openpyxl.load_workbook(path)
    for sheet in book.worksheets:
        setup = sheet.page_setup
        assert (setup.orientation, setup.paperSize, setup.fitToWidth, setup.fitToHeight) == ("landscape", 9, 1, 0)
        assert sheet.sheet_properties.pageSetUpPr.fitToPage
        margins = sheet.page_margins
        assert (margins.left, margins.right, margins.top, margins.bottom) == (0.6, 0.4, 0.75, 0.75)
        assert sheet.oddHeader.left.text == "&A" and sheet.oddFooter.center.text == "&P / &N"
    main = book["Chỉ số"]
    assert main.print_title_rows == "$3:$3"  # title, note, then the header: only the header repeats
    assert book["Ai's 'sheet' & co"].print_title_rows == "$2:$2"
    # The title lines span the table and wrap inside it, each row tall enough for its lines.
    assert {str(r) for r in main.merged_cells.ranges} == {"A1:C1", "A2:C2"}
    assert main["A2"].alignment.wrap_text and main.row_dimensions[2].height >= 17 * 10
    assert main.row_dimensions[3].height >= 30  # the long header wraps: a taller row
    assert book["Ai's 'sheet' & co"].row_dimensions[2].height is None  # a short one keeps the default
    with zipfile.ZipFile(path) as z:
        workbook = ElementTree.fromstring(z.read("xl/workbook.xml"))
    ns = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
    names = {(n.get("name"), n.get("localSheetId")): n.text for n in workbook.findall("m:definedNames/m:definedName", ns)}
    assert names[("_xlnm.Print_Titles", "1")] == "'Ai''s ''sheet'' & co'!$2:$2"
    assert names[("_xlnm._FilterDatabase", "0")] == "'Chỉ số'!$A$3:$C$203"
