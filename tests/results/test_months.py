"""Month cells: the same figures as the days and the raw rows, and any write to a day drops its month."""
from __future__ import annotations

import sqlite3
from datetime import date, datetime, time, timedelta

import numpy as np
import pytest
from sqlalchemy import create_engine, func, select, text

import analysis
from survey import db
from survey.models import Questionnaire, Response, Service, StatMonthCell, StatMonthDay
from survey.questionnaire.sync import DEFAULT
from survey.results import forms, months, rollup, selection
from survey.results.config import definition
from survey.results.filters import LOCAL, Filters, Period
from survey.results.layout import layout_of
from tests.results.test_aggregation import SCHEME, _compare
from tests.results.test_rollup import _frame, _response, _stats

JAN, FEB = date(2024, 1, 1), date(2024, 2, 1)


def _seed(app, demo, n=240, seed=3):
    """`n` responses over 1 January – 29 February 2024 (two whole months), some at 23:xx local."""
    rng = np.random.default_rng(seed)
    rows = []
    with app.app_context():
        s = db.session()
        qid = s.scalar(select(Questionnaire.id))
        services = list(s.scalars(select(Service).order_by(Service.id)))[:4]
        points = [p.id for p in demo.points] + [None]
        for i in range(n):
            local = datetime.combine(JAN + timedelta(days=i % 60), time(23 if i % 5 == 0 else 9, i % 60), LOCAL)
            r, row = _response(rng, qid, demo.unit_id, services, points, local)
            s.add(r)
            rows.append(row)
        s.commit()
    return _frame(rows)


def _build(app):
    with app.app_context():
        rollup.build(db.engine(), ("top2box",))


def _complete(app, demo) -> set[date]:
    with app.app_context():
        s = db.session()
        qid = s.scalar(select(Questionnaire.id))
        return months.complete(s, qid, "top2box", [demo.unit_id], JAN, date(2024, 12, 31)).get(demo.unit_id, set())


def _check(app, demo, raw):
    base = Filters(unit_ids=(demo.unit_id,))
    kept = raw[~raw.flagged]
    _compare(_stats(app, base), analysis.estimate(kept, SCHEME))
    _compare(_stats(app, base, ("month",)), analysis.estimate(kept, SCHEME, by=["month"]), keys=["month"])
    _compare(_stats(app, base, ("service",)), analysis.estimate(kept, SCHEME, by=["service"], strata="service"),
             keys=["service"])
    # 10 January – 29 February: February from its month cells, January's days from day cells
    part = base.narrowed(period=Period("custom", date(2024, 1, 10), date(2024, 2, 29)))
    _compare(_stats(app, part), analysis.estimate(kept[kept.local_date >= date(2024, 1, 10)], SCHEME))
    kiosk = base.narrowed(channel="kiosk", include_flagged=True)
    _compare(_stats(app, kiosk), analysis.estimate(raw[raw.channel == "kiosk"], SCHEME))


def test_month_cells_give_the_figures_of_the_raw_rows(app, demo):
    raw = _seed(app, demo)
    _check(app, demo, raw)  # read live
    _build(app)
    assert {JAN, FEB} <= _complete(app, demo)
    with app.app_context():
        s = db.session()
        assert s.scalar(select(func.count()).select_from(StatMonthCell).where(StatMonthCell.month == JAN)) > 0
        assert s.scalar(select(func.count()).select_from(StatMonthDay).where(StatMonthDay.month == FEB)) == 29
    _check(app, demo, raw)  # whole months from the second tier


def test_a_write_to_a_day_drops_its_month(app, demo, database_url):
    raw = _seed(app, demo)
    _build(app)
    assert FEB in _complete(app, demo)
    # the app's session: a new answer on 14 February
    with app.app_context():
        s = db.session()
        r = s.scalar(select(Response).where(Response.submitted_at >= datetime(2024, 2, 14, 3, tzinfo=LOCAL),
                                            Response.submitted_at < datetime(2024, 2, 15, tzinfo=LOCAL)))
        # an UPDATE that keeps the value still touches the day: the figures stay, the month must go
        s.execute(text("UPDATE response SET answers = answers WHERE id = :r"), {"r": r.id})
        s.commit()
    assert FEB not in _complete(app, demo) and JAN in _complete(app, demo)
    _build(app)
    assert FEB in _complete(app, demo)
    # another connection that never turned SQLite's foreign keys on, or a plain psql-like session
    if database_url.startswith("sqlite"):
        conn = sqlite3.connect(database_url.removeprefix("sqlite:///"))
        conn.execute("UPDATE response SET channel = channel WHERE id = (SELECT min(id) FROM response)")
        conn.commit()
        conn.close()
    else:
        engine = create_engine(database_url)
        with engine.begin() as conn:
            conn.execute(text("UPDATE response SET channel = channel WHERE id = (SELECT min(id) FROM response)"))
        engine.dispose()
    assert JAN not in _complete(app, demo)
    _check(app, demo, raw)  # January read from its days (stale month cells ignored)
    _build(app)
    assert JAN in _complete(app, demo)
    _check(app, demo, raw)


