"""The annual measurement plan: its services and targets, the dossier frame,
the drawn sample, invitation codes and double-keyed paper forms.

Unlinkability (docs/privacy-invitations.md): nothing here points at a
response, and an invitation points at no dossier.
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from survey.db import Base
from survey.models.catalogue import Service, Unit
from survey.models.types import UTCDateTime, utcnow

SIZING_METHODS = ("yamane", "cochran", "wilson")
ALLOCATIONS = ("per_service", "proportional")
# How a dossier was submitted, as the one-stop system records it.
DOSSIER_CHANNELS = ("direct", "online_full", "online_partial", "post")


class Plan(Base):
    """A unit's measurement plan for one period (usually a year)."""

    __tablename__ = "plan"

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    title: Mapped[str] = mapped_column(String(300))
    basis: Mapped[str] = mapped_column(Text, default="")
    questionnaire_code: Mapped[str] = mapped_column(String(40))
    questionnaire_version: Mapped[str] = mapped_column(String(20))
    # Inclusive local dates (Asia/Ho_Chi_Minh); open/closed is computed from them.
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date] = mapped_column(Date)
    target_margin: Mapped[float] = mapped_column(Float, default=0.05)
    conf_level: Mapped[float] = mapped_column(Float, default=0.95)
    sizing_method: Mapped[str] = mapped_column(String(12), default="yamane")
    allocation: Mapped[str] = mapped_column(String(12), default="per_service")
    # The satisfaction share a Wilson target assumes (published SIPAS is near 0.9).
    expected_share: Mapped[float] = mapped_column(Float, default=0.9)
    index_method: Mapped[str] = mapped_column(String(12), default="top2box")
    interval_method: Mapped[str] = mapped_column(String(12), default="wilson")
    # Recorded when the sample is drawn so anyone can redraw the same dossiers.
    seed: Mapped[int | None] = mapped_column(Integer)
    # What the report's administrative form (Nghị định 30/2020) needs and the
    # data cannot know; empty means "left for the people who sign it".
    report_number: Mapped[str] = mapped_column(String(20), default="", server_default="")
    report_office: Mapped[str] = mapped_column(String(200), default="", server_default="")
    signer_title: Mapped[str] = mapped_column(String(100), default="CHỦ TỊCH", server_default="CHỦ TỊCH")
    signer_name: Mapped[str] = mapped_column(String(100), default="", server_default="")
    report_recipients: Mapped[str] = mapped_column(Text, default="", server_default="")  # one per line
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    unit: Mapped[Unit] = relationship(lazy="joined")
    services: Mapped[list[PlanService]] = relationship(
        back_populates="plan", cascade="all, delete-orphan", lazy="selectin"
    )


class PlanService(Base):
    """A service measured by a plan: its frame size and target sample."""

    __tablename__ = "plan_service"
    __table_args__ = (UniqueConstraint("plan_id", "service_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plan.id", ondelete="CASCADE"), index=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("service.id"))
    frame_size: Mapped[int] = mapped_column(Integer, default=0)
    target: Mapped[int] = mapped_column(Integer, default=0)

    plan: Mapped[Plan] = relationship(back_populates="services")
    service: Mapped[Service] = relationship(lazy="joined")


class Dossier(Base):
    """One dossier (hồ sơ) of the one-stop system's export: the sampling frame."""

    __tablename__ = "dossier"
    __table_args__ = (UniqueConstraint("unit_id", "code"),
                      Index("ix_dossier_unit_service_received", "unit_id", "service_id", "received_on"))

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))
    code: Mapped[str] = mapped_column(String(60))
    service_id: Mapped[int] = mapped_column(ForeignKey("service.id"))
    received_on: Mapped[date] = mapped_column(Date)
    due_on: Mapped[date | None] = mapped_column(Date)
    returned_on: Mapped[date | None] = mapped_column(Date)
    channel: Mapped[str | None] = mapped_column(String(16))
    paid_online: Mapped[bool | None] = mapped_column()
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)


class SampledDossier(Base):
    """A dossier drawn into a plan's sample (the call/hand-out list)."""

    __tablename__ = "sampled_dossier"

    plan_id: Mapped[int] = mapped_column(ForeignKey("plan.id", ondelete="CASCADE"), primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossier.id", ondelete="CASCADE"), primary_key=True)
    draw_order: Mapped[int] = mapped_column(Integer)


class Invitation(Base):
    """A single-use code. Deliberately holds no dossier, no response and no
    time of use: only whether it was used (see docs/privacy-invitations.md)."""

    __tablename__ = "invitation"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plan.id", ondelete="CASCADE"), index=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("service.id"))
    code: Mapped[str] = mapped_column(String(8), unique=True)
    # "sample" (one per sampled dossier) or "counter" (handed out at the desk).
    source: Mapped[str] = mapped_column(String(8), default="sample")
    issued_on: Mapped[date] = mapped_column(Date)
    expires_on: Mapped[date] = mapped_column(Date)
    used: Mapped[bool] = mapped_column(default=False)

    service: Mapped[Service] = relationship(lazy="joined")


class PaperForm(Base):
    """A paper questionnaire identified by the number written on it; counts
    (becomes a response) only once two keyings agree."""

    __tablename__ = "paper_form"
    __table_args__ = (UniqueConstraint("plan_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plan.id", ondelete="CASCADE"), index=True)
    number: Mapped[str] = mapped_column(String(20))
    # pending (one keying) · conflict (keyings differ) · counted (stored as a response)
    status: Mapped[str] = mapped_column(String(10), default="pending")
    entries: Mapped[list[PaperEntry]] = relationship(
        back_populates="form", cascade="all, delete-orphan", lazy="selectin", order_by="PaperEntry.id"
    )


class PaperEntry(Base):
    """One clerk's keying of a paper form; the payload is erased once counted."""

    __tablename__ = "paper_entry"

    id: Mapped[int] = mapped_column(primary_key=True)
    form_id: Mapped[int] = mapped_column(ForeignKey("paper_form.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    # JSON {"service": code, "answers": {item: value}, "comment": text}
    payload: Mapped[str | None] = mapped_column(Text)

    form: Mapped[PaperForm] = relationship(back_populates="entries")
