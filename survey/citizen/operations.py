"""Store a validated response: all of it in one transaction, or nothing."""
from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import NamedTuple

from sqlalchemy import bindparam, delete, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from survey.integrity import FIRST_TWIN_COLUMNS, check_before_commit, copy_since
from survey.integrity import Stored as CheckedRow
from survey.models import Comment, Questionnaire, Response, ServicePoint
from survey.models.catalogue import service_point_service
from survey.models.responses import answer_fingerprint, pack_answers
from survey.models.types import utcnow
from survey.results import rollup


def already_stored(s: Session, submission_key: str) -> bool:
    """Tell whether a response with this submission key exists."""
    return s.scalar(select(Response.id).where(Response.submission_key == submission_key)) is not None


# Built once: building statements per request showed in the profiles. The
# duplicate check's seek for an earlier copy rides on the INSERT's RETURNING:
# one round trip fewer per submission (issue 17.7).
_INSERT_RESPONSE = insert(Response).returning(Response.id, Response.unit_id, Response.service_point_id,
                                              *FIRST_TWIN_COLUMNS)
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


class Stored(NamedTuple):
    """A submission taken at a counter: the response and the counter the database gave it.

    Both None for a replay of a submission already stored (its unique key).
    """

    response_id: int | None
    point_id: int | None


def _target_row(column):
    # The counter whose live token this is, open, offering the service: the
    # row an INSERT … SELECT copies its ids from, so that an invalid pair
    # inserts nothing, in the same statement (issue 17.7).
    pair = service_point_service.c
    return (select(ServicePoint.id, ServicePoint.unit_id)
            .join(service_point_service, pair.service_point_id == ServicePoint.id)
            .where(column == bindparam("token"), ServicePoint.closed_at.is_(None),
                   pair.service_id == bindparam("service_id")))


def _insert_at_counter(column):
    target = _target_row(column).subquery("target")
    table = Response.__table__.c
    given = ("submission_key", "questionnaire_id", "service_id", "channel", "submitted_at", "flagged",
             "fingerprint", "answers")
    columns = [bindparam(name, type_=table[name].type) for name in given]
    return (insert(Response)
            .from_select([*given, "unit_id", "service_point_id"], select(*columns, target.c.unit_id, target.c.id))
            .returning(Response.id, Response.unit_id, Response.service_point_id, *FIRST_TWIN_COLUMNS))


# Built once, like the statements above: "qr" by the poster's token, "kiosk" by the tablet's.
_INSERT_AT_COUNTER = {"qr": _insert_at_counter(ServicePoint.token),
                      "kiosk": _insert_at_counter(ServicePoint.kiosk_token)}


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
    submitted_at = submitted_at or utcnow()
    params = {"questionnaire_id": questionnaire_id, "unit_id": unit_id, "service_point_id": point_id}
    stored = _store(s, _INSERT_RESPONSE, params, questionnaire_id=questionnaire_id, service_id=service_id,
                    channel=channel, answers=answers, comment=comment, submission_key=submission_key,
                    fingerprint=fingerprint, submitted_at=submitted_at, items=items)
    return stored.id if stored is not None else None


def record_at_counter(
    s: Session,
    kind: str,
    token: str,
    *,
    questionnaire_id: int,
    service_id: int,
    channel: str,
    answers: dict[str, int],
    comment: str,
    submission_key: str,
    items: Sequence[str] | None = None,
) -> Stored | None:
    """Store a submission to a counter's token (`kind` "qr" or "kiosk") if the database still takes it there.

    One INSERT … SELECT: the counter's row, found by its live token, open,
    and offering the service `service_id`, gives the response its counter
    and unit ids; a revoked token, a closed counter or a service no longer
    offered there inserts no row, and then nothing is stored and None is
    returned (the caller rolls back and says why). So a valid submission is
    BEGIN + INSERT + COMMIT, the check riding on the insert instead of a
    SELECT of its own. Otherwise as `record_response`, which commits.
    """
    if not token or len(token) > 43:
        return None
    fingerprint = answer_fingerprint(service_id, answers.items(), comment)
    stored = _store(s, _INSERT_AT_COUNTER["qr" if kind == "qr" else "kiosk"], {"token": token},
                    questionnaire_id=questionnaire_id, service_id=service_id, channel=channel, answers=answers,
                    comment=comment, submission_key=submission_key, fingerprint=fingerprint,
                    submitted_at=utcnow(), items=items, refuse_empty=True)
    if stored is _REFUSED:
        return None
    if stored is None:  # a replay of a submission stored before (the key is unique)
        return Stored(None, None)
    return Stored(stored.id, stored.service_point_id)


_REFUSED = object()


def _store(s: Session, statement, params: dict, *, questionnaire_id: int, service_id: int, channel: str,
           answers: dict[str, int], comment: str, submission_key: str, fingerprint: str,
           submitted_at: datetime, items: Sequence[str] | None, refuse_empty: bool = False):
    """Run one response INSERT … RETURNING, the comment, the checks and the commit.

    Returns the RETURNING row, None for a replay (the unique submission
    key refused it), or _REFUSED when `refuse_empty` and the INSERT … SELECT
    found no row to insert (the transaction is left for the caller to roll back).
    """
    packed = _packed(s, questionnaire_id, items, answers)
    conn = s.connection()
    try:
        # No look-up first: the unique submission key refuses a replay (a
        # double tap, a retried POST, two copies racing) in the same round trip.
        stored = conn.execute(statement, {
            **params, "submission_key": submission_key, "questionnaire_id": questionnaire_id,
            "service_id": service_id, "channel": channel, "submitted_at": submitted_at, "flagged": False,
            "fingerprint": fingerprint, "answers": packed, **copy_since(submitted_at),
        }).first()
        if stored is None:
            if refuse_empty:
                return _REFUSED
            raise RuntimeError("INSERT … VALUES returned no row")
        if comment:
            conn.execute(_INSERT_COMMENT, {"response_id": stored.id, "text": comment})
        twin = _Copy(stored.twin_id, stored.twin_at) if stored.twin_id is not None else None
        check_before_commit(s, CheckedRow(stored.id, stored.unit_id, stored.service_point_id, channel,
                                          fingerprint, submitted_at), twin)
        # A past day (a paper form keyed after its day) is rebuilt in this transaction.
        rollup.rebuild_day(s, stored.unit_id, questionnaire_id, submitted_at)
        s.commit()
    except IntegrityError:
        s.rollback()
        if already_stored(s, submission_key):
            return None
        raise
    return stored


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
    check_before_commit(s, CheckedRow(response_id, row.unit_id, point_id, row.channel, fingerprint, row.submitted_at))
    # Sent just before midnight and corrected after it, the day is past: rebuilt in this transaction.
    rollup.rebuild_day(s, row.unit_id, row.questionnaire_id, row.submitted_at)
    s.commit()
    return True
