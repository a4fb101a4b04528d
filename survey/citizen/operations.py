"""Store a validated response: all of it in one transaction, or nothing."""
from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import NamedTuple

from sqlalchemy import bindparam, delete, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from survey.integrity import FIRST_TWIN_COLUMNS, Stored, check_before_commit, copy_since
from survey.models import Comment, Questionnaire, Response
from survey.models.responses import answer_fingerprint, pack_answers
from survey.models.types import utcnow
from survey.results import rollup


def already_stored(s: Session, submission_key: str) -> bool:
    """Tell whether a response with this submission key exists."""
    return s.scalar(select(Response.id).where(Response.submission_key == submission_key)) is not None


# Built once: building statements per request showed in the profiles. The
# duplicate check's seek for an earlier copy rides on the INSERT's RETURNING:
# one round trip fewer per submission (issue 17.7).
_INSERT_RESPONSE = insert(Response).returning(Response.id, *FIRST_TWIN_COLUMNS)
_INSERT_COMMENT = insert(Comment)
_ITEMS = select(Questionnaire.items).where(Questionnaire.id == bindparam("qid"))


class _Copy(NamedTuple):
    id: int
    submitted_at: datetime


def _packed(s: Session, questionnaire_id: int, items: Sequence[str] | None, answers: dict[str, int]) -> bytes:
    """The answers as the questionnaire row's byte string (survey/models/responses.py).

    `items` is the row's item list as the caller last read it (the counter
    snapshot); lists only grow, so a code missing from it sends this back
    to the database for the current list.
    """
    if items is not None:
        try:
            return pack_answers(items, answers)
        except ValueError:
            pass
    return pack_answers(s.connection().execute(_ITEMS, {"qid": questionnaire_id}).scalar_one(), answers)


def record_response(
    s: Session,
    *,
    questionnaire_id: int,
    point_id: int | None,
    unit_id: int,
    service_id: int,
    channel: str,
    answers: dict[str, int],
    comment: str,
    submission_key: str,
    submitted_at: datetime | None = None,
    items: Sequence[str] | None = None,
) -> int | None:
    """Insert the response with its answers and commit; its id, or None if it was a replay.

    Two INSERT statements (the response with its answers as one value, and
    the comment) and the duplicate check in the session's transaction (with whatever the caller changed, e.g. a paper form's status
    or a used invitation), then one commit: the ORM unit of work and a second
    transaction cost more than the rest of a submission. `submitted_at`
    defaults to now; a paper form keyed after its plan gives the plan's end.
    Today's results are always read live; a response dated on a past day
    rebuilds that unit-day's rollup cells before the commit (survey/results/rollup.py).
    `items` is the questionnaire row's item list if the caller has it (read here if not).
    """
    fingerprint = answer_fingerprint(service_id, answers.items(), comment)
    packed = _packed(s, questionnaire_id, items, answers)
    submitted_at = submitted_at or utcnow()
    conn = s.connection()
    try:
        # No look-up first: the unique submission key refuses a replay (a
        # double tap, a retried POST, two copies racing) in the same round trip.
        stored = conn.execute(_INSERT_RESPONSE, {
            "submission_key": submission_key, "questionnaire_id": questionnaire_id, "unit_id": unit_id,
            "service_id": service_id, "service_point_id": point_id, "channel": channel,
            "submitted_at": submitted_at, "flagged": False, "fingerprint": fingerprint, "answers": packed,
            **copy_since(submitted_at),
        }).one()
        response_id = stored.id
        if comment:
            conn.execute(_INSERT_COMMENT, {"response_id": response_id, "text": comment})
        twin = _Copy(stored.twin_id, stored.twin_at) if stored.twin_id is not None else None
        check_before_commit(s, Stored(response_id, unit_id, point_id, channel, fingerprint, submitted_at), twin)
        # A past day (a paper form keyed after its day) is rebuilt in this transaction.
        rollup.rebuild_day(s, unit_id, questionnaire_id, submitted_at)
        s.commit()
    except IntegrityError:
        s.rollback()
        if already_stored(s, submission_key):
            return None
        raise
    return response_id


def replace_response(
    s: Session,
    response_id: int,
    *,
    point_id: int,
    service_id: int,
    answers: dict[str, int],
    comment: str,
) -> bool:
    """Put a citizen's corrected answers in place of the response they sent moments ago, and commit.

    The caller knows the response is this browser's own (its signed session
    names it) and recent. The row keeps its id, key, counter and time, so a
    replay of either send still stores nothing new and the response stays
    on its day; answers, comment, service and fingerprint are the new ones,
    and the duplicate check runs again on them. False (nothing changed) if
    the response is gone or belongs to another counter.
    """
    row = s.execute(select(Response.unit_id, Response.channel, Response.submitted_at, Response.questionnaire_id)
                    .where(Response.id == response_id, Response.service_point_id == point_id)).first()
    if row is None:
        return False
    fingerprint = answer_fingerprint(service_id, answers.items(), comment)
    packed = _packed(s, row.questionnaire_id, None, answers)
    conn = s.connection()
    conn.execute(delete(Comment).where(Comment.response_id == response_id))
    conn.execute(update(Response).where(Response.id == response_id).values(
        service_id=service_id, fingerprint=fingerprint, flagged=False, flag_reason=None, answers=packed))
    if comment:
        conn.execute(_INSERT_COMMENT, {"response_id": response_id, "text": comment})
    check_before_commit(s, Stored(response_id, row.unit_id, point_id, row.channel, fingerprint, row.submitted_at))
    # Sent just before midnight and corrected after it, the day is past: rebuilt in this transaction.
    rollup.rebuild_day(s, row.unit_id, row.questionnaire_id, row.submitted_at)
    s.commit()
    return True