def test_whole_months():
    assert months.whole_months(date(2024, 1, 1), date(2024, 2, 28)) == [JAN]
    assert months.whole_months(date(2024, 1, 2), date(2024, 3, 31)) == [FEB, date(2024, 3, 1)]
    assert months.whole_months(date(2024, 1, 5), date(2024, 1, 31)) == []


@pytest.mark.parametrize("repeat", [1])
def test_rebuild_everything_keeps_months_exact(app, demo, repeat):
    raw = _seed(app, demo, n=120)
    for _ in range(repeat + 1):
        with app.app_context():
            rollup.build(db.engine(), ("top2box",), refresh=True)
        assert {JAN, FEB} <= _complete(app, demo)
    _check(app, demo, raw)


def _versions(app, f):
    with app.app_context():
        return forms.version_counts(db.session(), f)


def _count_check(app, demo, raw):
    """Responses per version (the form choice's counts) equal the seeded rows', flagged apart."""
    base = Filters(unit_ids=(demo.unit_id,), questionnaires=None)
    part = Period("custom", date(2024, 1, 10), date(2024, 2, 29))
    cases = [(base, raw), (base.narrowed(period=part), raw[raw.local_date >= date(2024, 1, 10)]),
             (base.narrowed(channel="kiosk"), raw[raw.channel == "kiosk"])]
    for f, rows in cases:
        assert _versions(app, f) == {DEFAULT: (int((~rows.flagged).sum()), int(rows.flagged.sum()))}, f


def test_version_counts_from_cells_equal_the_rows(app, demo):
    raw = _seed(app, demo)
    _count_check(app, demo, raw)  # every day read live
    _build(app)
    assert {JAN, FEB} <= _complete(app, demo)
    _count_check(app, demo, raw)  # months and days from cells
    with app.app_context():  # a write drops 14 February (and so February): its days are read again
        s = db.session()
        s.execute(text("UPDATE response SET answers = answers WHERE submitted_at >= :lo AND submitted_at < :hi"),
                  {"lo": datetime(2024, 2, 14, tzinfo=LOCAL), "hi": datetime(2024, 2, 15, tzinfo=LOCAL)})
        s.commit()
    assert FEB not in _complete(app, demo)
    _count_check(app, demo, raw)


def test_coarse_cells_sum_to_the_full_cells(app, demo):
    """Cells read at (unit, service) or no key at all hold the same sums as the full cells grouped.

    Read live (no cache yet), then from month and day cells.
    """
    _seed(app, demo)
    _coarse_check(app, demo)
    _build(app)
    _coarse_check(app, demo)


def _coarse_check(app, demo):
    f = Filters(unit_ids=(demo.unit_id,), period=Period("custom", date(2024, 1, 10), date(2024, 2, 29)),
                include_flagged=True)
    with app.app_context():
        s = db.session()
        layout, full = selection.cells_for(s, f, "top2box")
        for grain, names in ((("unit", "service"), ("unit", "service")), ((), ())):
            _, coarse = selection.cells_for(s, f, "top2box", grain)
            assert list(coarse.keys.columns) == list(grain)
            a, b = selection.grouped(layout, full, names), selection.grouped(layout, coarse, names)
            assert len(coarse.n) == len(a.n) < len(full.n)
            np.testing.assert_array_equal(a.n, b.n)
            for part in ("answered", "satisfied", "aa", "ay", "yy"):
                np.testing.assert_allclose(getattr(a, part), getattr(b, part), rtol=0, atol=1e-9)


def test_months_summed_in_memory_equal_the_days_read_back(app, demo, monkeypatch):
    """The job sums a month from the day cells it has just built; reading those back gives the same bytes."""
    _seed(app, demo)

    def unexpected(*args):
        raise AssertionError("a month built in one run was read back")

    real = months.build
    monkeypatch.setattr(months, "build", unexpected)
    _build(app)
    monkeypatch.setattr(months, "build", real)
    assert {JAN, FEB} <= _complete(app, demo)

    def month_cells(s):
        rows = s.execute(select(StatMonthCell.month, StatMonthCell.service_id, StatMonthCell.service_point_id,
                                StatMonthCell.channel, StatMonthCell.flagged, StatMonthCell.n,
                                StatMonthCell.payload)).all()
        return sorted((tuple(r) for r in rows), key=lambda r: (r[0], r[1], r[2] or -1, r[3], r[4]))

    with app.app_context():
        s = db.session()
        in_memory = month_cells(s)
        qid = s.scalar(select(Questionnaire.id))
        layout = layout_of(definition(DEFAULT), "top2box")
        for month in (JAN, FEB):
            assert months.build(s, qid, layout, demo.unit_id, month)
        s.flush()
        read_back = month_cells(s)
        s.rollback()
    assert len(in_memory) > 10 and read_back == in_memory
