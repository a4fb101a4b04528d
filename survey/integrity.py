"""Flag suspicious clusters of responses for the analyst; never delete them.

A script replaying one answer set at a counter leaves byte-identical
responses seconds apart. Honest citizens rarely agree on every item, every
optional answer and the comment within two minutes, so such a cluster is
flagged with a reason the analyst can read, and analyses may exclude it.
"""
from __future__ import annotations

import logging
from datetime import timedelta

from flask import current_app, has_app_context
from sqlalchemy import ColumnElement, Select, select, true
from sqlalchemy.orm import Session

from survey.models import Response

log = logging.getLogger(__name__)
DEFAULT_WINDOW_SECONDS = 120
# Only the latest responses at the counter are compared: a replaying script
# leaves its copies side by side, and the cost per submission stays bounded
# however busy the counter is.
RECENT = 25


def fingerprint(response: Response) -> str:
    """Return the answer set as one canonical string (items sorted, comment included)."""
    items = ";".join(f"{a.item_code}={a.value}" for a in sorted(response.answers, key=lambda a: a.item_code))
    comment = response.comment.text if response.comment else ""
    return f"{response.service_id}|{items}|{comment}"


def _window() -> timedelta:
    config = current_app.config if has_app_context() else {}
    seconds = config.get("SIPAS_DUPLICATE_WINDOW_SECONDS", DEFAULT_WINDOW_SECONDS)
    return timedelta(seconds=seconds)


def flag_duplicates(s: Session, response: Response, window: timedelta | None = None) -> list[int]:
    """Flag ``response`` and the identical ones just before it at the same counter.

    Returns the ids flagged by this call (empty when nothing matched). Commits.
    """
    if response.service_point_id is None:
        return []  # paper and invitation responses have no counter to cluster on
    window = window or _window()
    earlier = s.scalars(
        select(Response).where(
            Response.service_point_id == response.service_point_id,
            Response.channel == response.channel,
            Response.id != response.id,
            Response.submitted_at >= response.submitted_at - window,
            Response.submitted_at <= response.submitted_at,
        ).order_by(Response.submitted_at.desc(), Response.id.desc()).limit(RECENT)
    ).all()[::-1]
    mine = fingerprint(response)
    twins = [r for r in earlier if fingerprint(r) == mine]
    if not twins:
        # End the read: on SQLite a session reused for the next write would
        # otherwise upgrade a stale snapshot and fail with "database is locked".
        s.commit()
        return []
    first = twins[0]
    seconds = int((response.submitted_at - first.submitted_at).total_seconds())
    reason = (f"Trùng hoàn toàn với phiếu #{first.id} gửi trước {seconds} giây tại cùng quầy "
              f"({len(twins) + 1} phiếu giống hệt trong {int(window.total_seconds())} giây)")
    flagged = []
    for r in (*twins, response):
        if not r.flagged:
            r.flagged = True
            r.flag_reason = reason[:200]
            flagged.append(r.id)
    s.commit()
    return flagged


def check_after_store(s: Session, response: Response) -> None:
    """Run the checks on a just-stored response; a failure here never loses it."""
    try:
        flag_duplicates(s, response)
    except Exception:  # the response is committed already; flagging is best effort
        s.rollback()
        log.exception("integrity check failed for response %s", response.id)


def flagged_condition(include_flagged: bool) -> ColumnElement[bool]:
    """A WHERE condition: every response, or only the unflagged ones."""
    return true() if include_flagged else Response.flagged.is_(False)


def with_flagged(stmt: Select, include_flagged: bool) -> Select:
    """Restrict a select over Response to unflagged responses unless asked otherwise."""
    return stmt if include_flagged else stmt.where(Response.flagged.is_(False))
