"""`sipas units import`: the official list of administrative units, all rows or none."""
from __future__ import annotations

import io

from openpyxl import Workbook
from sqlalchemy import func, select

from survey import db
from survey.models import AuditEvent, Unit
from survey.units import rows as unit_rows

HEADER = "Mã,Tên,Cấp,Mã tỉnh,Tên tỉnh\n"


def _write(tmp_path, name: str, text: str):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def _units(app) -> dict[str, tuple[str, str, str | None]]:
    with app.app_context():
        return {u.code: (u.name, u.kind, u.parent.code if u.parent else None)
                for u in db.session().scalars(select(Unit))}


def test_import_creates_units_with_kinds_and_parent(app, runner, tmp_path):
    path = _write(tmp_path, "dvhc.csv", HEADER + "11311,Xã An Lão,Xã,31,Thành phố Hải Phòng\n"
                  "11312,Phường Lê Chân,Phường,31,Thành phố Hải Phòng\n"
                  "11313,Đặc khu Cát Hải,Đặc khu,31,Thành phố Hải Phòng\n"
                  "22001,Xã Vân Đồn,Xã,22,Tỉnh Quảng Ninh\n")
    result = runner.invoke(args=["units", "import", path])
    assert result.exit_code == 0, result.output
    assert "6 created, 0 updated, 0 unchanged" in result.output
    assert _units(app) == {
        "31": ("Thành phố Hải Phòng", "city", None), "22": ("Tỉnh Quảng Ninh", "province", None),
        "11311": ("Xã An Lão", "commune", "31"), "11312": ("Phường Lê Chân", "ward", "31"),
        "11313": ("Đặc khu Cát Hải", "special", "31"), "22001": ("Xã Vân Đồn", "commune", "22"),
    }
    listed = runner.invoke(args=["units", "list"]).output
    assert "11313\tspecial\tĐặc khu Cát Hải\t31" in listed
    with app.app_context():
        assert db.session().scalar(select(func.count()).where(AuditEvent.action == "units_import")) == 1


def test_reimport_updates_names_and_keeps_ids(app, runner, tmp_path):
    first = _write(tmp_path, "a.csv", HEADER + "11311,Xã An Lão,Xã,31,Thành phố Hải Phòng\n"
                   "11312,Phường Lê Chân,Phường,31,Thành phố Hải Phòng\n")
    assert runner.invoke(args=["units", "import", first]).exit_code == 0
    with app.app_context():
        ids = dict(db.session().execute(select(Unit.code, Unit.id)).all())
    again = runner.invoke(args=["units", "import", first])
    assert "0 created, 0 updated, 3 unchanged" in again.output
    renamed = _write(tmp_path, "b.csv", HEADER + "11311,Xã An Lão Mới,Xã,31,Thành phố Hải Phòng\n"
                     "11312,Phường Lê Chân,Phường,31,Thành phố Hải Phòng\n")
    result = runner.invoke(args=["units", "import", renamed])
    assert result.exit_code == 0, result.output
    assert "0 created, 1 updated, 2 unchanged" in result.output
    assert _units(app)["11311"] == ("Xã An Lão Mới", "commune", "31")
    with app.app_context():
        assert dict(db.session().execute(select(Unit.code, Unit.id)).all()) == ids


def test_a_bad_row_is_reported_by_line_and_nothing_is_imported(app, runner, tmp_path):
    good = _write(tmp_path, "good.csv", HEADER + "11311,Xã An Lão,Xã,31,Thành phố Hải Phòng\n")
    assert runner.invoke(args=["units", "import", good]).exit_code == 0
    before = _units(app)
    bad = _write(tmp_path, "bad.csv", HEADER
                 + "11311,Xã An Lão Đổi Tên,Xã,31,Thành phố Hải Phòng\n"   # line 2: fine on its own
                 + "11320,Xã Mới,Xã,31,Thành phố Hải Phòng\n"              # line 3: fine on its own
                 + "11321,Thôn Đông,Thôn,31,Thành phố Hải Phòng\n"         # line 4: not a unit kind
                 + "11320,Xã Mới Nữa,Xã,31,Thành phố Hải Phòng\n"          # line 5: code of line 3 again
                 + "11322,Xã Không Tỉnh,Xã,,\n")                           # line 6: no parent
    result = runner.invoke(args=["units", "import", bad])
    assert result.exit_code == 1
    assert "line 4: Không rõ cấp của đơn vị ('Thôn')" in result.output
    assert "line 5: Mã đơn vị 11320 trùng với dòng 3." in result.output
    assert "line 6: Thiếu mã tỉnh/thành phố." in result.output
    assert "3 row(s) refused; nothing was imported." in result.output
    assert _units(app) == before  # the rename on line 2 and the new unit on line 3 did not land
    with app.app_context():
        assert db.session().scalar(select(func.count()).where(AuditEvent.action == "units_import")) == 1


