"""Retention: free comments are removed after N months; scores and aggregates stay.

Comments are the only free text a citizen writes, so the only place a name
or phone number could slip in despite the form's warning (Nghị định
13/2023/NĐ-CP: keep personal data no longer than the purpose needs). The
answers are scale points and option numbers, anonymous by construction.
"""
from __future__ import annotations

from datetime import datetime, timezone
from typing import cast

from sqlalchemy import CursorResult, delete, func, select
from sqlalchemy.orm import Session

from survey.models import AuditEvent, Comment, Response


def months_before(now: datetime, months: int) -> datetime:
    """Return the same instant ``months`` calendar months earlier (day clipped to 28)."""
    if months < 0:
        raise ValueError("months must not be negative")
    total = now.year * 12 + (now.month - 1) - months
    return now.replace(year=total // 12, month=total % 12 + 1, day=min(now.day, 28))


def _expired(cutoff: datetime):
    return select(Response.id).where(Response.submitted_at < cutoff)


def count_expired(s: Session, months: int, now: datetime | None = None) -> int:
    """Return how many comments are older than ``months`` months."""
    cutoff = months_before(now or datetime.now(timezone.utc), months)
    return s.scalar(select(func.count()).select_from(Comment)
                    .where(Comment.response_id.in_(_expired(cutoff)))) or 0


def apply(s: Session, months: int, now: datetime | None = None) -> int:
    """Delete comments on responses older than ``months`` months; record it; commit."""
    cutoff = months_before(now or datetime.now(timezone.utc), months)
    removed = cast(CursorResult, s.execute(  # a DELETE's result carries its row count
        delete(Comment).where(Comment.response_id.in_(_expired(cutoff)))
        .execution_options(synchronize_session=False)
    )).rowcount
    s.add(AuditEvent(action="retention.apply", target="comment",
                     detail=f"removed={removed} months={months} before={cutoff.isoformat()}"))
    s.commit()
    return removed
