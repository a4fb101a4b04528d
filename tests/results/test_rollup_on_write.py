"""The write that changes a past day builds it: a paper form keyed after its day leaves that day cached and right.

The database triggers drop the day's marker as the response is stored; the
operation then rebuilds the unit-day's cells in the same transaction
(`rollup.rebuild_day`), so right after the request the marker and cells are
there, and the figures read from them equal a live computation over the rows.
"""
from __future__ import annotations

from datetime import timedelta

import pandas as pd
from sqlalchemy import select

from survey import db
from survey.models import Plan, Response, StatCell, StatDay
from survey.plans.calendar import today
from survey.plans.queries import definition
from survey.results import queries, rollup
from survey.results.config import Method
from survey.results.filters import LOCAL, Filters, Period
from tests.plans.helpers import make_plan
from tests.staff.conftest import csrf_from, login, make_user

SERVICES = ["1.000894", "1.001193"]


def _key(client, plan_id: int, q, number: str, value: str) -> None:
    url = f"/staff/plans/{plan_id}/paper/"
    form = {"number": number, "service": "2", "comment": "Phiếu giấy nhập muộn", "csrf_token": csrf_from(client.get(url))}
    form.update({c.code: value for c in q.criteria})
    assert client.post(url, data=form).status_code == 303


def _cells(app, unit_id: int, day) -> list[tuple]:
    with app.app_context():
        return sorted(db.session().execute(
            select(StatCell.service_id, StatCell.channel, StatCell.flagged, StatCell.n, StatCell.payload)
            .where(StatCell.unit_id == unit_id, StatCell.day == day)).all())


def _figures(app, unit_id: int, day) -> pd.DataFrame:
    with app.app_context():
        f = Filters(unit_ids=(unit_id,), period=Period("custom", day, day))
        method = Method.from_config()
        return queries.estimates(queries.cell_stats(db.session(), f, (), method), f, method)


def test_paper_form_keyed_last_week_builds_its_day(app, client, demo):
    last_week = today() - timedelta(days=7)
    plan_id = make_plan(app, demo, start=last_week - timedelta(days=20), end=last_week, services=SERVICES)
    make_user(app, "clerk1", "analyst", demo.unit_id)
    make_user(app, "clerk2", "analyst", demo.unit_id)
    with app.app_context():
        q = definition(db.session().get(Plan, plan_id))
    for number, value in (("P001", "4"), ("P002", "2")):
        for clerk in ("clerk1", "clerk2"):  # double entry by two clerks: the second keying counts the form
            other = app.test_client()
            login(other, clerk)
            _key(other, plan_id, q, number, value)

    with app.app_context():
        s = db.session()
        stored = s.scalars(select(Response).order_by(Response.id)).all()
        assert [r.channel for r in stored] == ["paper", "paper"]
        day = stored[0].submitted_at.astimezone(LOCAL).date()
        assert day == last_week  # dated on the plan's last day: a past day
        assert s.scalar(select(StatDay.day).where(StatDay.unit_id == demo.unit_id, StatDay.day == day)) == day
    cells = _cells(app, demo.unit_id, day)
    assert sum(n for *_k, n, _p in cells) == 2  # both forms are in the day's cells right after the requests

    cached = _figures(app, demo.unit_id, day)
    with app.app_context():  # the job's own build of that day gives the same cells
        rollup.build(db.engine(), (Method.from_config().index,), start=day, end=day, refresh=True)
    assert _cells(app, demo.unit_id, day) == cells
    with app.app_context():  # and without any cache the figures, read live, are the same
        s = db.session()
        rollup.clear(s)
        s.commit()
    live = _figures(app, demo.unit_id, day)
    assert cached.loc[cached.code == "SIPAS", "n"].iloc[0] == 2
    pd.testing.assert_frame_equal(cached.reset_index(drop=True), live.reset_index(drop=True))
    sipas = cached.loc[cached.code == "SIPAS", "estimate"].iloc[0]
    assert abs(sipas - 50) < 1e-9  # one satisfied (all 4) and one not (all 2): by hand, 1 of 2 = 50 %


def test_a_response_dated_today_builds_nothing(app, demo):
    from survey.citizen.operations import record_response
    from survey.models import Questionnaire, Service
    from survey.questionnaire.sync import DEFAULT

    with app.app_context():
        s = db.session()
        qid = s.scalar(select(Questionnaire.id).filter_by(code=DEFAULT[0], version=DEFAULT[1]))
        service = s.scalar(select(Service.id).where(Service.code == SERVICES[0]))
        record_response(s, questionnaire_id=qid, point_id=None, unit_id=demo.unit_id, service_id=service,
                        channel="paper", answers={"TC1": 4}, comment="", submission_key="today-1")
        assert s.scalar(select(StatDay.day)) is None and s.scalar(select(StatCell.day)) is None
