"""Unit scope for callers without a user (the command line)."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from survey.models import Unit


def unit_and_descendants(s: Session, unit_id: int) -> set[int]:
    """Return the unit and every unit below it (a city and its communes)."""
    seen, frontier = {unit_id}, {unit_id}
    while frontier:
        frontier = set(s.scalars(select(Unit.id).where(Unit.parent_id.in_(frontier)))) - seen
        seen |= frontier
    return seen
