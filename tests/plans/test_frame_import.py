"""Dossier-list import: column mapping, dd/mm/yyyy, row errors, idempotent re-import, file checks."""
from __future__ import annotations

import io
from datetime import date

import pytest
from openpyxl import Workbook

from survey import db
from survey.frame.operations import import_dossiers
from survey.frame.reader import FrameFileError, read_table
from survey.models import Dossier

CSV_VI = (
    "STT;Mã hồ sơ;Mã TTHC;Ngày tiếp nhận;Ngày hẹn trả;Ngày trả kết quả;Hình thức nộp;Thanh toán trực tuyến\n"
    "1;HS-001;1.001193;03/02/2025;05/02/2025;04/02/2025;Trực tiếp;Không\n"
    "2;HS-002;1.001193;03/02/2025;05/02/2025;07/02/2025;Trực tuyến toàn trình;Có\n"
    "3;HS-003;9.999999;03/02/2025;05/02/2025;05/02/2025;Trực tiếp;\n"
    "4;HS-004;2.000815;31/02/2025;05/03/2025;;Bưu chính;\n"
    "5;HS-005;2.000815;10/03/2025;12/03/2025;12/03/2025;Trực tuyến một phần;x\n"
    "6;HS-001;1.001193;03/02/2025;05/02/2025;04/02/2025;Trực tiếp;Không\n"
).encode("utf-8")


def _import(app, unit_id, name, data, given=None):
    with app.app_context():
        s = db.session()
        report = import_dossiers(s, unit_id, *read_table(name, data), given)
        s.commit()
        return report


def test_vietnamese_csv_with_errors_reported_by_line(app, demo):
    report = _import(app, demo.unit_id, "hoso.csv", CSV_VI)
    assert (report.created, report.updated) == (3, 0)
    lines = dict(report.errors)
    assert set(lines) == {4, 5, 7}
    assert "9.999999" in lines[4] and "dd/mm/yyyy" in lines[5] and "lặp lại" in lines[7]
    with app.app_context():
        d = {x.code: x for x in db.session().query(Dossier)}
        assert d["HS-002"].channel == "online_full" and d["HS-002"].paid_online is True
        assert d["HS-001"].received_on == date(2025, 2, 3) and d["HS-001"].returned_on == date(2025, 2, 4)
        assert d["HS-005"].channel == "online_partial" and d["HS-005"].paid_online is True


def test_reimport_updates_never_duplicates(app, demo):
    _import(app, demo.unit_id, "hoso.csv", CSV_VI)
    changed = CSV_VI.replace(b"2;HS-002;1.001193;03/02/2025;05/02/2025;07/02/2025",
                             b"2;HS-002;1.001193;03/02/2025;05/02/2025;05/02/2025")
    report = _import(app, demo.unit_id, "hoso.csv", changed)
    assert (report.created, report.updated) == (0, 3)
    with app.app_context():
        rows = db.session().query(Dossier).all()
        assert len(rows) == 3
        assert next(r for r in rows if r.code == "HS-002").returned_on == date(2025, 2, 5)


def test_xlsx_with_english_headers_and_explicit_mapping(app, demo):
    book = Workbook()
    sheet = book.active
    sheet.append(["Ref", "Procedure code", "Received", "Promised", "Done", "Kênh", "Paid online"])
    sheet.append(["A1", "1.001193", date(2025, 4, 1), date(2025, 4, 3), date(2025, 4, 2), "trực tiếp", "no"])
    buf = io.BytesIO()
    book.save(buf)
    report = _import(app, demo.unit_id, "export.xlsx", buf.getvalue(),
                     {"code": "Ref", "due": "Promised", "returned": "Done", "channel": "Kênh"})
    assert report.errors == [] and report.created == 1
    with app.app_context():
        d = db.session().query(Dossier).one()
        assert (d.code, d.received_on, d.due_on, d.channel) == ("A1", date(2025, 4, 1), date(2025, 4, 3), "direct")


def test_missing_required_column_stores_nothing(app, demo):
    report = _import(app, demo.unit_id, "x.csv", "Mã hồ sơ,Ngày tiếp nhận\nA,01/01/2025\n".encode())
    assert report.missing_columns == ["Mã thủ tục"] and not report.ok
    with app.app_context():
        assert db.session().query(Dossier).count() == 0


@pytest.mark.parametrize("name,data", [
    ("x.pdf", b"%PDF-1.4"),
    ("x.csv", b"PK\x03\x04zip"),
    ("x.xlsx", b"not a zip"),
    ("x.csv", b"a" * (10 * 1024 * 1024 + 1)),
    ("x.csv", b"\n\n"),
])
def test_bad_files_refused(name, data):
    with pytest.raises(FrameFileError):
        read_table(name, data)
