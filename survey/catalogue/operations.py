"""Writes to the catalogue. Idempotent upserts keyed by stable codes."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from survey.models import Field, Service, ServicePoint, Unit
from survey.models.catalogue import new_token
from survey.models.types import utcnow


def upsert_unit(s: Session, code: str, name: str, kind: str, parent: Unit | None = None,
                name_en: str | None = None) -> Unit:
    """Create the unit or update its name and parent.

    `name_en` None leaves an existing English name as it is (a list without that column).
    """
    unit = s.scalar(select(Unit).where(Unit.code == code))
    if unit is None:
        unit = Unit(code=code, name=name, kind=kind, parent=parent, name_en=name_en or "")
        s.add(unit)
    else:
        unit.name, unit.kind, unit.parent = name, kind, parent
        if name_en is not None:
            unit.name_en = name_en
    s.flush()
    return unit


def set_unit_name_en(unit: Unit, name_en: str) -> None:
    """Give the unit an English name ("" = none: the English pages show the Vietnamese name)."""
    unit.name_en = name_en


def upsert_field(s: Session, code: str, name: str, owner_id: int | None = None) -> Field:
    """Create the field (owned by ``owner_id``, None = shared) or update its name."""
    field = s.scalar(select(Field).where(Field.code == code))
    if field is None:
        field = Field(code=code, name=name, unit_id=owner_id)
        s.add(field)
    else:
        field.name = name
    s.flush()
    return field


def upsert_service(s: Session, code: str, name: str, field: Field, name_en: str | None = None,
                   owner_id: int | None = None) -> Service:
    """Create the procedure or update it; the national code is the key.

    A new procedure is owned by ``owner_id`` (None = shared); the caller checks who may edit.
    `name_en` None leaves an existing English name as it is (a catalogue file without that column).
    """
    service = s.scalar(select(Service).where(Service.code == code))
    if service is None:
        service = Service(code=code, name=name, field=field, name_en=name_en or "", unit_id=owner_id)
        s.add(service)
    else:
        service.name, service.field = name, field
        if name_en is not None:
            service.name_en = name_en
    s.flush()
    return service


def upsert_service_point(s: Session, unit: Unit, name: str, services: list[Service],
                         name_en: str | None = None) -> ServicePoint:
    """Create the counter or update the services it offers; its token is kept.

    `name_en` None leaves an existing English name as it is.
    """
    point = s.scalar(
        select(ServicePoint).where(ServicePoint.unit_id == unit.id, ServicePoint.name == name)
    )
    if point is None:
        point = ServicePoint(unit=unit, name=name, token=new_token())
        s.add(point)
    if name_en is not None:
        point.name_en = name_en
    point.services = list(services)
    s.flush()
    return point


def rotate_token(point: ServicePoint) -> str:
    """Give the counter a new QR token; the old printed QR stops working."""
    point.token = new_token()
    return point.token


def revoke_token(point: ServicePoint) -> None:
    """Revoke the counter's QR token: its URL answers 404 until rotated."""
    point.token = None


def close_point(point: ServicePoint) -> None:
    """Close the counter: its QR and tablet answer "closed" and take no feedback until reopened."""
    point.closed_at = point.closed_at or utcnow()


def reopen_point(point: ServicePoint) -> None:
    """Take feedback at the counter again (same QR and tablet)."""
    point.closed_at = None


def register_kiosk(point: ServicePoint) -> str:
    """Issue (or replace) the secret that turns a counter tablet into a kiosk."""
    point.kiosk_token = new_token()
    return point.kiosk_token


def set_service_active(service: Service, active: bool) -> None:
    """Withdraw a procedure from the form (or bring it back); its responses are kept."""
    service.active = active


def save_service_point(s: Session, point: ServicePoint | None, unit: Unit, name: str,
                       services: list[Service], name_en: str = "") -> ServicePoint:
    """Create a counter, or rename/move an existing one and set the services it offers."""
    if point is None:
        point = ServicePoint(unit=unit, name=name, token=new_token())
        s.add(point)
    point.unit, point.name, point.name_en = unit, name, name_en
    point.services = list(services)
    s.flush()
    return point


def unregister_kiosk(point: ServicePoint) -> None:
    """Forget the counter tablet: its kiosk address answers 404."""
    point.kiosk_token = None
