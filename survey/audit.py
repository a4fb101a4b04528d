"""The audit log of staff actions: logins, exports, catalogue and account changes.

``record(action, target, detail)`` adds one event attributed to the logged-in
user and flushes it, in the transaction of the change it describes; it never
commits. The view commits once (`survey.db.commits`), so the change and its
event are stored together or not at all — an export or a failed login is a
request whose only change is its event.
"""
from __future__ import annotations

from flask_login import current_user
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from survey import db
from survey.models import AuditEvent, User

PAGE_SIZE = 50


def record(action: str, target: str | None = None, detail: str | None = None,
           *, user: User | None = None) -> AuditEvent:
    """Record that the (current) user did ``action`` to ``target``."""
    if user is None and current_user and current_user.is_authenticated:
        user = current_user
    event = AuditEvent(
        user_id=user.id if user is not None else None,
        action=action[:40],
        target=target[:200] if target else None,
        detail=detail,
    )
    s = db.session()
    s.add(event)
    s.flush()
    return event


def recent(s: Session, page: int = 1, action: str | None = None, user_ids: set[int] | None = None,
           include_anonymous: bool = False) -> list[tuple[AuditEvent, str | None]]:
    """Return one page (plus one row, to tell if more follow) of events, newest first, with usernames."""
    query = (
        select(AuditEvent, User.username)
        .outerjoin(User, User.id == AuditEvent.user_id)
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
        .limit(PAGE_SIZE + 1)
        .offset((max(page, 1) - 1) * PAGE_SIZE)
    )
    if action:
        query = query.where(AuditEvent.action == action)
    if user_ids is not None:
        # Events by these accounts, or about them (a failed login against one of them).
        mine = or_(AuditEvent.user_id.in_(user_ids), AuditEvent.target.in_([f"user:{i}" for i in user_ids]))
        query = query.where(or_(mine, AuditEvent.user_id.is_(None)) if include_anonymous else mine)
    return [(event, name) for event, name in s.execute(query)]
