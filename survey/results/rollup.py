"""Build and store the cells of past unit-days; find the days still missing.

Two writers build. The write that changes a past day's responses (a paper
form keyed after its day) rebuilds that unit-day in its own transaction, with
`rebuild_day`; and the job, `sipas results rollup` (after a bulk import or raw
SQL, and `--missing` on a schedule or in `sipas serve`'s background thread,
survey/results/schedule.py), builds whatever the triggers left unmarked. A
page view never writes; it reads the days still missing live
(survey/results/selection.py).

Every build runs in its own transaction under a per-unit lock that the
database triggers on `response` take too
(survey/models/rollup_triggers.py): a response stored while its day is
being built either waits for the build and then deletes its marker, or
commits first and is seen by the build.
"""
from __future__ import annotations

import logging
from datetime import date, datetime, timedelta

from sqlalchemy import delete, func, insert, select, text
from sqlalchemy.orm import Session

from survey.models import Questionnaire, Response, StatCell, StatDay, StatMonthCell, StatMonthDay, Unit
from survey.models.rollup_triggers import LOCK_CLASS
from survey.questionnaire.loader import shipped
from survey.results import months, packed
from survey.results.cells import aggregate
from survey.results.filters import LOCAL
from survey.results.layout import PAYLOAD_DTYPE, Layout, layout_of

log = logging.getLogger(__name__)
# A day is stored only once it ended this long ago: a response flushed just
# before midnight and committed just after is still read live.
GRACE = timedelta(minutes=10)
BATCH_DAYS = 31  # days per build transaction: bounds memory and lock time


def live_from(now: datetime | None = None) -> date:
    """The first local day read live (never stored)."""
    return ((now or datetime.now(LOCAL)).astimezone(LOCAL) - GRACE).date()


def lock_unit(s: Session, unit_id: int) -> None:
    """Serialise builds and the triggers' invalidations of a unit (PostgreSQL; SQLite has one writer)."""
    if s.get_bind().dialect.name == "postgresql":
        s.connection().execute(text("SELECT pg_advisory_xact_lock(:c, :u)"), {"c": LOCK_CLASS, "u": unit_id})


def _begin_locked(s: Session, unit_id: int) -> None:
    if s.get_bind().dialect.name == "sqlite":
        s.connection().exec_driver_sql("BEGIN IMMEDIATE")  # the write lock before reading
    else:  # compiling the packed query costs ~0.2 s per batch and saves nothing
        s.execute(text("SET LOCAL jit = off"))
    lock_unit(s, unit_id)


def _in_days(model, qid: int, method: str, unit_id: int, first: date, last: date) -> list:
    return [model.questionnaire_id == qid, model.method == method, model.unit_id == unit_id,
            model.day >= first, model.day <= last]


def build_cells(s: Session, qid: int, layout: Layout, unit_id: int, first: date, last: date) -> int:
    """Compute and store the cells and markers of a unit for days first..last.

    The caller holds the unit's lock and commits. Returns the responses read.
    """
    lo, hi = packed.utc_range(first, last)
    p = packed.fetch(s, layout, [Response.unit_id == unit_id, Response.questionnaire_id == qid,
                                 Response.submitted_at >= lo, Response.submitted_at < hi])
    cells = aggregate(p, layout)
    # Read first, then replace: only the lock taken before the read keeps a
    # late write from slipping in between (tests/results/test_rollup_race.py).
    for model in (StatCell, StatDay):
        s.execute(delete(model).where(*_in_days(model, qid, layout.method, unit_id, first, last)))
    k = {name: cells.keys[name].tolist() for name in cells.keys.columns}
    payloads = cells.sums.astype(PAYLOAD_DTYPE)
    rows = [{"questionnaire_id": qid, "method": layout.method, "unit_id": unit_id,
             "service_id": int(service), "service_point_id": None if point < 0 else int(point),
             "channel": channel, "flagged": bool(flagged), "day": date.fromordinal(int(day)),
             "n": int(n), "payload": payload.tobytes()}
            for service, point, channel, flagged, day, n, payload in zip(
                k["service"], k["point"], k["channel"], k["flagged"], k["day"], cells.n, payloads)]
    if rows:
        s.execute(insert(StatCell), rows)
    s.execute(insert(StatDay), [{"questionnaire_id": qid, "method": layout.method, "unit_id": unit_id,
                                 "day": first + timedelta(days=d)} for d in range((last - first).days + 1)])
    return len(p.unit)


