"""Store a validated response: all of it in one transaction, or nothing."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from survey.integrity import check_after_store
from survey.models import Answer, Comment, Questionnaire, Response, Service, ServicePoint


def already_stored(s: Session, submission_key: str) -> bool:
    """Tell whether a response with this submission key exists."""
    return s.scalar(select(Response.id).where(Response.submission_key == submission_key)) is not None


def record_response(
    s: Session,
    *,
    questionnaire: Questionnaire,
    point: ServicePoint | None,
    unit_id: int,
    service: Service,
    channel: str,
    answers: dict[str, int],
    comment: str,
    submission_key: str,
) -> bool:
    """Insert the response with its answers and commit; False if it was a replay."""
    if already_stored(s, submission_key):
        return False
    response = Response(
        submission_key=submission_key,
        questionnaire_id=questionnaire.id,
        unit_id=unit_id,
        service_id=service.id,
        service_point_id=point.id if point else None,
        channel=channel,
        answers=[Answer(item_code=code, value=value) for code, value in answers.items()],
        comment=Comment(text=comment) if comment else None,
    )
    s.add(response)
    try:
        s.commit()
    except IntegrityError:
        # Two copies of the same POST raced past the check: the unique
        # submission key let exactly one in.
        s.rollback()
        if already_stored(s, submission_key):
            return False
        raise
    check_after_store(s, response)
    return True
