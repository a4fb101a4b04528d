"""Every typed text: control characters stripped, its column's length checked with a message (no 500 on PostgreSQL)."""
from __future__ import annotations

import io
from datetime import date

from docx import Document
from sqlalchemy import func, select

from survey import db
from survey.forms_text import clean
from survey.models import Field, Plan, Service, ServicePoint, User
from survey.report.data import gather
from survey.report.document import build
from tests.report.helpers import plan_with, respond
from tests.staff.conftest import csrf_from, login

SHARED = "1.001193"


def _count(app, column) -> int:
    with app.app_context():
        return db.session().scalar(select(func.count(column)))


def test_clean_strips_c0_c1_controls_and_keeps_line_breaks_only_where_asked():
    raw = "Đăng\x00 ký\x0b khai\x85 sinh\x7f\r\nmới\tnhé"
    assert clean(raw) == "Đăng ký khai sinh  mới nhé"
    assert clean(raw, multiline=True) == "Đăng ký khai sinh\nmới nhé"


def test_an_over_long_counter_name_is_refused_with_a_message(app, client, staff):
    login(client, "admin1")
    page = client.get("/staff/admin/counters/new")
    before = _count(app, ServicePoint.id)
    answer = client.post("/staff/admin/counters/new", data={
        "csrf_token": csrf_from(page), "unit_id": str(staff.demo.unit_id), "name": "Q" * 201})
    assert answer.status_code == 400
    assert "Tên quầy dài quá 200 ký tự" in answer.get_data(as_text=True)
    assert _count(app, ServicePoint.id) == before


def test_an_over_long_procedure_name_is_refused_with_a_message(app, client, staff):
    login(client, "cityadmin")
    token = csrf_from(client.get("/staff/admin/catalogue"))
    with app.app_context():
        field_id = db.session().scalar(select(Field.id).order_by(Field.id))
        before = db.session().scalar(select(Service.name).where(Service.code == SHARED))
    answer = client.post("/staff/admin/services", data={
        "csrf_token": token, "code": SHARED, "name": "T" * 501, "field_id": str(field_id)})
    assert answer.status_code == 400
    assert "Tên thủ tục dài quá 500 ký tự" in answer.get_data(as_text=True)
    with app.app_context():
        assert db.session().scalar(select(Service.name).where(Service.code == SHARED)) == before
    answer = client.post("/staff/admin/services", data={
        "csrf_token": token, "code": "9" * 21, "name": "Tên", "field_id": str(field_id)})
    assert answer.status_code == 400 and "Mã thủ tục dài quá 20 ký tự" in answer.get_data(as_text=True)


def test_an_over_long_username_and_plan_title_are_refused_with_a_message(app, client, staff):
    login(client, "admin1")
    page = client.get("/staff/admin/users")
    before = _count(app, User.id)
    answer = client.post("/staff/admin/users", data={
        "csrf_token": csrf_from(page), "unit_id": str(staff.demo.unit_id), "username": "u" * 81, "role": "viewer"})
    assert answer.status_code == 400 and "Tên đăng nhập dài quá 80 ký tự" in answer.get_data(as_text=True)
    assert _count(app, User.id) == before

    client = app.test_client()
    login(client, "analyst1")
    page = client.get("/staff/plans/new")
    answer = client.post("/staff/plans/new", data={
        "csrf_token": csrf_from(page), "title": "K" * 301, "start_date": "2026-01-01", "end_date": "2026-12-31",
        "questionnaire": "sipas-dv|2024.1"})
    assert answer.status_code == 400 and "Tên kế hoạch dài quá 300 ký tự" in answer.get_data(as_text=True)
    assert _count(app, Plan.id) == 0


def test_a_control_character_in_a_procedure_name_is_dropped_and_the_docx_report_builds(app, client, staff):
    login(client, "cityadmin")
    token = csrf_from(client.get("/staff/admin/catalogue"))
    with app.app_context():
        field_id = db.session().scalar(select(Service.field_id).where(Service.code == SHARED))
    answer = client.post("/staff/admin/services", data={
        "csrf_token": token, "code": SHARED, "name": "Cấp\x0b giấy\x00 phép\x1f mẫu", "field_id": str(field_id)})
    assert answer.status_code == 302
    with app.app_context():
        assert db.session().scalar(select(Service.name).where(Service.code == SHARED)) == "Cấp giấy phép mẫu"
    # A counter renamed with a pasted control character is stored clean too.
    point = staff.demo.points[0]
    page = client.get(f"/staff/admin/counters/{point.id}")
    client.post(f"/staff/admin/counters/{point.id}", data={
        "csrf_token": csrf_from(page), "unit_id": str(staff.demo.unit_id), "name": "Quầy\x0c số 1",
        "service_ids": [str(i) for i in _service_ids(app, point.services)]})
    with app.app_context():
        assert db.session().get(ServicePoint, point.id).name == "Quầy số 1"

    plan_id = plan_with(app, staff.demo, "Kế hoạch 2025", date(2025, 7, 1), date(2025, 12, 31), [SHARED])
    respond(app, staff.demo, SHARED, date(2025, 9, 10), 30, 10)
    with app.app_context():
        s = db.session()
        doc = Document(io.BytesIO(build(gather(s, s.get(Plan, plan_id), date(2026, 1, 15)))))
    cells = [c.text for t in doc.tables for row in t.rows for c in row.cells]
    assert any("Cấp giấy phép mẫu" in c for c in cells)


def _service_ids(app, codes: list[str]) -> list[int]:
    with app.app_context():
        return list(db.session().scalars(select(Service.id).where(Service.code.in_(codes))))
