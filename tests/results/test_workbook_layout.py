"""Workbooks ready to paste: the report's main table first, every sheet laid out, read back with openpyxl."""
from __future__ import annotations

import io
import re
import zipfile
from datetime import date, datetime

import openpyxl
import pytest

from survey import db
from survey.exports import xlsx
from survey.exports.writer import Table, write_xlsx
from survey.models import Plan
from survey.report.data import gather
from survey.report.document import build
from tests.report.helpers import plan_with, respond
from tests.report.test_report_document import BANNED
from tests.staff.conftest import login, post_download, staff  # noqa: F401  (fixture)

A, B, FEW = "1.001193", "1.000894", "2.000815"
HEADER_ROW = {"Kết quả theo thủ tục": 4, "So sánh": 3}  # title, notes, then the header; other sheets: title then header


def _plan(app, demo) -> int:
    plan_id = plan_with(app, demo, "Kế hoạch năm 2025", date(2025, 7, 1), date(2025, 12, 31), [A, B, FEW])
    respond(app, demo, A, date(2025, 9, 10), 60, 20)
    respond(app, demo, B, date(2025, 9, 11), 80, 0)
    respond(app, demo, FEW, date(2025, 9, 12), 9, 3)
    return plan_id


def _workbook(client, plan_id: int):
    response = post_download(client, f"/staff/plans/{plan_id}/indices.xlsx")
    assert response.status_code == 200
    return openpyxl.load_workbook(io.BytesIO(response.data)), response.data


def test_plan_workbook_opens_on_the_report_main_table(app, client, staff):
    plan_id = _plan(app, staff.demo)
    login(client, "analyst1")
    book, _data = _workbook(client, plan_id)
    assert book.sheetnames[0] == "Kết quả theo thủ tục" and book.sheetnames[-1] == "Phương pháp"
    main = book["Kết quả theo thủ tục"]
    # The plan's own period in the title.
    assert main["A1"].value == "Kết quả theo thủ tục – UBND xã An Lão · Kỳ: 01/07/2025 – 31/12/2025"
    assert main["A1"].font.b
    header = [c.value for c in main[4]]
    assert header == ["Mã thủ tục", "Thủ tục", "Số phiếu", "SIPAS-DV (%)", "Khoảng tin cậy 95 %",
                      "TC", "TT", "CC", "KQ", "PA"]
    rows = {r[0].value: r for r in main.iter_rows(min_row=5)}
    assert set(rows) == {A, B, FEW, None}  # the last row: every procedure together, no code
    a = rows[A]
    assert a[2].value == 80 and a[3].value == pytest.approx(75.0) and a[3].data_type == "n"
    assert a[3].number_format == "0.0" and all(c.number_format == "0.0" for c in a[5:])
    assert re.fullmatch(r"\d+,\d – \d+,\d", a[4].value)
    assert rows[FEW][1].value.endswith("(*)") and "(*) Dưới 30 phiếu" in main["A3"].value
    # Pasted into the report, the table reads as the report prints it.
    with app.app_context():
        s = db.session()
        from docx import Document
        doc = Document(io.BytesIO(build(gather(s, s.get(Plan, plan_id), date(2026, 1, 15)))))
    printed = next(t for t in doc.tables if len(t.columns) == 10 and t.rows[0].cells[3].text == "SIPAS-DV (%)")
    for row in printed.rows[1:]:
        cells = rows[row.cells[0].text or None]
        shown = [str(cells[2].value), f"{cells[3].value:.1f}".replace(".", ","), cells[4].value,
                 *(f"{c.value:.1f}".replace(".", ",") for c in cells[5:])]
        assert [c.text for c in row.cells[:1]] + [cells[1].value] + shown == [c.text for c in row.cells]


def test_every_sheet_is_frozen_filtered_sized_and_typed(app, client, staff):
    plan_id = _plan(app, staff.demo)
    login(client, "analyst1")
    book, data = _workbook(client, plan_id)
    for sheet in book.worksheets:
        h = HEADER_ROW.get(sheet.title, 2)
        assert sheet.freeze_panes == f"A{h + 1}", sheet.title
        assert sheet.auto_filter.ref.startswith(f"A{h}:"), sheet.title
        assert all(c.font.b for c in sheet[h] if c.value), sheet.title
        widths = [sheet.column_dimensions[openpyxl.utils.get_column_letter(j)].width
                  for j in range(1, sheet.max_column + 1)]
        assert all(w and w >= 7 for w in widths), (sheet.title, widths)
    summary = book["Tổng hợp"]
    head = [c.value for c in summary[2]]
    first = summary[3]
    for name in ("Chỉ số (%)", "Cận dưới (%)", "Cận trên (%)"):
        cell = first[head.index(name)]
        assert cell.data_type == "n" and cell.number_format == "0.0", name
    exported = first[head.index("Ngày xuất")]
    assert isinstance(exported.value, datetime) and exported.number_format == "dd/mm/yyyy hh:mm:ss"
    criteria = book["Tiêu chí"]
    assert criteria["H3"].value == pytest.approx(149 / 172 * 100) and criteria["H3"].number_format == "0.0"
    # The method sheet speaks Vietnamese: no setting codes.
    method = {r[0]: r[1] for r in book["Phương pháp"].iter_rows(min_row=3, values_only=True)}
    assert method["Thời kỳ"] == "01/07/2025 – 31/12/2025"
    assert method["Chỉ số tiêu chí"].startswith("tỷ lệ hài lòng (mức 4–5)")
    assert method["Khoảng tin cậy của tỷ lệ"] == "khoảng tin cậy Wilson 95 %"
    text = " ".join(str(v) for v in method.values())
    assert not BANNED.findall(text), BANNED.findall(text)
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        assert z.namelist()[0] == "[Content_Types].xml"


def test_a_table_longer_than_a_sheet_goes_on_in_the_next(tmp_path, monkeypatch):
    monkeypatch.setattr(xlsx, "MAX_ROWS", 10)  # Excel's 1,048,576, scaled down
    path = tmp_path / "long.xlsx"
    rows = [[i, f"dòng {i}", i / 3] for i in range(25)]
    write_xlsx([Table("Phiếu", ["Số", "Chữ", "Thập phân"], iter(rows), decimals=(2,)),
                Table("Từ điển", ["Cột"], iter([["x"]]))], str(path), "UBND xã An Lão · Kỳ: 2025")
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["Phiếu", "Phiếu (tiếp 2)", "Phiếu (tiếp 3)", "Phiếu (tiếp 4)", "Từ điển"]
    got = []
    for name in book.sheetnames[:4]:
        sheet = book[name]
        values = list(sheet.iter_rows(values_only=True))
        assert values[0][0] == "Phiếu – UBND xã An Lão · Kỳ: 2025" and values[1] == ("Số", "Chữ", "Thập phân")
        assert len(values) <= 10 and sheet.freeze_panes == "A3"
        got += values[2:]
    assert [list(r) for r in got] == rows  # every row, once, in order: nothing dropped
    assert book["Phiếu (tiếp 4)"].auto_filter.ref == "A2:C3"
