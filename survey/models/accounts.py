"""Staff accounts and the audit log of their actions."""
from __future__ import annotations

from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from survey.db import Base
from survey.models.catalogue import Unit
from survey.models.types import BigIntPK, UTCDateTime, utcnow

ROLES = ("admin", "analyst", "viewer")


class User(UserMixin, Base):
    """A staff account, attached to a unit: a city account sees its communes."""

    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(12))
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Bumped by logout, a password change or reset and disabling: every
    # session cookie issued before names an older epoch and stops working.
    session_epoch: Mapped[int] = mapped_column(default=0, server_default="0")

    unit: Mapped[Unit] = relationship(lazy="joined")

    @property
    def is_active(self) -> bool:  # Flask-Login: a disabled account is logged out
        return self.active

    def get_id(self) -> str:
        # The session names the account and its epoch, never a part of the hash.
        return f"{self.id}:{self.session_epoch}"

    def end_sessions(self) -> None:
        """Invalidate every session of this account, on every worker and host."""
        self.session_epoch = (self.session_epoch or 0) + 1


class AuditEvent(Base):
    """A staff action worth tracing: login, export, catalogue or account change."""

    __tablename__ = "audit_event"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    action: Mapped[str] = mapped_column(String(40))
    target: Mapped[str | None] = mapped_column(String(200))
    detail: Mapped[str | None] = mapped_column(Text)


class LoginFailure(Base):
    """A failed staff login, kept for the throttle window (no address, only a keyed hash)."""

    __tablename__ = "login_failure"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    key: Mapped[str] = mapped_column(String(64), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
