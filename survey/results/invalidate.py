"""Keep the rollup cache exact: any write to a past day's response drops that unit-day.

ORM writes are caught after every flush (new, changed and deleted responses
and answers); code that writes with bulk `update()`/`delete()` or raw SQL
calls `invalidate` itself, and a restore calls `clear`. A stale cell would
publish wrong figures, so when in doubt this deletes more, never less.
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import delete, inspect, select
from sqlalchemy.orm import Session

from survey.models import Answer, Response, StatCell, StatDay
from survey.results.filters import LOCAL
from survey.results.rollup import lock_unit

CACHE_KEY = "sipas.cells"     # per-transaction memo of selections (survey/results/selection.py)
WROTE_KEY = "sipas.wrote"     # this transaction changed responses: do not build in another one


def _day(at: datetime | None) -> date | None:
    return at.astimezone(LOCAL).date() if at is not None else None


def _touched(session: Session) -> set[tuple[int, date]]:
    """(unit, local day) of every response written in this flush, before and after the change."""
    pairs: set[tuple[int | None, date | None]] = set()
    answer_ids: set[int] = set()
    for obj in (*session.new, *session.dirty, *session.deleted):
        if isinstance(obj, Response):
            state = inspect(obj)
            units = {obj.unit_id, *state.attrs.unit_id.history.deleted}
            days = {_day(obj.submitted_at), *map(_day, state.attrs.submitted_at.history.deleted)}
            pairs |= {(u, d) for u in units for d in days}
        elif isinstance(obj, Answer):
            response = obj.__dict__.get("response")  # already loaded: no query in the flush
            if response is not None:
                pairs.add((response.unit_id, _day(response.submitted_at)))
            else:
                answer_ids.add(obj.response_id)
    if answer_ids:
        rows = session.connection().execute(select(Response.unit_id, Response.submitted_at)
                               .where(Response.id.in_(answer_ids))).all()
        pairs |= {(u, _day(at)) for u, at in rows}
    return {(u, d) for u, d in pairs if u is not None and d is not None}


def after_flush(session: Session) -> None:
    session.info.pop(CACHE_KEY, None)
    touched = _touched(session)
    if touched:
        session.info[WROTE_KEY] = True
    today = datetime.now(LOCAL).date()
    by_unit: dict[int, list[date]] = {}
    for unit, day in touched:
        if day < today:  # today's cells are never stored (see rollup.GRACE)
            by_unit.setdefault(unit, []).append(day)
    for unit in sorted(by_unit):
        invalidate(session, unit, by_unit[unit])


def invalidate(s: Session, unit_id: int, days) -> None:
    """Drop the cells and markers of a unit's days (in the caller's transaction)."""
    days = sorted(set(days))
    if not days:
        return
    lock_unit(s, unit_id)
    conn = s.connection()
    for model in (StatCell, StatDay):
        conn.execute(delete(model).where(model.unit_id == unit_id, model.day.in_(days)))


def clear(s: Session) -> None:
    """Drop the whole cache (after a restore or a bulk import); it refills on demand."""
    conn = s.connection()
    for model in (StatCell, StatDay):
        conn.execute(delete(model))


def transaction_ended(session: Session) -> None:
    session.info.pop(CACHE_KEY, None)
    session.info.pop(WROTE_KEY, None)
