"""Catalogue in the browser and the import of the national procedure list (CSV, XLSX)."""
from __future__ import annotations

import io
import re

from openpyxl import Workbook
from sqlalchemy import func, select

from survey import db
from survey.models import AuditEvent, Field, Service, ServicePoint
from tests.staff.conftest import csrf_from, login

CSV = (
    "STT;Mã TTHC;Tên thủ tục hành chính;Lĩnh vực\n"
    "1;1.000001;Đăng ký khai sinh mẫu;Hộ tịch\n"
    "2;1.000002;Đăng ký kết hôn mẫu;Hộ tịch\n"
    "3;;Thiếu mã;Hộ tịch\n"
    "4;2.000003;Cấp giấy xác nhận mẫu;\n"
    "5;1.000001;Trùng mã;Hộ tịch\n"
    "6;3.000004;Chứng thực bản sao mẫu;Chứng thực\n"
)


def _upload(client, filename, data, token):
    return client.post("/staff/admin/import", data={"csrf_token": token, "file": (io.BytesIO(data), filename)},
                       content_type="multipart/form-data")


def _apply(client, page, **columns):
    html = page.get_data(as_text=True)
    upload = re.search(r'name="upload" value="([^"]+)"', html).group(1)
    chosen = {}
    for role in ("code", "name", "field", "field_code"):
        if role in columns:
            chosen[f"col_{role}"] = str(columns[role])
        else:  # keep what the page pre-selected
            block = html.split(f'name="col_{role}"', 1)[1].split("</select>", 1)[0]
            selected = re.search(r'value="(-?\d+)" selected', block)
            chosen[f"col_{role}"] = selected.group(1) if selected else "-1"
    return client.post("/staff/admin/import/apply", data={
        "csrf_token": csrf_from(page), "upload": upload, "filename": "list", **chosen})


def _counts(app):
    with app.app_context():
        s = db.session()
        return s.scalar(select(func.count(Service.id))), s.scalar(select(func.count(Field.id)))


def test_csv_import_guesses_columns_reports_rows_and_reimport_updates(app, client, staff):
    login(client, "admin1")
    token = csrf_from(client.get("/staff/admin/import"))
    services_before, fields_before = _counts(app)
    page = _upload(client, "danh-muc.csv", CSV.encode("utf-8-sig"), token)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "6 dòng" in html
    report = _apply(client, page)
    text = report.get_data(as_text=True)
    assert report.status_code == 200
    # Rows 4 (no code), 5 (no field) and 6 (duplicate code) are refused with their line numbers.
    for line, reason in ((4, "Thiếu mã thủ tục"), (5, "Thiếu lĩnh vực"), (6, "trùng với dòng 2")):
        assert re.search(rf'<td class="n">{line}</td><td>[^<]*{reason}', text), (line, text)
    services_after, fields_after = _counts(app)
    assert services_after == services_before + 3
    assert fields_after == fields_before  # "Hộ tịch" and "Chứng thực" matched the demo fields by name
    with app.app_context():
        s = db.session()
        birth = s.scalar(select(Service).where(Service.code == "1.000001"))
        assert birth.name == "Đăng ký khai sinh mẫu" and birth.field.code == "ho-tich"

    # Re-import with a changed name: updated, not duplicated.
    token = csrf_from(client.get("/staff/admin/import"))
    changed = CSV.replace("Đăng ký khai sinh mẫu", "Đăng ký khai sinh (mới)")
    report = _apply(client, _upload(client, "danh-muc.csv", changed.encode(), token))
    assert "Cập nhật: <strong>1</strong>" in report.get_data(as_text=True)
    assert _counts(app) == (services_after, fields_after)
    with app.app_context():
        assert db.session().scalar(select(Service.name).where(Service.code == "1.000001")) == "Đăng ký khai sinh (mới)"
        assert db.session().scalar(select(AuditEvent).where(AuditEvent.action == "catalogue_import")) is not None


