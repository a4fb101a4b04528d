"""Comments: case-insensitive Vietnamese search, paging, escaping, tagging within scope."""
from __future__ import annotations

import uuid
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from survey import db
from survey.dashboard.queries import PAGE_SIZE
from survey.models import AuditEvent, Comment, Questionnaire, Response, Service
from tests.staff.conftest import csrf_from, login, make_user


def _add_comments(app, demo, texts):
    with app.app_context():
        s = db.session()
        qid = s.scalar(select(Questionnaire.id))
        service = s.scalar(select(Service).where(Service.code == "1.001193"))
        start = datetime(2024, 5, 1, tzinfo=timezone.utc)
        ids = []
        for i, text in enumerate(texts):
            r = Response(submission_key=uuid.uuid4().hex, questionnaire_id=qid, unit_id=demo.unit_id,
                         service_id=service.id, channel="qr", submitted_at=start + timedelta(hours=i),
                         comment=Comment(text=text))
            s.add(r)
            s.flush()
            ids.append(r.id)
        s.commit()
        return ids


@pytest.fixture
def analyst(app, demo, client):
    make_user(app, "phantich", "analyst", demo.unit_id)
    login(client, "phantich")
    return client


def test_search_ignores_case_in_vietnamese(app, demo, analyst):
    _add_comments(app, demo, ["PHÒNG CHỜ NÓNG", "Phòng chờ rộng", "Cán bộ Đúng hẹn", "khác"])
    html = analyst.get("/staff/results/comments?q=phòng chờ").get_data(as_text=True)
    assert "PHÒNG CHỜ NÓNG" in html and "Phòng chờ rộng" in html and "khác</td>" not in html
    assert "Cán bộ Đúng hẹn" in analyst.get("/staff/results/comments?q=ĐÚNG").get_data(as_text=True)
    assert "2 góp ý" in html


def test_search_treats_wildcards_literally(app, demo, analyst):
    _add_comments(app, demo, ["giảm 50% phí", "không có gì"])
    html = analyst.get("/staff/results/comments?q=%25").get_data(as_text=True)
    assert "giảm 50% phí" in html and "không có gì" not in html


def test_comments_are_escaped(app, demo, analyst):
    _add_comments(app, demo, ["<script>alert(1)</script>"])
    html = analyst.get("/staff/results/comments").get_data(as_text=True)
    assert "<script>alert(1)" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_paging(app, demo, analyst):
    _add_comments(app, demo, [f"góp ý số {i:03d}" for i in range(PAGE_SIZE + 3)])
    first = analyst.get("/staff/results/comments").get_data(as_text=True)
    second = analyst.get("/staff/results/comments?trang=2").get_data(as_text=True)
    newest, oldest = f"góp ý số {PAGE_SIZE + 2:03d}", "góp ý số 000"
    assert newest in first and oldest not in first
    assert oldest in second and newest not in second
    assert second.count('class="comment"') == 3


def test_analyst_tags_comment(app, demo, analyst):
    rid = _add_comments(app, demo, ["Thái độ tốt"])[0]
    token = csrf_from(analyst.get("/staff/results/comments"))
    response = analyst.post(f"/staff/results/comments/{rid}/tag", data={"element": "CC", "csrf_token": token})
    assert response.status_code == 302
    with app.app_context():
        s = db.session()
        assert s.get(Comment, rid).element_code == "CC"
        assert s.scalar(select(AuditEvent.target).where(AuditEvent.action == "comment.tag")) == f"comment:{rid}"
    assert analyst.post(f"/staff/results/comments/{rid}/tag",
                        data={"element": "XX", "csrf_token": token}).status_code == 400
    assert analyst.post(f"/staff/results/comments/{rid}/tag", data={"element": "CC"}).status_code == 400


def test_viewer_cannot_tag(app, demo, client):
    rid = _add_comments(app, demo, ["Tốt"])[0]
    make_user(app, "xem", "viewer", demo.unit_id)
    login(client, "xem")
    token = csrf_from(client.get("/staff/results/comments"))
    assert client.post(f"/staff/results/comments/{rid}/tag",
                       data={"element": "CC", "csrf_token": token}).status_code == 403


def test_other_commune_cannot_read_or_tag(app, demo, client):
    from survey.catalogue import operations as ops
    from survey.models import Unit

    rid = _add_comments(app, demo, ["Bí mật của xã An Lão"])[0]
    with app.app_context():
        s = db.session()
        other = ops.upsert_unit(s, "OTHER-03", "Xã Khác", "commune", s.get(Unit, demo.unit_id).parent)
        s.commit()
        other_id = other.id
    make_user(app, "khac", "analyst", other_id)
    login(client, "khac")
    page = client.get(f"/staff/results/comments?don_vi={demo.unit_id}")
    assert "Bí mật" not in page.get_data(as_text=True)
    token = csrf_from(page)
    assert client.post(f"/staff/results/comments/{rid}/tag",
                       data={"element": "CC", "csrf_token": token}).status_code == 404
