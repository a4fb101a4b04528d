"""Staff messages from importers, uploads, plans and paper keying follow the page language (#16.7)."""
from __future__ import annotations

import io
import re

from tests.plans.helpers import make_plan
from tests.staff.conftest import csrf_from, login, make_user, staff  # noqa: F401  (fixture)


def _upload(client, url: str, text: str | bytes, name: str):
    token = csrf_from(client.get(url))
    data = text.encode("utf-8") if isinstance(text, str) else text
    return client.post(url, data={"csrf_token": token, "file": (io.BytesIO(data), name)},
                       content_type="multipart/form-data")


def test_units_import_errors_in_english_and_vietnamese(app, client, staff):
    login(client, "cityadmin")
    bad = ("Mã,Tên,Cấp,Mã tỉnh,Tên tỉnh\n22001,Xã Vân Đồn,Xã,22,Tỉnh Quảng Ninh\n"
           "11321,Thôn Đông,Thôn,31,Thành phố Hải Phòng\n")
    client.get("/staff/admin/units/import?lang=en")
    html = _upload(client, "/staff/admin/units/import", bad, "dvhc.csv").get_data(as_text=True)
    assert "Unit 22001 is not part of Thành phố Hải Phòng." in html
    assert "Unknown unit level (&#39;Thôn&#39;): expected Xã, Phường, Đặc khu, Tỉnh or Thành phố." in html
    assert "không thuộc" not in html
    missing = _upload(client, "/staff/admin/units/import", "A,B\n1,2\n", "dvhc.csv").get_data(as_text=True)
    assert "Columns not found: Unit code, Unit name. Columns in the file: A, B." in missing
    client.get("/staff/admin/units/import?lang=vi")
    html = _upload(client, "/staff/admin/units/import", bad, "dvhc.csv").get_data(as_text=True)
    assert "Đơn vị 22001 không thuộc Thành phố Hải Phòng." in html


def test_upload_and_catalogue_import_errors_in_english(app, client, staff):
    login(client, "admin1")
    client.get("/staff/admin/import?lang=en")
    excel_named_csv = _upload(client, "/staff/admin/import", b"PK\x03\x04rest", "danh-muc.csv")
    assert excel_named_csv.status_code == 400
    assert "The file ends in .csv but is an Excel file" in excel_named_csv.get_data(as_text=True)
    page = _upload(client, "/staff/admin/import", "Mã thủ tục;Tên thủ tục;Lĩnh vực\n;Thiếu mã;Hộ tịch\n",
                   "danh-muc.csv")
    html = page.get_data(as_text=True)
    assert "Procedure code" in html  # the column labels of the mapping step
    upload = re.search(r'name="upload" value="([^"]+)"', html).group(1)
    form = {"csrf_token": csrf_from(page), "upload": upload, "filename": "danh-muc.csv"}
    unmapped = client.post("/staff/admin/import/apply", data=form, follow_redirects=True)  # no column chosen
    assert "No column chosen for: Procedure code, Procedure name, Field" in unmapped.get_data(as_text=True)
    page = _upload(client, "/staff/admin/import", "Mã thủ tục;Tên thủ tục;Lĩnh vực\n;Thiếu mã;Hộ tịch\n",
                   "danh-muc.csv")
    upload = re.search(r'name="upload" value="([^"]+)"', page.get_data(as_text=True)).group(1)
    guessed = {f"col_{role}": "auto" for role in ("code", "name", "field", "field_code", "name_en")}
    report = client.post("/staff/admin/import/apply", data={**form, "upload": upload, **guessed})
    assert "Missing procedure code." in report.get_data(as_text=True)


def test_plan_and_paper_messages_in_english(app, client, demo):
    plan_id = make_plan(app, demo)
    make_user(app, "phan-tich", "analyst", demo.unit_id)
    login(client, "phan-tich")
    page = client.get(f"/staff/plans/{plan_id}?lang=en")
    answer = client.post(f"/staff/plans/{plan_id}/invitations", data={"csrf_token": csrf_from(page), "count": "0"},
                         follow_redirects=True)
    assert "Choose a procedure and a number of codes from 1 to 500." in answer.get_data(as_text=True)
    entry = client.get(f"/staff/plans/{plan_id}/paper/")
    keyed = client.post(f"/staff/plans/{plan_id}/paper/", data={"csrf_token": csrf_from(entry), "number": "",
                                                                "service": "99"})
    html = keyed.get_data(as_text=True)
    assert keyed.status_code == 400
    assert "Enter the form number written on the sheet (letters and digits)." in html
    assert "Enter the procedure&#39;s number, from 1 to" in html
