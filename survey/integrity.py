"""Flag suspicious clusters of responses for the analyst; never delete them.

A script replaying one answer set at a counter leaves byte-identical
responses seconds apart. Honest citizens rarely agree on every item, every
optional answer and the comment within two minutes, so such a cluster is
flagged with a reason the analyst can read, and analyses may exclude it.
Responses are compared by their fingerprint (a hash of service, answers and
comment, survey/models/responses.py), one indexed query per submission.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app, has_app_context
from sqlalchemy import ColumnElement, Select, select, true, update
from sqlalchemy.orm import Session

from survey.models import Response
from survey.results.filters import LOCAL
from survey.results.invalidate import invalidate
from survey.results.rollup import live_from

log = logging.getLogger(__name__)
DEFAULT_WINDOW_SECONDS = 120


@dataclass(frozen=True)
class Stored:
    """What the check needs to know about a just-stored response."""

    id: int
    unit_id: int
    point_id: int | None
    channel: str
    fingerprint: str | None
    submitted_at: datetime


def _window() -> timedelta:
    config = current_app.config if has_app_context() else {}
    seconds = config.get("SIPAS_DUPLICATE_WINDOW_SECONDS", DEFAULT_WINDOW_SECONDS)
    return timedelta(seconds=seconds)


def flag_twins(s: Session, new: Stored, window: timedelta | None = None) -> list[int]:
    """Flag a stored response and the identical ones just before it at the same counter.

    Returns the ids flagged by this call (empty when nothing matched). Commits.
    """
    if new.point_id is None or new.fingerprint is None:
        return []  # paper and invitation responses have no counter to cluster on
    window = window or _window()
    twins = s.execute(
        select(Response.id, Response.submitted_at, Response.flagged).where(
            Response.service_point_id == new.point_id,
            Response.channel == new.channel,
            Response.fingerprint == new.fingerprint,
            Response.id != new.id,
            Response.submitted_at >= new.submitted_at - window,
            Response.submitted_at <= new.submitted_at,
        ).order_by(Response.submitted_at, Response.id)
    ).all()
    if not twins:
        # End the read: on SQLite a session reused for the next write would
        # otherwise upgrade a stale snapshot and fail with "database is locked".
        s.commit()
        return []
    first = twins[0]
    seconds = int((new.submitted_at - first.submitted_at).total_seconds())
    reason = (f"Trùng hoàn toàn với phiếu #{first.id} gửi trước {seconds} giây tại cùng quầy "
              f"({len(twins) + 1} phiếu giống hệt trong {int(window.total_seconds())} giây)")
    flagged = [t.id for t in twins if not t.flagged] + [new.id]
    s.execute(update(Response).where(Response.id.in_(flagged), Response.flagged.is_(False))
              .values(flagged=True, flag_reason=reason[:200]))
    # A statement, not a flush: drop any stored day it changed (a window that
    # reaches back past midnight), as survey/results/invalidate.py asks.
    days = {t.submitted_at.astimezone(LOCAL).date() for t in twins} - {None}
    invalidate(s, new.unit_id, {d for d in days if d < live_from()})
    s.commit()
    return flagged


def flag_duplicates(s: Session, response: Response, window: timedelta | None = None) -> list[int]:
    """`flag_twins` for a response loaded through the ORM."""
    return flag_twins(s, Stored(response.id, response.unit_id, response.service_point_id,
                                response.channel, response.fingerprint, response.submitted_at), window)


def check_after_store(s: Session, new: Stored) -> None:
    """Run the checks on a just-stored response; a failure here never loses it."""
    try:
        flag_twins(s, new)
    except Exception:  # the response is committed already; flagging is best effort
        s.rollback()
        log.exception("integrity check failed for response %s", new.id)


def flagged_condition(include_flagged: bool) -> ColumnElement[bool]:
    """A WHERE condition: every response, or only the unflagged ones."""
    return true() if include_flagged else Response.flagged.is_(False)


def with_flagged(stmt: Select, include_flagged: bool) -> Select:
    """Restrict a select over Response to unflagged responses unless asked otherwise."""
    return stmt if include_flagged else stmt.where(Response.flagged.is_(False))
