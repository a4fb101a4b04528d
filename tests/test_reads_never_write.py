"""Reads never write: no GET on any route issues an INSERT, UPDATE or DELETE, for any visitor.

Walks the app's URL map as an anonymous visitor and as each staff role, with
past-day responses in the database and the rollup cache empty (the state in
which a results page used to build the cache inside the GET), and counts
the data-changing statements every request sends to the engine. There are no
exceptions: a download recorded in the audit log is a POST (a button with a
CSRF token), so its audit entry is written by a POST, in its one commit.
"""
from __future__ import annotations

import re
from datetime import datetime, time, timedelta

import pytest
from sqlalchemy import event

from survey import db
from tests.plans.helpers import make_plan
from tests.staff.conftest import make_user
from tests.staff.walk import build_url as _url
from tests.staff.walk import session_login as _session_login

WRITE = re.compile(r"^\s*(WITH\b.*?\)\s*)?(INSERT|UPDATE|DELETE|REPLACE|MERGE)\b", re.I | re.S)


def _seed_past_and_today(app, demo):
    import uuid

    from survey.citizen.operations import record_response
    from survey.models import Questionnaire, Response
    from survey.questionnaire.sync import DEFAULT
    from survey.results.filters import LOCAL

    with app.app_context():
        s = db.session()
        qid = s.query(Questionnaire.id).filter_by(code=DEFAULT[0], version=DEFAULT[1]).scalar()
        from survey.models import Service

        service = s.query(Service).filter(Service.code == demo.points[0].services[0]).one()
        for days_ago in (0, 1, 3, 40):
            record_response(s, questionnaire_id=qid, point_id=None, unit_id=demo.unit_id, service_id=service.id,
                            channel="paper", answers={"TC1": 4, "TC2": 5}, comment="Tốt",
                            submission_key=uuid.uuid4().hex)
            newest = s.query(Response).order_by(Response.id.desc()).first()
            when = datetime.combine(datetime.now(LOCAL).date() - timedelta(days=days_ago), time(9), LOCAL)
            newest.submitted_at = when
            s.commit()


@pytest.fixture
def walk(app, demo):
    from survey.models import Plan

    _seed_past_and_today(app, demo)
    plan_id = make_plan(app, demo)
    with app.app_context():
        assert db.session().get(Plan, plan_id) is not None
    users = {role: make_user(app, f"walk-{role}", role, demo.unit_id) for role in ("admin", "analyst", "viewer")}
    samples = {"point_id": demo.points[0].id, "plan_id": plan_id, "unit_code": demo.unit_code,
               "token": demo.points[0].token, "service_code": demo.points[0].services[0],
               "kiosk_token": "x", "code": "ABCD-EFGH", "filename": "staff.css"}
    return users, samples


def _writes_per_get(app, client, samples) -> dict[str, list[str]]:
    seen: list[str] = []

    def count(_conn, _cursor, statement, *_args):
        if WRITE.match(statement):
            seen.append(statement.split("(")[0].strip()[:60])

    engine = app.extensions["sipas.engine"]
    event.listen(engine, "before_cursor_execute", count)
    found: dict[str, list[str]] = {}
    try:
        for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
            if "GET" not in rule.methods:
                continue
            url, _known = _url(rule, samples, app)
            seen.clear()
            response = client.get(url)
            assert response.status_code < 500, (url, response.status_code)
            if seen:
                found[url] = list(seen)
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return found


def test_no_get_writes_for_anyone(app, walk):
    users, samples = walk
    app.config["WTF_CSRF_ENABLED"] = False
    visitors = {"anonymous": None, **users}
    for role, user_id in visitors.items():
        client = app.test_client()
        if user_id is not None:
            _session_login(client, user_id, app)
            assert client.get("/staff/").status_code == 200, role  # really logged in: the walk sees staff pages
        assert _writes_per_get(app, client, samples) == {}, role
    from survey.models import StatDay

    with app.app_context():  # the results pages read past days live, they built nothing
        assert db.session().query(StatDay).count() == 0