def test_gso_export_as_xlsx_with_numeric_codes_and_district_columns(app, runner, tmp_path):
    book = Workbook()
    sheet = book.active
    sheet.append(["Tỉnh Thành Phố", "Mã TP", "Quận Huyện", "Mã QH", "Phường Xã", "Mã PX", "Cấp", "Tên Tiếng Anh"])
    sheet.append(["Thành phố Hà Nội", 1, "Quận Ba Đình", 1, "Phường Phúc Xá", 4, "Phường", "Phuc Xa Ward"])
    sheet.append(["Thành phố Hà Nội", 1, "Quận Ba Đình", 1, "Phường Trúc Bạch", 7, "Phường", "Truc Bach Ward"])
    buffer = io.BytesIO()
    book.save(buffer)
    (tmp_path / "gso.xlsx").write_bytes(buffer.getvalue())
    result = runner.invoke(args=["units", "import", str(tmp_path / "gso.xlsx")])
    assert result.exit_code == 0, result.output
    # Spreadsheet numbers 1, 4, 7 are the official codes 01, 00004, 00007.
    assert _units(app) == {"01": ("Thành phố Hà Nội", "city", None),
                           "00004": ("Phường Phúc Xá", "ward", "01"),
                           "00007": ("Phường Trúc Bạch", "ward", "01")}


def test_kind_from_the_name_and_name_from_the_kind(app, runner, tmp_path):
    # No "Cấp" column: the name's first word says the kind; a bare name gets its kind's word.
    path = _write(tmp_path, "plain.csv", "Mã,Tên,Mã tỉnh,Tên tỉnh\n"
                  "31,Thành phố Hải Phòng,,\n"
                  "11313,Đặc khu Bạch Long Vĩ,31,\n"
                  "11314,Phường\tHồng Bàng,31,Hải Phòng\n")
    result = runner.invoke(args=["units", "import", path])
    assert result.exit_code == 0, result.output
    units = _units(app)
    assert units["11313"] == ("Đặc khu Bạch Long Vĩ", "special", "31")
    assert units["11314"] == ("Phường Hồng Bàng", "ward", "31")  # the tab is a space, not part of the name
    assert unit_rows.official_name("An Lão", "commune") == "Xã An Lão"
    assert unit_rows.official_name("Hải Phòng", "city") == "Thành phố Hải Phòng"


def test_parent_by_code_only_needs_a_known_province(app, runner, tmp_path):
    lone = _write(tmp_path, "lone.csv", "Mã,Tên,Cấp,Mã tỉnh\n11311,Xã An Lão,Xã,31\n")
    refused = runner.invoke(args=["units", "import", lone])
    assert refused.exit_code == 1 and "line 2: Không có tỉnh/thành phố mã 31" in refused.output
    city = _write(tmp_path, "city.csv", "Mã,Tên,Cấp\n31,Thành phố Hải Phòng,Thành phố\n")
    assert runner.invoke(args=["units", "import", city]).exit_code == 0
    result = runner.invoke(args=["units", "import", lone])
    assert result.exit_code == 0, result.output
    assert _units(app)["11311"] == ("Xã An Lão", "commune", "31")


def test_a_file_without_code_or_name_columns_is_refused(app, runner, tmp_path):
    path = _write(tmp_path, "x.csv", "Số,Ghi chú\n1,abc\n")
    result = runner.invoke(args=["units", "import", path])
    assert result.exit_code == 1
    assert "Không tìm thấy cột: Mã đơn vị, Tên đơn vị" in result.output
    assert _units(app) == {}
