"""The rollup cache gives exactly the figures of analysis.estimate on the raw rows, and never goes stale."""
from __future__ import annotations

import uuid
from datetime import date, datetime, time, timedelta, timezone

import numpy as np
import pandas as pd
import pytest
from sqlalchemy import delete, func, select, text

import analysis
from survey import db
from survey.integrity import Stored, flag_twins
from survey.models import Questionnaire, Response, Service, StatCell, StatDay
from survey.models.responses import pack_answers
from survey.results import queries, rollup
from survey.results.config import Method
from survey.results.filters import LOCAL, Filters, Period
from tests.results.seed import CRITERIA, EXPECTATIONS, Q
from tests.results.test_aggregation import SCHEME, _compare

DAY0 = date(2024, 3, 1)  # past days: stored in cells
CHANNELS = ("qr", "kiosk", "paper", "invitation")


def _response(rng, qid, unit_id, services, points, local: datetime, **extra) -> tuple[Response, dict]:
    answers = {c: int(v) for c, v in zip(CRITERIA, rng.integers(1, 6, len(CRITERIA))) if rng.random() > .08}
    answers.update({m: int(rng.integers(1, 5)) for m in EXPECTATIONS if rng.random() > .3})
    answers.update(NT1=int(rng.integers(1, 4)), NT2=int(rng.integers(1, 3)), KENH=int(rng.integers(1, 4)))
    service = services[int(rng.integers(len(services)))]
    fields = dict(submission_key=uuid.uuid4().hex, questionnaire_id=qid, unit_id=unit_id,
                  service_id=service.id, service_point_id=points[int(rng.integers(len(points)))],
                  channel=CHANNELS[int(rng.integers(4))], submitted_at=local.astimezone(timezone.utc),
                  flagged=bool(rng.random() < .1))
    fields.update(extra)
    # The demo's questionnaire row lists Q's items in Q's order (sync_shipped).
    r = Response(answers=pack_answers(Q.item_codes(), answers), **fields)
    row = {"service": service.id, "field": service.field_id, "point": fields["service_point_id"],
           "channel": fields["channel"], "flagged": fields["flagged"], "month": local.strftime("%Y-%m"),
           "local_date": local.date(), **answers}
    return r, row


def _seed(app, demo, n=260, seed=11, today=0) -> pd.DataFrame:
    """`n` responses over ten past days (some at 23:xx local, the previous day in UTC), `today` today."""
    rng = np.random.default_rng(seed)
    rows = []
    with app.app_context():
        s = db.session()
        qid = s.scalar(select(Questionnaire.id).where(Questionnaire.code == Q.code))
        services = list(s.scalars(select(Service).order_by(Service.id)))[:5]
        points = [p.id for p in demo.points] + [None]
        now = datetime.now(LOCAL)
        midnight = datetime.combine(now.date(), time(), LOCAL)  # today's stay today when run just after 00:00
        for i in range(n + today):
            local = (datetime.combine(DAY0 + timedelta(days=i % 10), time(23 if i % 4 == 0 else 8, i % 60), LOCAL)
                     if i < n else max(now - timedelta(seconds=i), midnight))
            r, row = _response(rng, qid, demo.unit_id, services, points, local)
            s.add(r)
            rows.append(row)
        s.commit()
    return _frame(rows)


def _frame(rows) -> pd.DataFrame:
    df = pd.DataFrame(rows)
    for c in CRITERIA + EXPECTATIONS:
        df[c] = df[c].astype(float) if c in df else np.nan
    if "point" in df:
        df["point"] = df["point"].astype(object).where(df["point"].notna(), None)
    return df


def _stats(app, f, names=(), method=Method()):
    with app.app_context():
        return queries.estimates(queries.cell_stats(db.session(), f, names, method), f, method)


def _build(app, methods=("top2box",)) -> None:
    """The rollup job (`sipas results rollup --missing`), as the schedule runs it."""
    with app.app_context():
        rollup.build(db.engine(), methods)


def _count(app, model) -> int:
    with app.app_context():
        return db.session().scalar(select(func.count()).select_from(model))


@pytest.mark.parametrize("index_method", ["top2box", "mean_pct"])
def test_cells_equal_analysis_on_raw_rows(app, demo, index_method):
    raw = _seed(app, demo, today=15)
    _check_every_selection(app, demo, raw, Method(index=index_method))  # nothing stored: read live
    assert _count(app, StatDay) == 0
    _build(app, (index_method,))
    _check_every_selection(app, demo, raw, Method(index=index_method))  # past days from the cells
    # past days are stored (ten of them, plus the empty days up to yesterday); today is not
    with app.app_context():
        days = set(db.session().scalars(select(StatDay.day)))
    assert DAY0 in days and datetime.now(LOCAL).date() not in days
    assert _count(app, StatCell) > 0


