"""Where each unit-day of a selection is read from: month cells, day cells, or the responses.

Decided once per selection from the markers (`stat_day`, `stat_month_day`)
and then followed by every reader (the cells' sums in selection.py, the
response counts behind the form choice), so no day is counted twice or
missed. Only the markers of days outside a unit's complete months are read:
a city's year is 114 communes × 365 days of markers, almost all of them
inside months already summed.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from survey.models import Response, StatDay, Unit
from survey.results import months, rollup
from survey.results.filters import LOCAL

log = logging.getLogger(__name__)
MEMO_KEY = "sipas.plans"  # per-transaction memo, in Session.info (cleared with the cells' memo)
# Past days of one unit read live on one page before the log asks for the job:
# beyond this the page is slow, and `sipas results rollup --missing` is due.
LIVE_WARN_DAYS = 31

Span = tuple[date, date]


@dataclass(frozen=True)
class Plan:
    months: dict[int, set[date]]                 # per unit: complete months, read from month cells
    days: dict[int, set[date]]                   # per unit: marked days outside them, from day cells
    live: tuple[tuple[Span, tuple[int, ...]], ...]  # past spans without cells, and the units missing them
    today: Span | None                           # the days from rollup.live_from() on, read live for all units


def first_days(s: Session, qid: int, units) -> dict[int, date]:
    """Each unit's first local day of responses to a version, in one query (an index seek per unit)."""
    first = (select(func.min(Response.submitted_at))
             .where(Response.unit_id == Unit.id, Response.questionnaire_id == qid).scalar_subquery())
    rows = s.execute(select(Unit.id, first).where(Unit.id.in_(list(units))))
    return {unit: at.astimezone(LOCAL).date() for unit, at in rows if at is not None}


def spans(days: list[date]) -> list[Span]:
    """Consecutive days as (first, last) pairs."""
    out: list[Span] = []
    for d in sorted(days):
        if out and d == out[-1][1] + timedelta(days=1):
            out[-1] = (out[-1][0], d)
        else:
            out.append((d, d))
    return out


def _outside(lo: date, stop: date, whole: set[date]) -> list[Span]:
    """The spans of lo..stop outside the complete months `whole` (their first days)."""
    out: list[Span] = []
    day = lo
    for m in sorted(whole):
        if m > day:
            out.append((day, min(m - timedelta(days=1), stop)))
        day = max(day, months.month_end(m) + timedelta(days=1))
    if day <= stop:
        out.append((day, stop))
    return [(a, b) for a, b in out if a <= b]


def _marked(s: Session, qid: int, method: str, wanted: dict[int, list[Span]]) -> dict[int, set[date]]:
    """The marked days of each unit within its spans; units with the same spans share one query."""
    by_spans: dict[tuple[Span, ...], list[int]] = {}
    for unit, unit_spans in wanted.items():
        if unit_spans:
            by_spans.setdefault(tuple(unit_spans), []).append(unit)
    out: dict[int, set[date]] = {}
    for shared, units in by_spans.items():
        rows = s.execute(select(StatDay.unit_id, StatDay.day).where(
            StatDay.questionnaire_id == qid, StatDay.method == method, StatDay.unit_id.in_(units),
            or_(*(and_(StatDay.day >= lo, StatDay.day <= hi) for lo, hi in shared))))
        for unit, day in rows:
            out.setdefault(unit, set()).add(day)
    return out


def within(unit_column, day_column, days: dict[int, set[date]]):
    """A WHERE clause for exactly the spans of `days` of each unit (units with the same spans share a term).

    Not one range from the first day to the last: a selection's stored days
    are the ends of the period outside its complete months, and the range
    between them is every day cell of the year.
    """
    groups: dict[tuple[Span, ...], list[int]] = {}
    for unit, unit_days in days.items():
        groups.setdefault(tuple(spans(sorted(unit_days))), []).append(unit)
    return or_(*(and_(unit_column.in_(units), or_(*(and_(day_column >= lo, day_column <= hi) for lo, hi in shared)))
                 for shared, units in groups.items()))


def plan(s: Session, qid: int, method: str, units: tuple[int, ...], first: date, last: date) -> Plan:
    """The plan of a selection of `units` over first..last for one version and index method (memoised)."""
    memo = s.info.setdefault(MEMO_KEY, {})
    key = (qid, method, units, first, last)
    if key in memo:
        return memo[key]
    cut = rollup.live_from()
    stop = min(last, cut - timedelta(days=1))  # the last day that may be stored
    ranges = {unit: max(first, day) for unit, day in first_days(s, qid, units).items() if max(first, day) <= stop}
    whole = months.complete(s, qid, method, list(ranges), first, stop) if ranges else {}
    outside: dict[int, list[Span]] = {}
    for unit, lo in ranges.items():
        outside[unit] = _outside(lo, stop, whole.get(unit, set()))
    marked = _marked(s, qid, method, outside)
    live: dict[Span, list[int]] = {}
    for unit, unit_spans in outside.items():
        have = marked.get(unit, set())
        days = [d for lo, hi in unit_spans for d in rollup.runs_days(lo, hi) if d not in have]
        if len(days) > LIVE_WARN_DAYS:
            log.warning("unit %s: %d past days read live; run `sipas results rollup --missing`", unit, len(days))
        for span in spans(days):
            live.setdefault(span, []).append(unit)
    out = Plan({u: ms for u, ms in whole.items() if ms}, {u: d for u, d in marked.items() if d},
               tuple((span, tuple(us)) for span, us in sorted(live.items())),
               (max(first, cut), last) if last >= cut else None)
    memo[key] = out
    return out
