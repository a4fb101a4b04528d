"""A counter's submission is one INSERT that checks the counter and the service itself (issue 17.7).

The check used to be a SELECT of its own before the INSERT; it now rides on
the INSERT … SELECT (survey/citizen/operations.py record_at_counter). These
tests hold both halves: a valid submission costs one statement, and an
invalid pair stores nothing even when the caller trusts a stale snapshot.
"""
from __future__ import annotations

import uuid

import pytest
from sqlalchemy import event, func, select, text

from survey import db
from survey.citizen.operations import record_at_counter
from survey.models import Response, Service, ServicePoint
from survey.models.types import utcnow
from tests.citizen.helpers import full_answers, open_form


def _count(app) -> int:
    with app.app_context():
        return db.session().scalar(select(func.count(Response.id)))


def _statements(app):
    seen: list[str] = []

    def note(_conn, _cursor, statement, *_args) -> None:
        seen.append(statement.split()[0].upper())

    event.listen(app.extensions["sipas.engine"], "before_cursor_execute", note)
    return seen


def test_a_valid_submission_is_one_statement(app, client, demo):
    point = demo.points[0]
    form = {**open_form(client, f"/s/{point.token}"), **full_answers(), "service": point.services[0]}
    seen = _statements(app)
    assert client.post(f"/s/{point.token}", data=form).status_code == 303
    assert seen == ["INSERT"]  # no SELECT of the counter before it
    assert _count(app) == 1


def _store(app, point, service_id: int, kind: str = "qr", token: str | None = None):
    with app.app_context():
        s = db.session()
        qid, items = s.execute(text("SELECT id, items FROM questionnaire ORDER BY id LIMIT 1")).one()
        stored = record_at_counter(s, kind, token or point.token, questionnaire_id=qid, items=None,
                                   service_id=service_id, channel=kind, answers={}, comment="",
                                   submission_key=uuid.uuid4().hex)
        s.rollback()
        return stored


def _service_id(app, code: str) -> int:
    with app.app_context():
        return db.session().scalar(select(Service.id).where(Service.code == code))


@pytest.mark.parametrize("change", ["closed", "revoked", "service off the counter", "other counter's service"])
def test_an_invalid_pair_inserts_nothing(app, demo, change):
    point = next(p for p in demo.points if len(p.services) > 1)
    other = next(p for p in demo.points if p.id != point.id and set(p.services) - set(point.services))
    service_id = _service_id(app, point.services[0])
    with app.extensions["sipas.engine"].begin() as conn:
        if change == "closed":
            conn.execute(text("UPDATE service_point SET closed_at = :t WHERE id = :i"), {"t": utcnow(), "i": point.id})
        elif change == "revoked":
            conn.execute(text("UPDATE service_point SET token = NULL WHERE id = :i"), {"i": point.id})
        elif change == "service off the counter":
            conn.execute(text("DELETE FROM service_point_service WHERE service_point_id = :p AND service_id = :s"),
                         {"p": point.id, "s": service_id})
        else:
            service_id = _service_id(app, sorted(set(other.services) - set(point.services))[0])
    assert _store(app, point, service_id) is None
    assert _count(app) == 0


def test_a_valid_pair_stores_the_counter_and_unit_the_database_holds(app, demo):
    point = demo.points[0]
    with app.extensions["sipas.engine"].begin() as conn:
        conn.execute(text("UPDATE service_point SET unit_id = :u WHERE id = :i"), {"u": demo.city_id, "i": point.id})
    stored = _store(app, point, _service_id(app, point.services[0]))
    assert stored is not None and stored.point_id == point.id and stored.response_id is not None
    with app.app_context():
        row = db.session().execute(select(Response.unit_id, Response.service_point_id)).one()
    assert tuple(row) == (demo.city_id, point.id)


def test_the_tablet_token_is_checked_as_the_tablet_token(app, demo):
    point = demo.points[0]
    service_id = _service_id(app, point.services[0])
    assert _store(app, point, service_id, kind="kiosk", token=point.token) is None  # a poster token is no tablet's
    with app.app_context():
        s = db.session()
        s.get(ServicePoint, point.id).kiosk_token = "k" * 43
        s.commit()
    assert _store(app, point, service_id, kind="kiosk", token="k" * 43) is not None


def test_a_service_recreated_under_its_code_is_still_taken(app, other_app, demo):
    """The snapshot's service id is stale: the INSERT refuses, the look-up by code stores with the new id."""
    point = demo.points[0]
    phone = other_app.test_client()
    form = {**open_form(phone, f"/s/{point.token}"), **full_answers(), "service": point.services[0]}
    code = point.services[0]
    with app.extensions["sipas.engine"].begin() as conn:  # another tool moves the code to a new row
        old = conn.execute(text("SELECT id FROM service WHERE code = :c"), {"c": code}).scalar_one()
        conn.execute(text("UPDATE service SET code = :x WHERE id = :i"), {"x": "cu-" + code[:20], "i": old})
        conn.execute(text("INSERT INTO service (code, name, field_id, active, name_en) "
                          "SELECT :c, name, field_id, active, name_en FROM service WHERE id = :i"), {"c": code, "i": old})
        new = conn.execute(text("SELECT id FROM service WHERE code = :c"), {"c": code}).scalar_one()
        conn.execute(text("UPDATE service_point_service SET service_id = :n "
                          "WHERE service_point_id = :p AND service_id = :o"), {"n": new, "p": point.id, "o": old})
    assert phone.post(f"/s/{point.token}", data=form).status_code == 303
    with app.app_context():
        assert db.session().scalars(select(Response.service_id)).all() == [new]


@pytest.fixture
def other_app(app):
    from survey import create_app

    other = create_app({key: app.config[key] for key in ("TESTING", "SECRET_KEY", "DATABASE_URL", "SIPAS_BASE_URL")})
    yield other
    other.extensions["sipas.engine"].dispose()
