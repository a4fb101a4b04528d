"""Which plan a response counts in, by its date, and how many fall in none.

Counters take feedback all year (only an administrator closes one), so a
unit's responses are either within one of its plans' dates or outside every
plan: stored and shown as "ngoài kế hoạch", never dropped.
"""
from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import and_, func, not_, or_, select
from sqlalchemy.orm import Session

from survey.models import Plan, Response
from survey.plans.calendar import utc_bounds


def _within(plan: Plan):
    lo, hi = utc_bounds(plan.start_date, plan.end_date)
    return and_(Response.submitted_at >= lo, Response.submitted_at < hi)


def plan_counts(s: Session, plans: Iterable[Plan]) -> dict[int, int]:
    """Responses received within each plan's dates at its unit, by plan id."""
    return {p.id: s.scalar(select(func.count(Response.id)).where(Response.unit_id == p.unit_id, _within(p))) or 0
            for p in plans}


def outside_counts(s: Session, unit_ids: Iterable[int]) -> dict[int, int]:
    """Responses received outside every plan of their unit, for units that have any (one query)."""
    units = sorted(set(unit_ids))
    if not units:
        return {}
    plans: dict[int, list[Plan]] = {u: [] for u in units}
    for p in s.scalars(select(Plan).where(Plan.unit_id.in_(units))):
        plans[p.unit_id].append(p)
    outside = [and_(Response.unit_id == u, not_(or_(*map(_within, ps)))) if ps else Response.unit_id == u
               for u, ps in plans.items()]
    rows = s.execute(select(Response.unit_id, func.count(Response.id)).where(or_(*outside))
                     .group_by(Response.unit_id)).all()
    counts = {u: 0 for u in units}
    counts.update({u: n for u, n in rows})
    return counts
