"""Reads of the results pages: filter choices and the comments list."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from survey.dashboard.search import contains
from survey.integrity import reason_text
from survey.models import Comment, Field, Questionnaire, Response, Service, ServicePoint, Unit
from survey.results.filters import LOCAL, Filters
from survey.results.sql import scope

PAGE_SIZE = 25


@dataclass(frozen=True)
class Choices:
    """Options of the filter form, limited to what the user may see."""

    units: list[tuple[int, str]]
    fields: list[tuple[int, str]]
    services: list[tuple[int, str]]
    points: list[tuple[int, str]]


def choices(s: Session, unit_ids: tuple[int, ...], catalogue_ids: set[int]) -> Choices:
    """The filter menus: units and counters of ``unit_ids``; shared fields and procedures and those
    owned by ``catalogue_ids`` (the visible units and those above), never another commune's own."""
    units = s.execute(select(Unit.id, Unit.name).where(Unit.id.in_(unit_ids)).order_by(Unit.name)).all()
    counters = s.execute(select(ServicePoint.id, ServicePoint.name, Unit.name)
                         .join(Unit, Unit.id == ServicePoint.unit_id).where(ServicePoint.unit_id.in_(unit_ids))
                         .order_by(Unit.name, ServicePoint.name)).all()
    # Every commune calls its counter "Quầy một cửa": with several units listed, name each with its unit.
    points = [(i, f"{name} – {unit}" if len(units) > 1 else name) for i, name, unit in counters]
    fields = s.execute(select(Field.id, Field.name)
                       .where(Field.unit_id.is_(None) | Field.unit_id.in_(catalogue_ids)).order_by(Field.name)).all()
    services = s.execute(select(Service.id, Service.code + " " + Service.name)
                         .where(Service.unit_id.is_(None) | Service.unit_id.in_(catalogue_ids))
                         .order_by(Service.code)).all()
    return Choices([(i, n) for i, n in units], [(i, n) for i, n in fields], [(i, n) for i, n in services], points)


@dataclass(frozen=True)
class CommentRow:
    response_id: int
    text: str
    element_code: str | None
    service: str
    submitted: datetime  # Vietnam local time
    questionnaire: tuple[str, str]  # code, version: which elements the comment can be tagged with


def comments(s: Session, f: Filters, term: str, page: int) -> tuple[list[CommentRow], int]:
    """One page of comments (newest first) matching `term`, and the total count.

    Comments of every questionnaire in `f` count: a comment needs no criteria,
    so callers pass ``questionnaires=None`` to list every form's.
    """
    where = [*scope(f)]
    if term:
        where.append(contains(s, Comment.text, term))
    base = select(Comment).join(Response, Response.id == Comment.response_id).where(*where)
    total = s.scalar(select(func.count()).select_from(base.subquery())) or 0
    rows = s.execute(
        select(Comment.response_id, Comment.text, Comment.element_code, Service.name, Response.submitted_at,
               Questionnaire.code, Questionnaire.version)
        .join(Response, Response.id == Comment.response_id)
        .join(Service, Service.id == Response.service_id)
        .join(Questionnaire, Questionnaire.id == Response.questionnaire_id)
        .where(*where).order_by(Response.submitted_at.desc(), Response.id.desc())
        .limit(PAGE_SIZE).offset((max(page, 1) - 1) * PAGE_SIZE)).all()
    return [CommentRow(r[0], r[1], r[2], r[3], r[4].astimezone(LOCAL), (r[5], r[6])) for r in rows], total


def comment_unit(s: Session, response_id: int) -> tuple[int | None, tuple[str, str] | None]:
    """The unit a comment belongs to (for the scope check before tagging) and its questionnaire."""
    row = s.execute(select(Response.unit_id, Questionnaire.code, Questionnaire.version)
                    .join(Comment, Comment.response_id == Response.id)
                    .join(Questionnaire, Questionnaire.id == Response.questionnaire_id)
                    .where(Response.id == response_id)).first()
    return (row[0], (row[1], row[2])) if row else (None, None)


@dataclass(frozen=True)
class FlaggedRow:
    response_id: int
    submitted: datetime  # Vietnam local time
    service: str
    point: str | None
    channel: str
    reason: str | None


def flagged(s: Session, f: Filters, page: int) -> tuple[list[FlaggedRow], int]:
    """One page of the selection's flagged responses (newest first) with their reasons, and the count."""
    where = [*scope(f.narrowed(include_flagged=True)), Response.flagged.is_(True)]
    total = s.scalar(select(func.count()).select_from(Response).where(*where)) or 0
    rows = s.execute(
        select(Response.id, Response.submitted_at, Service.code + " " + Service.name, ServicePoint.name,
               Response.channel, Response.flag_reason)
        .join(Service, Service.id == Response.service_id)
        .outerjoin(ServicePoint, ServicePoint.id == Response.service_point_id)
        .where(*where).order_by(Response.submitted_at.desc(), Response.id.desc())
        .limit(PAGE_SIZE).offset((max(page, 1) - 1) * PAGE_SIZE)).all()
    return [FlaggedRow(r[0], r[1].astimezone(LOCAL), r[2], r[3], r[4], reason_text(r[5])) for r in rows], total