def rebuild_day(s: Session, unit_id: int, questionnaire_id: int, at: datetime) -> bool:
    """Rebuild the cells and marker of the unit-day holding ``at``, in the caller's transaction.

    Called by the operations that store or change a response of a past day,
    after their last write and before their commit (the triggers have just
    dropped the day's marker), so the day is right and cached at once; never
    by a GET. Today's responses are read live: nothing to do. Builds the
    configured index method, as the job does. Returns whether it built.
    """
    from survey.results.config import Method  # reads the app's settings

    day = at.astimezone(LOCAL).date()
    if day >= live_from():
        return False
    row = s.execute(select(Questionnaire.code, Questionnaire.version)
                    .where(Questionnaire.id == questionnaire_id)).first()
    definition = shipped().get((row.code, row.version)) if row else None
    if definition is None:  # a form this release does not ship: read live, as the job leaves it
        return False
    s.flush()
    lock_unit(s, unit_id)  # the triggers took it already for this day; a no-op then
    build_cells(s, questionnaire_id, layout_of(definition, Method.from_config().index), unit_id, day, day)
    return True


def marked_days(s: Session, qid: int, method: str, unit_id: int, first: date, last: date) -> set[date]:
    return set(s.scalars(select(StatDay.day).where(*_in_days(StatDay, qid, method, unit_id, first, last))))


def first_day(s: Session, qid: int, unit_id: int) -> date | None:
    """The local day of a unit's first response (index on unit, submitted_at)."""
    first = s.scalar(select(func.min(Response.submitted_at)).where(
        Response.unit_id == unit_id, Response.questionnaire_id == qid))
    return first.astimezone(LOCAL).date() if first else None


def runs(days: list[date]) -> list[tuple[date, date]]:
    """Consecutive days as (first, last) pairs, at most BATCH_DAYS long."""
    out: list[tuple[date, date]] = []
    for d in sorted(days):
        if out and d == out[-1][1] + timedelta(days=1) and (d - out[-1][0]).days < BATCH_DAYS:
            out[-1] = (out[-1][0], d)
        else:
            out.append((d, d))
    return out


def fill(bind, qid: int, layout: Layout, unit_id: int, first: date, last: date,
         refresh: bool = False) -> int:
    """Build every unmarked day (every day if `refresh`) of a unit in first..last.

    One transaction per run of at most BATCH_DAYS days. Returns the responses read.
    """
    total = 0
    marked: set[date] = set()
    if not refresh:
        with Session(bind) as probe:
            marked = marked_days(probe, qid, layout.method, unit_id, first, last)
    for lo, hi in runs([d for d in runs_days(first, last) if d not in marked]):
        with Session(bind) as s:
            _begin_locked(s, unit_id)
            todo = runs_days(lo, hi) if refresh else sorted(
                set(runs_days(lo, hi)) - marked_days(s, qid, layout.method, unit_id, lo, hi))
            if todo:  # another process may have built some meanwhile
                total += build_cells(s, qid, layout, unit_id, todo[0], todo[-1])
            s.commit()
    return total


def fill_months(bind, qid: int, layout: Layout, unit_id: int, first: date, last: date) -> int:
    """Sum every whole month of first..last whose days are all stored; one transaction each.

    A rebuilt day has dropped its month's rows with its marker, so `missing`
    finds those months again. Returns the months summed.
    """
    with Session(bind) as probe:
        todo = months.missing(probe, qid, layout.method, unit_id, first, last)
    done = 0
    for month in todo:
        with Session(bind) as s:
            _begin_locked(s, unit_id)
            if months.missing(s, qid, layout.method, unit_id, month, months.month_end(month)):
                done += months.build(s, qid, layout, unit_id, month)
            s.commit()
    return done


def runs_days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=d) for d in range((last - first).days + 1)]


def build(bind, methods: tuple[str, ...], units: list[int] | None = None, start: date | None = None,
          end: date | None = None, refresh: bool = False) -> tuple[int, int]:
    """Build every unit's past days (only the unmarked ones unless `refresh`).

    The rollup job: `sipas results rollup` and the scheduler call it, never
    a page view. Returns (responses read, unit series built).
    """
    definitions = shipped()
    last = min(end or date.max, live_from() - timedelta(days=1))
    responses = built = 0
    with Session(bind) as s:
        questionnaires = s.execute(select(Questionnaire.id, Questionnaire.code, Questionnaire.version)).all()
        if units is None:
            units = list(s.scalars(select(Unit.id).order_by(Unit.id)))
        series = []
        for qid, code, version in questionnaires:
            if (code, version) not in definitions:
                continue
            for unit in units:
                first = first_day(s, qid, unit)
                if first is not None:
                    series.append((qid, definitions[(code, version)], unit, max(first, start or first)))
    for qid, definition, unit, first in series:
        for method in methods:
            if first <= last:
                layout = layout_of(definition, method)
                responses += fill(bind, qid, layout, unit, first, last, refresh=refresh)
                fill_months(bind, qid, layout, unit, first, last)
                built += 1
    return responses, built


def clear(s: Session) -> None:
    """Drop the whole cache (after a restore); `sipas results rollup --missing` refills it."""
    conn = s.connection()
    for model in (StatMonthDay, StatMonthCell, StatCell, StatDay):
        conn.execute(delete(model))
