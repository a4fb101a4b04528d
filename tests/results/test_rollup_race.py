"""The rollup cache stays right when a build races a late write, and whoever the writer is."""
from __future__ import annotations

import threading
from datetime import datetime, time, timedelta, timezone

import numpy as np
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from survey import db
from survey.models import Questionnaire, Response, Service, StatDay
from survey.models.rollup_triggers import NAMES, installed
from survey.questionnaire.sync import DEFAULT
from survey.results import rollup
from survey.results.config import definition
from survey.results.filters import LOCAL, Filters, Period
from survey.results.layout import layout_of
from tests.results.seed import Q
from tests.results.test_rollup import DAY0, _raw_count, _response, _seed, _sipas


def _late_response(app, demo, day):
    """A response for a past day (a paper form keyed in late), not yet stored."""
    with app.app_context():
        s = db.session()
        qid = s.scalar(select(Questionnaire.id).where(Questionnaire.code == Q.code))
        services = list(s.scalars(select(Service).order_by(Service.id)))[:1]
        s.expunge_all()
    r, _ = _response(np.random.default_rng(3), qid, demo.unit_id, services, [None],
                     datetime.combine(day, time(10), LOCAL), flagged=False)
    return qid, r


def test_a_build_racing_a_late_submission_for_the_same_day(app, demo, monkeypatch):
    """The build has read the day's responses; a late one commits before the build does.

    With the per-unit lock (PostgreSQL: an advisory lock the build and the
    trigger share; SQLite: the single write lock taken before reading) the
    submission waits and then drops the marker the build stored. Without
    it the build stores a day that lacks the late response.
    """
    _seed(app, demo, n=30)
    day = DAY0 + timedelta(days=2)
    qid, late = _late_response(app, demo, day)
    layout = layout_of(definition(DEFAULT), "top2box")
    engine = app.extensions["sipas.engine"]
    read, wrote = threading.Event(), threading.Event()
    real_aggregate = rollup.aggregate

    def aggregate_after_the_write(p, lay):
        read.set()  # the build's read is done
        wrote.wait(timeout=2)  # a locked-out writer never gets here: go on after a while
        return real_aggregate(p, lay)

    monkeypatch.setattr(rollup, "aggregate", aggregate_after_the_write)
    errors: list[BaseException] = []

    def build():
        try:
            rollup.fill(engine, qid, layout, demo.unit_id, day, day)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    def submit():
        try:
            assert read.wait(timeout=20), "the build never read"
            with Session(engine) as s:
                s.add(late)
                s.commit()
            wrote.set()
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=build), threading.Thread(target=submit)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not errors, errors
    f = Filters(unit_ids=(demo.unit_id,), period=Period("custom", day, day))
    with app.app_context():
        on_day = db.session().scalar(select(func.count()).select_from(Response).where(
            Response.flagged.is_(False), Response.submitted_at >= f.period.utc_bounds()[0],
            Response.submitted_at < f.period.utc_bounds()[1]))
    assert _sipas(app, f).n == on_day  # the late response counts, read live or from a fresh build
    monkeypatch.setattr(rollup, "aggregate", real_aggregate)
    with app.app_context():
        rollup.build(db.engine(), ("top2box",))
    assert _sipas(app, f).n == on_day
    assert _sipas(app, Filters(unit_ids=(demo.unit_id,))).n == _raw_count(app)


def test_the_schema_carries_the_triggers(app):
    with app.app_context():
        assert installed(db.session().connection()) == set(NAMES)


def test_a_raw_sql_insert_into_a_past_day_drops_its_marker(app, demo):
    _seed(app, demo, n=20)
    with app.app_context():
        rollup.build(db.engine(), ("top2box",))
    day = DAY0 + timedelta(days=4)
    with app.app_context():
        s = db.session()
        assert s.scalar(select(func.count()).select_from(StatDay).where(StatDay.day == day)) == 1
        utc = datetime.combine(day, time(9), LOCAL).astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M:%S")
        first = s.scalars(select(Response).order_by(Response.id)).first()
        raw = db.engine().raw_connection()
        try:  # as psql would: no ORM, no app code
            cursor = raw.cursor()
            marker = "?" if db.engine().dialect.name == "sqlite" else "%s"
            cursor.execute(
                "INSERT INTO response (submission_key, questionnaire_id, unit_id, service_id, channel, "
                f"submitted_at, flagged, answers) VALUES ({', '.join([marker] * 8)})",
                ("raw-sql-late", first.questionnaire_id, demo.unit_id, first.service_id, "paper",
                 utc + ("+00:00" if marker == "%s" else ".000000"), False, first.answers))
            raw.commit()
        finally:
            raw.close()
        s.rollback()
        assert s.scalar(select(func.count()).select_from(StatDay).where(StatDay.day == day)) == 0
        assert s.scalar(select(func.count()).select_from(StatDay).where(StatDay.day == day - timedelta(days=1))) == 1
    assert _sipas(app, Filters(unit_ids=(demo.unit_id,))).n == _raw_count(app)


def test_the_scheduled_job_builds_what_pages_read_live(app, demo):
    import threading as th

    from survey.results import schedule

    _seed(app, demo, n=20)
    stop = th.Event()
    thread = schedule.start(app, 3600, stop)
    for _ in range(200):  # the first round runs at once
        with app.app_context():
            if db.session().scalar(select(func.count()).select_from(StatDay)):
                break
        stop.wait(0.1)
    stop.set()
    thread.join(timeout=30)
    with app.app_context():
        assert db.session().scalar(select(func.count()).select_from(StatDay)) >= 10
    assert _sipas(app, Filters(unit_ids=(demo.unit_id,))).n == _raw_count(app)
