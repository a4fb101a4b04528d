"""Store a validated response: all of it in one transaction, or nothing."""
from __future__ import annotations

from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from survey.integrity import Stored, check_after_store
from survey.models import Answer, Comment, Response
from survey.models.responses import answer_fingerprint
from survey.models.types import utcnow


def already_stored(s: Session, submission_key: str) -> bool:
    """Tell whether a response with this submission key exists."""
    return s.scalar(select(Response.id).where(Response.submission_key == submission_key)) is not None


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
) -> bool:
    """Insert the response with its answers and commit; False if it was a replay.

    Three INSERT statements in the session's transaction (with whatever the
    caller changed, e.g. a paper form's status or a used invitation), then
    one commit: the ORM unit of work cost more than the rest of a submission.
    Nothing to invalidate: the response is stored now, and today's results
    are always read live (survey/results/rollup.py).
    """
    fingerprint = answer_fingerprint(service_id, answers.items(), comment)
    submitted_at = utcnow()
    conn = s.connection()
    try:
        # No look-up first: the unique submission key refuses a replay (a
        # double tap, a retried POST, two copies racing) in the same round trip.
        response_id = conn.execute(insert(Response).values(
            submission_key=submission_key, questionnaire_id=questionnaire_id, unit_id=unit_id,
            service_id=service_id, service_point_id=point_id, channel=channel,
            submitted_at=submitted_at, flagged=False, fingerprint=fingerprint,
        )).inserted_primary_key[0]
        if answers:
            conn.execute(insert(Answer), [{"response_id": response_id, "item_code": code, "value": value}
                                          for code, value in answers.items()])
        if comment:
            conn.execute(insert(Comment).values(response_id=response_id, text=comment))
        s.commit()
    except IntegrityError:
        s.rollback()
        if already_stored(s, submission_key):
            return False
        raise
    check_after_store(s, Stored(response_id, unit_id, point_id, channel, fingerprint, submitted_at))
    return True
