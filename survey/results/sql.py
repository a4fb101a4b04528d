"""SQL over the responses: the selection's WHERE clauses, option counts, the export stream.

Indices do not scan answers here any more: they sum rollup cells
(survey/results/selection.py); see docs/aggregation.md.
"""
from __future__ import annotations

from sqlalchemy import String, cast, false, func, select
from sqlalchemy.orm import Session

from survey.models import Answer, Comment, Field, Questionnaire, Response, Service, ServicePoint, Unit
from survey.results.filters import Filters


def month_key(s: Session):
    """The local calendar month (YYYY-MM) of a response; Vietnam keeps UTC+7 all year."""
    if s.get_bind().dialect.name == "postgresql":
        return func.to_char(func.timezone("Asia/Ho_Chi_Minh", Response.submitted_at), "YYYY-MM")
    return func.strftime("%Y-%m", Response.submitted_at, "+7 hours")


def scope(f: Filters) -> list:
    """WHERE clauses on `response` for a selection."""
    q = f.questionnaire
    where = [Response.questionnaire_id.in_(
        select(Questionnaire.id).where(Questionnaire.code == q[0], Questionnaire.version == q[1]))]
    if f.unit_ids is not None:
        where.append(Response.unit_id.in_(f.unit_ids) if f.unit_ids else false())
    if f.period is not None:
        lo, hi = f.period.utc_bounds()
        where += [Response.submitted_at >= lo, Response.submitted_at < hi]
    if f.field_id is not None:
        where.append(Response.service_id.in_(select(Service.id).where(Service.field_id == f.field_id)))
    if f.service_id is not None:
        where.append(Response.service_id == f.service_id)
    if f.service_point_id is not None:
        where.append(Response.service_point_id == f.service_point_id)
    if f.channel is not None:
        where.append(Response.channel == f.channel)
    if not f.include_flagged:
        where.append(Response.flagged == false())
    return where


def option_counts(s: Session, f: Filters, codes: tuple[str, ...]) -> list[tuple[str, int, int]]:
    """(item, option value, responses) for single-choice and scale items."""
    stmt = (select(Answer.item_code, Answer.value, func.count())
            .join(Response, Response.id == Answer.response_id)
            .where(*scope(f), Answer.item_code.in_(codes))
            .group_by(Answer.item_code, Answer.value))
    return s.execute(stmt).all()



def response_rows(s: Session, f: Filters, codes: tuple[str, ...], batch: int = 2000):
    """Stream one row per response: metadata, one column per item code, the comment.

    Each response's answers arrive as one string ("TC1:5,TC2:4,…", a string
    aggregate over the answer primary key) and are spread into columns here:
    far cheaper than one conditional aggregate per item code. Rows come
    through a server-side cursor (PostgreSQL) or the stepping SQLite cursor.
    """
    pairs = func.aggregate_strings(Answer.item_code + ":" + cast(Answer.value, String), ",")
    answers = (select(Answer.response_id.label("rid"), pairs.label("answers"))
               .join(Response, Response.id == Answer.response_id)
               .where(*scope(f), Answer.item_code.in_(codes))
               .group_by(Answer.response_id).subquery("v"))
    stmt = (select(Response.id, Response.submitted_at, Unit.code, Unit.name, Field.name,
                   Service.code, Service.name, ServicePoint.name, Response.channel,
                   Response.flagged, Response.flag_reason, answers.c.answers,
                   Comment.text, Comment.element_code)
            .join(Unit, Unit.id == Response.unit_id)
            .join(Service, Service.id == Response.service_id)
            .join(Field, Field.id == Service.field_id)
            .outerjoin(ServicePoint, ServicePoint.id == Response.service_point_id)
            .outerjoin(answers, answers.c.rid == Response.id)
            .outerjoin(Comment, Comment.response_id == Response.id)
            .where(*scope(f)).order_by(Response.id))
    column = {code: k for k, code in enumerate(codes)}
    for row in s.execute(stmt.execution_options(yield_per=batch)):
        values = [None] * len(codes)
        for pair in (row[11] or "").split(",") if row[11] else ():
            code, value = pair.split(":")
            values[column[code]] = int(value)
        yield (*row[:11], *values, row[12], row[13])
