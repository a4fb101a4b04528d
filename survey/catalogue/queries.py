"""Reads from the catalogue."""
from __future__ import annotations

from typing import NamedTuple

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session, selectinload

from survey.models import Field, Service, ServicePoint, Unit
from survey.models.catalogue import service_point_service


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


class Target(NamedTuple):
    """Where a submission is stored: read from the database when it arrives."""

    point_id: int | None
    unit_id: int
    service_id: int


def _target_by(column):
    return (select(ServicePoint.id, ServicePoint.unit_id, Service.id)
            .join(service_point_service, service_point_service.c.service_point_id == ServicePoint.id)
            .join(Service, Service.id == service_point_service.c.service_id)
            .where(column == bindparam("token"), ServicePoint.closed_at.is_(None),
                   Service.code == bindparam("service")))


# Built once: building this statement cost more Python time than the rest of a
# submission's queries (cProfile of the response POST, issue 17.7).
_TARGET = {"qr": _target_by(ServicePoint.token), "kiosk": _target_by(ServicePoint.kiosk_token)}


def live_target(s: Session, kind: str, token: str, service_code: str) -> Target | None:
    """Return the counter and service a submission to this token goes to, or None.

    One query on the unique token index: None when the token was revoked
    (or the tablet unregistered), the counter was closed or no longer offers
    the service, whatever a worker's snapshot still says.
    """
    if not token or len(token) > 43:
        return None
    row = s.connection().execute(_TARGET["qr" if kind == "qr" else "kiosk"],
                                 {"token": token, "service": service_code}).first()
    return Target(*row) if row else None


def service_points(s: Session, unit: Unit | None = None) -> list[ServicePoint]:
    """List counters, optionally of one unit, in a stable order."""
    query = select(ServicePoint).order_by(ServicePoint.unit_id, ServicePoint.id)
    if unit is not None:
        query = query.where(ServicePoint.unit_id == unit.id)
    return list(s.scalars(query))


def fields(s: Session) -> list[Field]:
    """List fields by name."""
    return list(s.scalars(select(Field).order_by(Field.name)))


def services(s: Session, active_only: bool = False) -> list[Service]:
    """List procedures by field then code."""
    query = select(Service).join(Field, Field.id == Service.field_id).order_by(Field.name, Service.code)
    if active_only:
        query = query.where(Service.active.is_(True))
    return list(s.scalars(query))


def points_of_units(s: Session, unit_ids: set[int]) -> list[ServicePoint]:
    """List the counters of some units, by unit then name."""
    query = (
        select(ServicePoint)
        .where(ServicePoint.unit_id.in_(unit_ids))
        .order_by(ServicePoint.unit_id, ServicePoint.name)
        .options(selectinload(ServicePoint.services))
    )
    return list(s.scalars(query))


def lineage_ids(unit: Unit) -> set[int]:
    """Return the unit's id and those of the units above it (its city or province)."""
    ids: set[int] = set()
    current: Unit | None = unit
    while current is not None and current.id not in ids:
        ids.add(current.id)
        current = current.parent
    return ids


def offered_services(s: Session, unit_ids: set[int], active_only: bool = False) -> list[Service]:
    """List the procedures counters of these units may offer: shared ones and those the units own."""
    query = (
        select(Service).join(Field, Field.id == Service.field_id)
        .where(Service.unit_id.is_(None) | Service.unit_id.in_(unit_ids))
        .order_by(Field.name, Service.code)
    )
    if active_only:
        query = query.where(Service.active.is_(True))
    return list(s.scalars(query))


def offered_fields(s: Session, unit_ids: set[int]) -> list[Field]:
    """List the fields shared with these units or owned by them, by name."""
    query = select(Field).where(Field.unit_id.is_(None) | Field.unit_id.in_(unit_ids)).order_by(Field.name)
    return list(s.scalars(query))


def field_by_code(s: Session, code: str) -> Field | None:
    """Return the field with this code, or None."""
    return s.scalar(select(Field).where(Field.code == code))


def service_by_code(s: Session, code: str) -> Service | None:
    """Return the procedure with this national or local code, or None."""
    return s.scalar(select(Service).where(Service.code == code))
