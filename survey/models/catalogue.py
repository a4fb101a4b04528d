"""Administrative units, fields, services (procedures) and service points (counters)."""
from __future__ import annotations

import secrets
from datetime import datetime

from sqlalchemy import Column, ForeignKey, String, Table
from sqlalchemy.orm import Mapped, mapped_column, relationship

from survey.db import Base
from survey.models.types import UTCDateTime, utcnow

# Top level: a province (tỉnh) or centrally-run city (thành phố); below it a
# commune (xã), ward (phường) or special zone (đặc khu), as in the 2025 reform.
UNIT_KINDS = ("province", "city", "commune", "ward", "special")


def new_token() -> str:
    """Return an opaque, unguessable token (128 random bits, URL-safe)."""
    return secrets.token_urlsafe(16)


class Unit(Base):
    """An administrative unit: a city, or a commune/ward inside it."""

    __tablename__ = "unit"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    # Optional: the English form and public page show it where the list has one.
    name_en: Mapped[str] = mapped_column(String(200), default="", server_default="")
    kind: Mapped[str] = mapped_column(String(10))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"), index=True)

    parent: Mapped[Unit | None] = relationship(remote_side=[id], lazy="joined")
    service_points: Mapped[list[ServicePoint]] = relationship(back_populates="unit")


class Field(Base):
    """A field of procedures (lĩnh vực), e.g. civil status (Hộ tịch)."""

    __tablename__ = "field"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    # The unit that added it and alone may edit it; NULL = shared (national or
    # city list), editable only by a top-level admin, offered to every commune.
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"), index=True)

    services: Mapped[list[Service]] = relationship(back_populates="field")


class Service(Base):
    """An administrative procedure (thủ tục hành chính) with its national code."""

    __tablename__ = "service"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(500))
    # Optional: the English form shows it where the catalogue has one.
    name_en: Mapped[str] = mapped_column(String(500), default="", server_default="")
    field_id: Mapped[int] = mapped_column(ForeignKey("field.id"), index=True)
    active: Mapped[bool] = mapped_column(default=True)
    # The unit that added it and alone may edit it; NULL = shared (national or
    # city list), editable only by a top-level admin, offered to every commune.
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"), index=True)

    field: Mapped[Field] = relationship(back_populates="services", lazy="joined")


service_point_service = Table(
    "service_point_service",
    Base.metadata,
    Column("service_point_id", ForeignKey("service_point.id", ondelete="CASCADE"), primary_key=True),
    Column("service_id", ForeignKey("service.id", ondelete="CASCADE"), primary_key=True),
)


class ServicePoint(Base):
    """A counter or desk where citizens are served; its QR token opens the form."""

    __tablename__ = "service_point"

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    # Optional: the English form shows it where the administrator gave one.
    name_en: Mapped[str] = mapped_column(String(200), default="", server_default="")
    # NULL token = revoked: the printed QR then answers 404.
    token: Mapped[str | None] = mapped_column(String(43), unique=True, default=new_token)
    # A separate secret for a registered counter tablet (kiosk mode), never printed.
    kiosk_token: Mapped[str | None] = mapped_column(String(43), unique=True)
    # Set by an administrator's "close this counter": its QR and tablet then
    # answer "closed" and take no feedback. Plan dates never close a counter.
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    unit: Mapped[Unit] = relationship(back_populates="service_points", lazy="joined")
    services: Mapped[list[Service]] = relationship(
        secondary=service_point_service, order_by="Service.name"
    )