def _check_every_selection(app, demo, raw, method):
    index_method = method.index
    base = Filters(unit_ids=(demo.unit_id,))
    kept = raw[~raw.flagged]
    _compare(_stats(app, base, (), method), analysis.estimate(kept, SCHEME, method=index_method))
    for names in (("service",), ("month",), ("service", "service_point")):
        got = _stats(app, base, names, method)
        by = [{"service_point": "point"}.get(n, n) for n in names]
        # a table by procedure treats each procedure as its own sample (the default)
        strata = "service" if "service" in names else None
        expected = analysis.estimate(kept.assign(service_point=kept.point), SCHEME, by=list(names),
                                     method=index_method, strata=strata) if "service_point" in names else \
            analysis.estimate(kept, SCHEME, by=by, method=index_method, strata=strata)
        _compare(got, expected, keys=list(names))
    # filters on cell keys, a period, flagged included
    point = demo.points[0].id
    cases = [(base.narrowed(channel="kiosk"), raw[~raw.flagged & (raw.channel == "kiosk")]),
             (base.narrowed(service_point_id=point), kept[kept.point == point]),
             (base.narrowed(service_id=int(raw.service.iloc[0])), kept[kept.service == raw.service.iloc[0]]),
             (base.narrowed(field_id=int(raw.field.iloc[0])), kept[kept.field == raw.field.iloc[0]]),
             (base.narrowed(include_flagged=True), raw),
             (base.narrowed(period=Period("custom", DAY0 + timedelta(days=2), DAY0 + timedelta(days=5))),
              kept[(kept.local_date >= DAY0 + timedelta(days=2)) & (kept.local_date <= DAY0 + timedelta(days=5))])]
    for f, rows in cases:
        _compare(_stats(app, f, (), method), analysis.estimate(rows, SCHEME, method=index_method))


def test_shares_and_today_live(app, demo):
    raw = _seed(app, demo, n=60, today=12)
    with app.app_context():
        f = Filters(unit_ids=(demo.unit_id,), period=Period("custom", DAY0, datetime.now(LOCAL).date()))
        got = {c.code: {v: n for v, _label, n, _p in c.options} for c in queries.shares(db.session(), f)}
    kept = raw[~raw.flagged]
    for code in ("NT1", "NT2", "KENH"):
        assert got[code] == {v: int((kept[code] == v).sum()) for v in got[code]}
    today = _stats(app, Filters(unit_ids=(demo.unit_id,), period=Period("custom", *[datetime.now(LOCAL).date()] * 2)))
    assert today[today.code == "SIPAS"].n.iloc[0] == (~raw.flagged & (raw.local_date >= DAY0 + timedelta(days=30))).sum()


def _sipas(app, f) -> float:
    table = _stats(app, f)
    return table[table.code == "SIPAS"].iloc[0]


@pytest.mark.parametrize("change", ["insert", "flag", "unflag", "delete", "answer", "move", "raw_sql",
                                    "other_connection"])
def test_writes_to_a_past_day_invalidate_it(app, demo, change):
    _seed(app, demo, n=80)
    f = Filters(unit_ids=(demo.unit_id,))
    _build(app)
    before = _sipas(app, f)
    day = DAY0 + timedelta(days=3)
    with app.app_context():
        s = db.session()
        assert s.scalar(select(func.count()).select_from(StatDay).where(StatDay.day == day)) == 1
        target = s.scalars(select(Response).where(Response.flagged.is_(change == "unflag"))
                           .order_by(Response.id).offset(3)).first()
        target_day = target.submitted_at.astimezone(LOCAL).date()
        if change == "insert":  # e.g. a paper form keyed in later for that day
            rng = np.random.default_rng(5)
            qid = target.questionnaire_id
            services = list(s.scalars(select(Service).where(Service.id == target.service_id)))
            r, _ = _response(rng, qid, demo.unit_id, services, [None],
                             datetime.combine(day, time(10), LOCAL), flagged=False)
            s.add(r)
            target_day = day
        elif change in ("flag", "unflag"):
            target.flagged = change == "flag"
        elif change == "delete":
            s.delete(target)
        elif change == "answer":
            values = target.answer_values
            code = min(c for c in values if c in CRITERIA)
            values[code] = 1 if values[code] >= 4 else 5  # flips satisfied/not
            target.answers = target.questionnaire.pack(values)
        elif change == "move":
            old = target_day
            target.submitted_at = datetime.combine(day, time(9), LOCAL)
            target_day = day
        elif change == "raw_sql":  # bulk SQL, no ORM involved: the triggers see it
            s.execute(text("UPDATE response SET answers = :none WHERE id = :id"), {"none": b"", "id": target.id})
        else:  # another tool on its own connection (psql, an import script)
            raw = db.engine().raw_connection()
            try:
                cursor = raw.cursor()
                cursor.execute(f"UPDATE response SET flagged = NOT flagged WHERE id = {int(target.id)}")
                raw.commit()
            finally:
                raw.close()
        s.commit()
        left = set(s.scalars(select(StatDay.day)))
        # The marker is gone; the day's old cells may stay, but only marked days are read from cells.
        assert target_day not in left and (change != "move" or old not in left)
    after = _sipas(app, f)
    assert after.n == _raw_count(app)
    if change != "move":
        assert (after.n, after.estimate) != (before.n, before.estimate)
    expected = analysis.estimate(_raw_frame(app), SCHEME)
    assert after.estimate == pytest.approx(expected[expected.code == "SIPAS"].estimate.iloc[0], abs=1e-9)


