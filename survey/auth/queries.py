"""Reads of staff accounts."""
from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from survey.models import Unit, User


def user_by_username(s: Session, username: str) -> User | None:
    """Return the account with this username (case-insensitive), or None."""
    name = (username or "").strip().lower()
    if not name or len(name) > 80:
        return None
    return s.scalar(select(User).where(func.lower(User.username) == name))


def user_by_session_id(s: Session, session_id: str) -> User | None:
    """Return the active account a login session names, if its sessions were not ended since."""
    user_id, _, epoch = (session_id or "").partition(":")
    if not (user_id.isascii() and user_id.isdigit() and epoch.isascii() and epoch.isdigit()):
        return None
    if len(user_id) > 18 or len(epoch) > 18:  # past 64 bits: not an id we issued
        return None
    user = s.get(User, int(user_id))
    if user is None or not user.active or user.session_epoch != int(epoch):
        return None
    return user


def users(s: Session, unit_ids: set[int] | None = None) -> list[User]:
    """List accounts (of some units only), by unit then username."""
    query = select(User).join(Unit, Unit.id == User.unit_id).order_by(Unit.name, User.username)
    if unit_ids is not None:
        query = query.where(User.unit_id.in_(unit_ids))
    return list(s.scalars(query))
