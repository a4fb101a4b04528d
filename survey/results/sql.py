"""Every aggregation query of the results: the only module that scans answers.

See docs/aggregation.md for the approach and its cost. A rollup table can
replace these functions without changing their signatures.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import and_, case, false, func, select
from sqlalchemy.orm import Session

from survey.models import Answer, Comment, Field, Questionnaire, Response, Service, ServicePoint, Unit
from survey.results.filters import Filters


@dataclass(frozen=True)
class Items:
    """The scored items in `analysis` order: criteria first, then expectations."""

    criteria: tuple[str, ...]
    expectations: tuple[str, ...]
    criterion_scale: tuple[int, int]
    expectation_scale: tuple[int, int]
    method: str  # "top2box" or "mean_pct"

    @property
    def codes(self) -> tuple[str, ...]:
        return self.criteria + self.expectations


def month_key(s: Session):
    """The local calendar month (YYYY-MM) of a response; Vietnam keeps UTC+7 all year."""
    if s.get_bind().dialect.name == "postgresql":
        return func.to_char(func.timezone("Asia/Ho_Chi_Minh", Response.submitted_at), "YYYY-MM")
    return func.strftime("%Y-%m", Response.submitted_at, "+7 hours")


def group_keys(s: Session, names: tuple[str, ...]) -> list:
    """Column expressions for grouping names: service, service_point, unit, month."""
    columns = {"service": Response.service_id, "service_point": Response.service_point_id,
               "unit": Response.unit_id}
    return [(month_key(s) if n == "month" else columns[n]).label(n) for n in names]


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


def _scored(items: Items):
    """Validity and the satisfied value `y` of an answer row (SQL), as in analysis.scoring."""
    value = Answer.value
    (c_lo, c_hi), (e_lo, e_hi) = items.criterion_scale, items.expectation_scale
    is_crit = Answer.item_code.in_(items.criteria)
    valid = case((is_crit, value.between(c_lo, c_hi)), else_=value.between(e_lo, e_hi))
    if items.method == "top2box":
        y_crit = case((value >= 4, 1), else_=0)
    else:
        y_crit = (value - 1) / 4.0
    y = case((is_crit, y_crit), else_=case((value >= 3, 1), else_=0))
    return valid, y


def response_counts(s: Session, f: Filters, names: tuple[str, ...]) -> list[tuple]:
    """Responses per group (the `n` of every composite index)."""
    keys = group_keys(s, names)
    stmt = select(*keys, func.count()).where(*scope(f))
    return s.execute(stmt.group_by(*keys) if keys else stmt).all()


def cross_products(s: Session, f: Filters, names: tuple[str, ...], items: Items) -> list[tuple]:
    """Rows (keys..., item j, sum a_k..., sum y_k..., sum y_j y_k...) per group and item.

    `v` scores each selected answer once (validity and `y`); the per-response
    pivot `p` (a_k, y_k for every item) is joined back to `v`, whose rows are
    exactly the (response, j) pairs with a_j = 1, so summing p's columns over
    them gives row j of the three cross-product matrices in one pass.
    """
    codes = items.codes
    valid, y = _scored(items)
    v = (select(Answer.response_id.label("rid"), Answer.item_code.label("item"), y.label("y"),
                *group_keys(s, names))
         .join(Response, Response.id == Answer.response_id)
         .where(*scope(f), Answer.item_code.in_(codes), valid).cte("v"))
    pivot_cols = []
    for k, code in enumerate(codes):
        pivot_cols += [func.max(case((v.c.item == code, 1), else_=0)).label(f"a{k}"),
                       func.max(case((v.c.item == code, v.c.y), else_=0)).label(f"y{k}")]
    vk = [v.c[n] for n in names]
    p = select(v.c.rid, *vk, *pivot_cols).group_by(v.c.rid, *vk).subquery("p")
    j = v.alias("j")
    sums = ([func.sum(p.c[f"a{k}"]) for k in range(len(codes))]
            + [func.sum(p.c[f"y{k}"]) for k in range(len(codes))]
            + [func.sum(j.c.y * p.c[f"y{k}"]) for k in range(len(codes))])
    pk = [p.c[n] for n in names]
    stmt = (select(*pk, j.c.item, *sums).select_from(p).join(j, j.c.rid == p.c.rid)
            .group_by(*pk, j.c.item))
    return s.execute(stmt).all()


def option_counts(s: Session, f: Filters, codes: tuple[str, ...]) -> list[tuple[str, int, int]]:
    """(item, option value, responses) for single-choice and scale items."""
    stmt = (select(Answer.item_code, Answer.value, func.count())
            .join(Response, Response.id == Answer.response_id)
            .where(*scope(f), Answer.item_code.in_(codes))
            .group_by(Answer.item_code, Answer.value))
    return s.execute(stmt).all()



def response_rows(s: Session, f: Filters, codes: tuple[str, ...], batch: int = 1000):
    """Stream one row per response: metadata, one column per item code, the comment.

    The pivot runs over the selection only; rows come through a server-side
    cursor (PostgreSQL) or the stepping SQLite cursor, `batch` at a time.
    """
    pivot = (select(Answer.response_id.label("rid"),
                    *[func.max(case((Answer.item_code == c, Answer.value))).label(f"v{k}")
                      for k, c in enumerate(codes)])
             .join(Response, Response.id == Answer.response_id)
             .where(*scope(f), Answer.item_code.in_(codes))
             .group_by(Answer.response_id).subquery("v"))
    stmt = (select(Response.id, Response.submitted_at, Unit.code, Unit.name, Field.name,
                   Service.code, Service.name, ServicePoint.name, Response.channel,
                   Response.flagged, Response.flag_reason,
                   *[pivot.c[f"v{k}"] for k in range(len(codes))],
                   Comment.text, Comment.element_code)
            .join(Unit, Unit.id == Response.unit_id)
            .join(Service, Service.id == Response.service_id)
            .join(Field, Field.id == Service.field_id)
            .outerjoin(ServicePoint, ServicePoint.id == Response.service_point_id)
            .outerjoin(pivot, pivot.c.rid == Response.id)
            .outerjoin(Comment, Comment.response_id == Response.id)
            .where(*scope(f)).order_by(Response.id))
    yield from s.execute(stmt.execution_options(yield_per=batch))
