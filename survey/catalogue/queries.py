"""Reads from the catalogue."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from survey.models import ServicePoint, Unit


def point_by_token(s: Session, token: str) -> ServicePoint | None:
    """Return the counter whose live QR token this is, or None."""
    if not token or len(token) > 43:
        return None
    return s.scalar(select(ServicePoint).where(ServicePoint.token == token))


def point_by_kiosk_token(s: Session, token: str) -> ServicePoint | None:
    """Return the counter whose registered tablet holds this kiosk token."""
    if not token or len(token) > 43:
        return None
    return s.scalar(select(ServicePoint).where(ServicePoint.kiosk_token == token))


def service_points(s: Session, unit: Unit | None = None) -> list[ServicePoint]:
    """List counters, optionally of one unit, in a stable order."""
    query = select(ServicePoint).order_by(ServicePoint.unit_id, ServicePoint.id)
    if unit is not None:
        query = query.where(ServicePoint.unit_id == unit.id)
    return list(s.scalars(query))
