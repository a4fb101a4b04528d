"""Read responses with their answers packed into a few integers per response.

The answer table is long (one row per item); sending 26 rows per response to
Python would dominate the cost. SQL instead sums `value * 16^slot` per
response and word (a join with a small item table, no per-item CASE), so one
row per response arrives with its cell keys; numpy unpacks the 4-bit slots.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import numpy as np
from sqlalchemy import BigInteger, and_, cast, func, literal, select, union_all
from sqlalchemy.orm import Session

from survey.models import Answer, Response
from survey.results.layout import SLOT_BITS, SLOTS_PER_WORD, Layout

EPOCH_ORDINAL = date(1970, 1, 1).toordinal()
LOCAL_OFFSET = 7 * 3600  # Vietnam: UTC+7 all year, as in sql.month_key


@dataclass
class Packed:
    """One entry per response: cell keys and decoded answers."""

    unit: np.ndarray
    service: np.ndarray
    point: np.ndarray    # -1: no counter
    channel: np.ndarray  # object (str)
    flagged: np.ndarray
    day: np.ndarray      # local date as an ordinal
    values: np.ndarray   # responses x layout slots, 0 = not answered


def _items(layout: Layout):
    """A constant table: item code, valid range and its multiplier in each word."""
    rows = []
    for s, (code, lo, hi) in enumerate(layout.slots):
        word, shift = divmod(s, SLOTS_PER_WORD)
        mults = [literal(1 << (SLOT_BITS * shift) if w == word else 0, BigInteger).label(f"m{w}")
                 for w in range(layout.words)]
        rows.append(select(literal(code).label("code"), literal(lo).label("lo"),
                           literal(hi).label("hi"), *mults))
    return union_all(*rows).cte("items")


def epoch_seconds(s: Session):
    if s.get_bind().dialect.name == "postgresql":
        return cast(func.extract("epoch", Response.submitted_at), BigInteger)
    return cast(func.strftime("%s", Response.submitted_at), BigInteger)


def fetch(s: Session, layout: Layout, where: list, batch: int = 20_000) -> Packed:
    """Packed responses matching `where` (clauses on `response`)."""
    items = _items(layout)
    words = [cast(func.sum(Answer.value * items.c[f"m{w}"]), BigInteger).label(f"w{w}")
             for w in range(layout.words)]
    per_response = (select(Answer.response_id.label("rid"), *words)
                    .join(items, and_(items.c.code == Answer.item_code,
                                      Answer.value.between(items.c.lo, items.c.hi)))
                    .join(Response, Response.id == Answer.response_id)
                    .where(*where).group_by(Answer.response_id).subquery("p"))
    stmt = (select(Response.unit_id, Response.service_id, Response.service_point_id, Response.channel,
                   Response.flagged, epoch_seconds(s),
                   *[func.coalesce(per_response.c[f"w{w}"], 0) for w in range(layout.words)])
            .outerjoin(per_response, per_response.c.rid == Response.id).where(*where))
    cols: list[list] = [[] for _ in range(6 + layout.words)]
    for part in s.execute(stmt.execution_options(yield_per=batch)).partitions():
        for col, values in zip(cols, zip(*part)):
            col.extend(values)
    if not cols[0]:
        return _empty(layout)
    point = np.array([-1 if p is None else p for p in cols[2]], dtype=np.int64)
    seconds = np.array(cols[5], dtype=np.int64)
    packed = np.array(cols[6:], dtype=np.int64).T
    return Packed(np.array(cols[0], dtype=np.int64), np.array(cols[1], dtype=np.int64), point,
                  np.array(cols[3], dtype=object), np.array(cols[4], dtype=bool),
                  (seconds + LOCAL_OFFSET) // 86400 + EPOCH_ORDINAL, layout.decode(packed))


def _empty(layout: Layout) -> Packed:
    i = np.zeros(0, dtype=np.int64)
    return Packed(i, i, i, np.zeros(0, dtype=object), np.zeros(0, dtype=bool), i,
                  np.zeros((0, len(layout.slots)), dtype=np.int64))


def utc_range(first: date, last: date) -> tuple[datetime, datetime]:
    """[first 00:00, last + 1 00:00) in Vietnam, as UTC instants."""
    from survey.results.filters import Period

    return Period("custom", first, last).utc_bounds()