def test_xlsx_import_with_manual_mapping(app, client, staff):
    book = Workbook()
    sheet = book.active
    sheet.append(["Cột A", "Cột B", "Nhóm", "Ký hiệu nhóm"])  # nothing recognisable
    sheet.append(["9.000001", "Thủ tục từ Excel", "Lĩnh vực Excel", "LV-EXCEL"])
    sheet.append([9000002, "Mã là số", "Lĩnh vực Excel", "LV-EXCEL"])
    buffer = io.BytesIO()
    book.save(buffer)
    login(client, "admin1")
    token = csrf_from(client.get("/staff/admin/import"))
    page = _upload(client, "national.xlsx", buffer.getvalue(), token)
    assert page.status_code == 200
    missing = _apply(client, page)  # no column guessed: refused, nothing imported
    assert missing.status_code == 302
    page = _upload(client, "national.xlsx", buffer.getvalue(), token)
    report = _apply(client, page, code=0, name=1, field=2, field_code=3)
    assert "Thêm mới: <strong class=\"created\">2</strong>" in report.get_data(as_text=True)
    with app.app_context():
        s = db.session()
        service = s.scalar(select(Service).where(Service.code == "9000002"))
        assert service.field.code == "LV-EXCEL" and service.field.name == "Lĩnh vực Excel"


def test_upload_type_and_size_are_checked(app, client, staff):
    login(client, "admin1")
    token = csrf_from(client.get("/staff/admin/import"))
    assert _upload(client, "virus.exe", b"MZ...", token).status_code == 400
    assert _upload(client, "fake.xlsx", b"not a zip", token).status_code == 400
    app.config["MAX_CONTENT_LENGTH"] = 1024
    assert _upload(client, "big.csv", b"a;b\n" * 1000, token).status_code == 413
    assert client.post("/staff/admin/import/apply", data={"csrf_token": token, "upload": "../../etc/passwd"}).status_code == 302


def test_counter_edit_token_rotation_and_kiosk_are_audited(app, client, staff):
    login(client, "admin1")
    point = staff.demo.points[0]
    page = client.get(f"/staff/admin/counters/{point.id}")
    token = csrf_from(page)
    assert f"/s/{point.token}" in page.get_data(as_text=True)
    client.post(f"/staff/admin/counters/{point.id}/rotate", data={"csrf_token": token, "confirm": "1"})
    assert client.get(f"/s/{point.token}").status_code == 404  # the old printed QR stops working
    client.post(f"/staff/admin/counters/{point.id}/revoke", data={"csrf_token": token, "confirm": "1"})
    kiosk_page = client.post(f"/staff/admin/counters/{point.id}/kiosk", data={"csrf_token": token},
                             follow_redirects=True).get_data(as_text=True)
    kiosk_path = re.search(r"http://sipas\.test(/k/[A-Za-z0-9_-]+)", kiosk_page).group(1)
    assert client.get(kiosk_path).status_code == 200
    with app.app_context():
        s = db.session()
        assert s.get(ServicePoint, point.id).token is None
        actions = list(s.scalars(select(AuditEvent.action).where(AuditEvent.target == f"service_point:{point.id}")))
    assert actions == ["token_rotate", "token_revoke", "kiosk_register"]
    # A viewer never sees the kiosk address.
    viewer = app.test_client()
    login(viewer, "viewer1")
    assert viewer.get(f"/staff/admin/counters/{point.id}").status_code == 403


def test_new_counter_fields_and_services_in_the_browser(app, client, staff):
    login(client, "admin1")
    token = csrf_from(client.get("/staff/admin/catalogue"))
    client.post("/staff/admin/fields", data={"csrf_token": token, "code": "DD", "name": "Đất đai"})
    with app.app_context():
        field_id = db.session().scalar(select(Field.id).where(Field.code == "DD"))
    client.post("/staff/admin/services", data={"csrf_token": token, "code": "1.012345",
                                               "name": "Đăng ký đất đai lần đầu", "field_id": field_id})
    with app.app_context():
        service_id = db.session().scalar(select(Service.id).where(Service.code == "1.012345"))
    saved = client.post("/staff/admin/counters/new", data={
        "csrf_token": token, "name": "Quầy 3 – Đất đai", "unit_id": staff.demo.unit_id, "service_ids": [service_id]})
    assert saved.status_code == 302
    page = client.get(saved.headers["Location"]).get_data(as_text=True)
    assert "Quầy 3 – Đất đai" in page and 'value="%d" checked' % service_id in page
    with app.app_context():
        actions = set(db.session().scalars(select(AuditEvent.action)))
    assert {"field_save", "service_save", "counter_save"} <= actions