def _raw_frame(app) -> pd.DataFrame:
    """Unflagged responses read back from the database, one row per response."""
    with app.app_context():
        rows = []
        for r in db.session().scalars(select(Response).where(Response.flagged.is_(False))):
            rows.append(r.answer_values)
    return _frame(rows)


def _raw_count(app) -> int:
    with app.app_context():
        return db.session().scalar(select(func.count()).select_from(Response).where(Response.flagged.is_(False)))


def test_integrity_flagging_of_a_past_response_invalidates(app, demo):
    _seed(app, demo, n=20)
    f = Filters(unit_ids=(demo.unit_id,), include_flagged=False)
    _build(app)
    before = _sipas(app, f)
    with app.app_context():
        s = db.session()
        first = s.scalars(select(Response).where(Response.service_point_id.is_not(None),
                                                 Response.flagged.is_(False))).first()
        twin = Response(submission_key=uuid.uuid4().hex, questionnaire_id=first.questionnaire_id,
                        unit_id=first.unit_id, service_id=first.service_id,
                        service_point_id=first.service_point_id, channel=first.channel,
                        submitted_at=first.submitted_at + timedelta(seconds=5),
                        answers=first.answers)
        s.add(twin)
        s.commit()
    assert _sipas(app, f).n == before.n + 1  # the copy's day is cached with the copy counted
    with app.app_context():
        s = db.session()
        assert flag_twins(s, Stored.of(s.get(Response, twin.id)), timedelta(minutes=2)) == [twin.id]
        s.commit()  # the first stays counted, the copy is flagged by a statement
    after = _sipas(app, f)
    assert after.n == before.n == _raw_count(app)


def test_uncommitted_writes_are_read_live(app, demo):
    _seed(app, demo, n=30)
    _build(app)
    f = Filters(unit_ids=(demo.unit_id,))
    with app.app_context():
        s = db.session()
        marked = s.scalar(select(func.count()).select_from(StatDay))
        target = s.scalars(select(Response).where(Response.flagged.is_(False))).first()
        target.flagged = True
        s.flush()  # the trigger drops the day's marker in our transaction: that day is read live
        got = queries.estimates(queries.cell_stats(s, f, (), Method()), f, Method())
        assert got[got.code == "SIPAS"].n.iloc[0] == s.scalar(
            select(func.count()).select_from(Response).where(Response.flagged.is_(False)))
        assert s.scalar(select(func.count()).select_from(StatDay)) == marked - 1
        s.rollback()
        assert s.scalar(select(func.count()).select_from(StatDay)) == marked


def test_pages_never_build_and_the_job_does(app, demo, runner):
    _seed(app, demo, n=40)
    f = Filters(unit_ids=(demo.unit_id,), period=Period("custom", DAY0, DAY0 + timedelta(days=20)))
    first = _sipas(app, f)
    assert first.n == _raw_count(app)
    assert _count(app, StatDay) == 0 and _count(app, StatCell) == 0  # a read stores nothing
    done = runner.invoke(args=["results", "rollup", "--missing", "--method", "top2box"])
    assert done.exit_code == 0, done.output
    assert "responses" in done.output
    built = _count(app, StatDay)
    assert built >= 21  # every day from the first response to yesterday, empty ones too
    assert _sipas(app, f).n == first.n
    with app.app_context():  # a bulk change behind the app's back: the triggers drop those days
        s = db.session()
        s.execute(text("UPDATE response SET flagged = NOT flagged WHERE id % 3 = 0"))
        s.commit()
    assert _count(app, StatDay) < built
    assert _sipas(app, f).n == _raw_count(app) != first.n
    expected = analysis.estimate(_raw_frame(app), SCHEME)
    assert _sipas(app, f).estimate == pytest.approx(expected[expected.code == "SIPAS"].estimate.iloc[0], abs=1e-9)
    done = runner.invoke(args=["results", "rollup", "--missing", "--method", "top2box"])
    assert done.exit_code == 0, done.output
    assert _count(app, StatDay) == built
    assert _sipas(app, f).n == _raw_count(app)
    with app.app_context():  # a full refresh recomputes every day and changes nothing
        s = db.session()
        s.execute(delete(StatDay).where(StatDay.day == DAY0 + timedelta(days=1)))
        s.commit()
    done = runner.invoke(args=["results", "rollup", "--unit", demo.unit_code, "--method", "top2box"])
    assert done.exit_code == 0, done.output
    assert _count(app, StatDay) == built and _sipas(app, f).n == _raw_count(app)
