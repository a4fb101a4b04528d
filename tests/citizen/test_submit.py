"""Submitting the form: what is stored, and what is refused."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from survey import db
from survey.catalogue.operations import revoke_token
from survey.models import Comment, Questionnaire, Response, ServicePoint
from tests.citizen.helpers import Q, full_answers, hidden_fields, open_form


def _count(app) -> int:
    with app.app_context():
        return db.session().scalar(select(func.count(Response.id)))


def _post(client, url, **overrides):
    data = {**open_form(client, url), **full_answers(), "service": overrides.pop("service", None)}
    data.update(overrides)
    return client.post(url, data={k: v for k, v in data.items() if v is not None})


def test_valid_submission_stores_exactly_the_answers_given(app, client, demo):
    point = demo.points[0]
    url = f"/s/{point.token}"
    answers = full_answers()
    del answers["GIOI"]  # an optional question left blank is simply absent
    form = {**open_form(client, url), **answers, "service": point.services[0],
            "comment": "  Cán bộ nhiệt tình, chu đáo.  "}
    page = client.post(url, data=form)
    assert page.status_code == 303 and page.headers["Location"].endswith("/cam-on")
    with app.app_context():
        response = db.session().scalars(select(Response)).one()
        assert response.answer_values == {k: int(v) for k, v in answers.items()}
        assert response.comment.text == "Cán bộ nhiệt tình, chu đáo."
        assert response.channel == "qr"
        assert response.service_point_id == point.id and response.unit_id == demo.unit_id
        assert response.submitted_at.tzinfo is not None
        questionnaire = db.session().get(Questionnaire, response.questionnaire_id)
        assert (questionnaire.code, questionnaire.version) == (Q.code, Q.version)
    thanks = client.get("/cam-on")
    assert "Cảm ơn" in thanks.get_data(as_text=True)


def test_replayed_post_stores_one_response(app, client, demo):
    point = demo.points[0]
    url = f"/s/{point.token}"
    form = {**open_form(client, url), **full_answers(), "service": point.services[0]}
    first = client.post(url, data=form)
    second = client.post(url, data=form)
    assert first.status_code == second.status_code == 303
    assert _count(app) == 1


@pytest.mark.parametrize(
    "change, field, message",
    [
        ({"TC1": "6"}, "TC1", "Giá trị không hợp lệ"),
        ({"TC2": "0"}, "TC2", "Giá trị không hợp lệ"),
        ({"MM1": "5"}, "MM1", "Giá trị không hợp lệ"),
        ({"TC3": "abc"}, "TC3", "Giá trị không hợp lệ"),
        ({"TT1": None}, "TT1", "Vui lòng chọn một mức đánh giá"),
        ({"XX9": "3"}, "_form", "không có trong phiếu: XX9"),
        ({"comment": "a" * (Q.comment_max_length + 1)}, "comment", "Ý kiến dài quá"),
        ({"service": "9.999999"}, "service", "Thủ tục không có ở quầy này"),
        ({"service": None}, "service", "Vui lòng chọn thủ tục"),
        ({"csrf_token": "forged"}, "_form", "Phiên làm việc đã hết hạn"),
        ({"csrf_token": None}, "_form", "Phiên làm việc đã hết hạn"),
        ({"submission_key": "1; DROP TABLE response"}, "_form", "Phiếu không hợp lệ"),
    ],
)
def test_bad_input_stores_nothing_and_keeps_answers(app, client, demo, change, field, message):
    point = demo.points[0]
    url = f"/s/{point.token}"
    form = {**open_form(client, url), **full_answers(), "service": point.services[0], "comment": "Ý kiến của tôi"}
    form.update(change)
    page = client.post(url, data={k: v for k, v in form.items() if v is not None})
    html = page.get_data(as_text=True)
    assert page.status_code == 400
    assert message in html
    assert _count(app) == 0
    # Every valid answer already given is shown again, checked.
    for code, value in full_answers().items():
        if code not in change:
            assert f'name="{code}" value="{value}" checked' in html
    if "comment" not in change:
        assert "Ý kiến của tôi</textarea>" in html
    if field != "_form":
        assert f'id="e-{field}"' in html


def test_resubmitting_after_an_error_counts_once(app, client, demo):
    point = demo.points[0]
    url = f"/s/{point.token}"
    form = {**open_form(client, url), **full_answers(), "service": point.services[0]}
    bad = client.post(url, data={**form, "TC1": "9"})
    assert bad.status_code == 400
    retry = hidden_fields(bad.get_data(as_text=True))
    assert client.post(url, data={**form, **retry}).status_code == 303
    assert _count(app) == 1


def test_tampered_service_on_a_per_service_url_is_refused(app, client, demo):
    point = demo.points[0]
    url = f"/s/{point.token}/{point.services[0]}"
    page = _post(client, url, service=point.services[1])
    assert page.status_code == 400
    assert "không khớp với mã QR" in page.get_data(as_text=True)
    assert _count(app) == 0


def test_service_from_another_counter_is_refused(app, client, demo):
    first, second = demo.points
    page = _post(client, f"/s/{first.token}", service=second.services[0])
    assert page.status_code == 400
    assert _count(app) == 0


def test_honeypot_looks_successful_and_stores_nothing(app, client, demo):
    point = demo.points[0]
    page = _post(client, f"/s/{point.token}", service=point.services[0], website="http://spam")
    assert page.status_code == 303
    assert _count(app) == 0


def test_revoked_token_answers_404_and_stores_nothing(app, client, demo):
    point = demo.points[0]
    url = f"/s/{point.token}"
    form = {**open_form(client, url), **full_answers(), "service": point.services[0]}
    with app.app_context():
        s = db.session()
        revoke_token(s.get(ServicePoint, point.id))
        s.commit()
    assert client.get(url).status_code == 404
    assert client.post(url, data=form).status_code == 404
    assert _count(app) == 0


def test_comment_is_optional_and_control_characters_are_dropped(app, client, demo):
    point = demo.points[0]
    page = _post(client, f"/s/{point.token}", service=point.services[0], comment="Tốt\x00 lắm\r\n")
    assert page.status_code == 303
    with app.app_context():
        assert db.session().scalar(select(Comment.text)) == "Tốt lắm"
        assert len(db.session().scalar(select(Response)).answer_values) == len(full_answers())
