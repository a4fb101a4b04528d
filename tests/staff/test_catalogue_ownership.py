"""One commune cannot change another: shared procedures are edited only by the city, local ones stay local."""
from __future__ import annotations

import io
import re

from sqlalchemy import select

from survey import db
from survey.models import Field, Service, ServicePoint
from tests.staff.conftest import csrf_from, login, make_user

SHARED = "1.001193"  # a demo procedure: shared, offered by the demo commune's counters


def _name(app, code: str) -> str | None:
    with app.app_context():
        return db.session().scalar(select(Service.name).where(Service.code == code))


def _field_id(app) -> int:
    with app.app_context():
        return db.session().scalar(select(Field.id).order_by(Field.id))


def _save_service(client, code: str, name: str, field_id: int):
    token = csrf_from(client.get("/staff/admin/catalogue"))
    return client.post("/staff/admin/services",
                       data={"csrf_token": token, "code": code, "name": name, "field_id": str(field_id)})


def test_commune_admin_cannot_rename_a_shared_procedure_the_city_admin_can(app, client, staff):
    before = _name(app, SHARED)
    login(client, "admin1")
    refused = _save_service(client, SHARED, "Tên do xã đổi", _field_id(app))
    assert refused.status_code == 403
    assert "chỉ quản trị viên của đơn vị sở hữu" in refused.get_data(as_text=True)
    assert _name(app, SHARED) == before
    # Nor withdraw it from every commune's form.
    with app.app_context():
        service_id = db.session().scalar(select(Service.id).where(Service.code == SHARED))
    token = csrf_from(client.get("/staff/admin/catalogue"))
    assert client.post(f"/staff/admin/services/{service_id}/active", data={"csrf_token": token}).status_code == 403
    with app.app_context():
        assert db.session().get(Service, service_id).active is True
    # Nor rename a shared field.
    with app.app_context():
        field = db.session().scalar(select(Field).order_by(Field.id))
        field_code, field_name = field.code, field.name
    token = csrf_from(client.get("/staff/admin/catalogue"))
    answer = client.post("/staff/admin/fields", data={"csrf_token": token, "code": field_code, "name": "Xã đổi"})
    assert answer.status_code == 403
    with app.app_context():
        assert db.session().scalar(select(Field.name).where(Field.code == field_code)) == field_name

    client = app.test_client()
    login(client, "cityadmin")
    accepted = _save_service(client, SHARED, "Tên do thành phố đổi", _field_id(app))
    assert accepted.status_code == 302
    assert _name(app, SHARED) == "Tên do thành phố đổi"


def test_a_commune_adds_a_local_procedure_offered_only_by_its_own_counters(app, client, staff):
    make_user(app, "otheradmin", "admin", staff.other_unit_id)
    login(client, "admin1")
    assert _save_service(client, "XA-0001", "Thủ tục riêng của xã", _field_id(app)).status_code == 302
    with app.app_context():
        s = db.session()
        local = s.scalar(select(Service).where(Service.code == "XA-0001"))
        assert local.unit_id == staff.demo.unit_id
        local_id = local.id
    own_point = staff.demo.points[0].id
    assert "Thủ tục riêng của xã" in client.get(f"/staff/admin/counters/{own_point}").get_data(as_text=True)
    # The owner may rename its own procedure.
    assert _save_service(client, "XA-0001", "Thủ tục riêng (đổi tên)", _field_id(app)).status_code == 302
    assert _name(app, "XA-0001") == "Thủ tục riêng (đổi tên)"

    client = app.test_client()
    login(client, "otheradmin")
    page = client.get(f"/staff/admin/counters/{staff.other_point_id}")
    assert page.status_code == 200 and "Thủ tục riêng" not in page.get_data(as_text=True)
    assert "XA-0001" not in client.get("/staff/admin/catalogue").get_data(as_text=True)
    # Posting its id anyway does not attach it to the other commune's counter.
    answer = client.post(f"/staff/admin/counters/{staff.other_point_id}", data={
        "csrf_token": csrf_from(page), "unit_id": str(staff.other_unit_id), "name": "Quầy xã khác",
        "service_ids": [str(local_id)]})
    assert answer.status_code == 302
    with app.app_context():
        point = db.session().get(ServicePoint, staff.other_point_id)
        assert local_id not in {v.id for v in point.services}
    # Nor can it rename the first commune's procedure.
    assert _save_service(client, "XA-0001", "Xã khác đổi", _field_id(app)).status_code == 403
    assert _name(app, "XA-0001") == "Thủ tục riêng (đổi tên)"


def test_a_commune_admins_import_does_not_rename_shared_rows(app, client, staff):
    before = _name(app, SHARED)
    login(client, "admin1")
    csv = f"Mã TTHC;Tên thủ tục hành chính;Lĩnh vực\n{SHARED};Tên nhập từ xã;Hộ tịch\nXA-0002;Thủ tục nhập riêng;Hộ tịch\n"
    token = csrf_from(client.get("/staff/admin/import"))
    page = client.post("/staff/admin/import", data={"csrf_token": token, "file": (io.BytesIO(csv.encode()), "x.csv")},
                       content_type="multipart/form-data")
    html = page.get_data(as_text=True)
    upload = re.search(r'name="upload" value="([^"]+)"', html).group(1)
    chosen = {}
    for role in ("code", "name", "field", "field_code"):
        block = html.split(f'name="col_{role}"', 1)[1].split("</select>", 1)[0]
        selected = re.search(r'value="(-?\d+)" selected', block)
        chosen[f"col_{role}"] = selected.group(1) if selected else "-1"
    report = client.post("/staff/admin/import/apply", data={
        "csrf_token": csrf_from(page), "upload": upload, "filename": "x.csv", **chosen})
    text = report.get_data(as_text=True)
    assert report.status_code == 200
    assert re.search(r'<td class="n">2</td><td>[^<]*Thủ tục dùng chung', text), text
    assert _name(app, SHARED) == before
    with app.app_context():
        s = db.session()
        local = s.scalar(select(Service).where(Service.code == "XA-0002"))
        assert local.unit_id == staff.demo.unit_id
        # The shared field "Hộ tịch" was reused, not renamed nor copied.
        assert local.field.unit_id is None and local.field.name == "Hộ tịch"
