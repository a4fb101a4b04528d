"""Flag suspicious clusters of responses for the analyst; never delete them.

A script replaying one answer set at a counter leaves byte-identical
responses seconds apart. Honest citizens rarely agree on every item, every
optional answer and the comment within two minutes, so such a cluster is
flagged with a reason the analyst can read, and analyses may exclude it.
Responses are compared by their fingerprint (a hash of service, answers and
comment, survey/models/responses.py), one indexed query per submission.

The reason is stored in Vietnamese (as rows stored before it went through
gettext were), so exports and old rows read the same; pages translate it when
shown (``reason_text``), recognising the stored sentence by its shape.
"""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app, has_app_context
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import bindparam, func, literal_column, select, tuple_, update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, aliased

from survey.models import Response

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

    @classmethod
    def of(cls, response: Response) -> Stored:
        """The same facts of a response loaded through the ORM (re-checking stored responses)."""
        return cls(response.id, response.unit_id, response.service_point_id, response.channel,
                   response.fingerprint, response.submitted_at)


# One answer set's copies at one counter within the window (ix_response_fingerprint_submitted).
_SAME = (Response.fingerprint == bindparam("fingerprint"), Response.service_point_id == bindparam("point"),
         Response.channel == bindparam("channel"), Response.submitted_at >= bindparam("since"),
         Response.submitted_at <= bindparam("until"))
_FIRST_TWIN = (select(Response.id, Response.submitted_at).where(*_SAME, Response.id != bindparam("new"))
               .order_by(Response.submitted_at, Response.id).limit(1))


def twin_reason(first: object, seconds: object, copies: object, window: object) -> str:
    """The reason a copy is flagged, in the current language."""
    return _("Trùng hoàn toàn với phiếu #%(first)s gửi trước %(seconds)s giây tại cùng quầy "
             "(%(copies)s phiếu giống hệt trong %(window)s giây)",
             first=first, seconds=seconds, copies=copies, window=window)


_FIELDS = ("first", "seconds", "copies", "window")


def _stored_shape() -> re.Pattern[str]:
    # The Vietnamese sentence with each number replaced by a group: built from
    # the message itself, so the two can never drift apart.
    with force_locale("vi"):
        text = twin_reason(*(f"\x00{name}\x00" for name in _FIELDS))
    pattern = re.escape(text)
    for name in _FIELDS:
        pattern = pattern.replace(re.escape(f"\x00{name}\x00"), rf"(?P<{name}>\d+)")
    return re.compile(pattern + "$")


def reason_text(stored: str | None) -> str:
    """A stored flag reason in the current language; a reason of another shape is shown as stored."""
    if not stored:
        return ""
    found = _stored_shape().match(stored)
    return twin_reason(*(found[name] for name in _FIELDS)) if found else stored


# The same seek as a column of the submission's own INSERT … RETURNING
# (survey/citizen/operations.py): the earliest copy sent before the new row,
# found in the round trip that stores it. `inserted` is the row being inserted.
_COPY = aliased(Response, name="copy")


def _inserted(name: str):
    # The row being inserted, named as the RETURNING clause sees it; SQLAlchemy
    # does not correlate a RETURNING subquery to the INSERT's table by itself.
    return literal_column(f"response.{name}")


def _earlier_copy(column):
    return (select(column)
            .where(_COPY.fingerprint == _inserted("fingerprint"),
                   _COPY.service_point_id == _inserted("service_point_id"),
                   _COPY.channel == _inserted("channel"), _COPY.submitted_at >= bindparam("copy_since"),
                   _COPY.id != _inserted("id"),
                   tuple_(_COPY.submitted_at, _COPY.id) < tuple_(_inserted("submitted_at"), _inserted("id")))
            .order_by(_COPY.submitted_at, _COPY.id).limit(1).scalar_subquery())


FIRST_TWIN_COLUMNS = (_earlier_copy(_COPY.id).label("twin_id"), _earlier_copy(_COPY.submitted_at).label("twin_at"))


def copy_since(submitted_at: datetime) -> dict:
    """The bind parameter of FIRST_TWIN_COLUMNS: the start of the window before `submitted_at`."""
    return {"copy_since": submitted_at - _window()}


def _window() -> timedelta:
    config = current_app.config if has_app_context() else {}
    seconds = config.get("SIPAS_DUPLICATE_WINDOW_SECONDS", DEFAULT_WINDOW_SECONDS)
    return timedelta(seconds=seconds)


_UNKNOWN = object()


def flag_twins(s: Session, new: Stored, window: timedelta | None = None, first=_UNKNOWN) -> list[int]:
    """Flag a just-inserted response if it copies one sent just before it at the same counter.

    The first response of a cluster stays counted (it may well be genuine:
    a citizen's one answer that a script then replayed, or a family sending
    the same opinion); every later copy is flagged, its reason naming the
    first. Runs in the caller's transaction, which commits. Returns the ids
    flagged by this call (empty when nothing matched). `first`, if given, is
    the earliest earlier copy (a row with id and submitted_at, or None) as
    the INSERT that stored `new` already found it (FIRST_TWIN_COLUMNS).
    """
    if new.point_id is None or new.fingerprint is None:
        return []  # paper and invitation responses have no counter to cluster on
    window = window or _window()
    params = {"point": new.point_id, "channel": new.channel, "fingerprint": new.fingerprint,
              "since": new.submitted_at - window, "until": new.submitted_at, "new": new.id}
    # The common case, no twin, costs one indexed LIMIT 1 query (built once,
    # run on the connection: per-request statement building showed in profiles).
    # A replaying script costs a count and an update of the rows not yet
    # flagged, never a scan of every copy it left.
    if first is _UNKNOWN:
        first = s.connection().execute(_FIRST_TWIN, params).first()
    if first is None or (first.submitted_at, first.id) > (new.submitted_at, new.id):
        return []  # the new response is the cluster's first (a later copy committed before it)
    copies = s.scalar(select(func.count()).select_from(Response).where(*_SAME), params)
    seconds = int((new.submitted_at - first.submitted_at).total_seconds())
    with force_locale("vi"):  # stored in Vietnamese whatever the citizen's language; see reason_text
        reason = twin_reason(first.id, seconds, copies, int(window.total_seconds()))
    # The new copy, and any copy that raced it to the commit unflagged; never the first.
    later = s.execute(select(Response.id, Response.submitted_at)
                      .where(*_SAME, Response.flagged.is_(False), Response.id != first.id)
                      .order_by(Response.id), params).all()
    flagged = [r.id for r in later]
    if not flagged:
        return []
    # A window reaching back past midnight changes a stored day: the database
    # triggers drop its rollup marker (survey/models/rollup_triggers.py).
    s.execute(update(Response).where(Response.id.in_(flagged)).values(flagged=True, flag_reason=reason[:200]))
    return flagged


def check_before_commit(s: Session, new: Stored, first=_UNKNOWN) -> None:
    """Run the checks on a response inserted in this transaction.

    In the response's own transaction: one connection and one commit per
    submission. A bug in a check is logged and the response is still stored;
    a database error fails the whole submission, so the citizen is asked to
    send again and nothing acknowledged is ever lost.
    """
    try:
        flag_twins(s, new, first=first)
    except SQLAlchemyError:
        raise
    except Exception:  # flagging is best effort; the answers are what matter
        log.exception("integrity check failed for response %s", new.id)
