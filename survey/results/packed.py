"""Read responses with their answers packed into a few integers per response.

The answer table is long (one row per item); sending 26 rows per response to
Python would dominate the cost. SQL instead sums `value * 16^slot` per
response and word (each item has its own 4-bit slot), so one row per response
arrives with its cell keys; numpy unpacks the slots.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache

import numpy as np
from sqlalchemy import BigInteger, case, cast, func, literal, select
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


@lru_cache(maxsize=16)  # building the CASE costs more than running it on a small batch
def _words(layout: Layout) -> list:
    """Per word: SUM(CASE item WHEN code THEN value * 16^slot if valid END).

    A simple CASE on the item code beats a join with a table of items on
    SQLite (which loops over the items for every answer) and on PostgreSQL.
    """
    whens: list[dict] = [{} for _ in range(layout.words)]
    for s, (code, lo, hi) in enumerate(layout.slots):
        word, shift = divmod(s, SLOTS_PER_WORD)
        whens[word][code] = case((Answer.value.between(lo, hi),
                                  Answer.value * literal(1 << (SLOT_BITS * shift), BigInteger)))
    return [cast(func.sum(case(w, value=Answer.item_code)), BigInteger).label(f"w{i}")
            for i, w in enumerate(whens)]


def epoch_seconds(s: Session):
    if s.get_bind().dialect.name == "postgresql":
        return cast(func.extract("epoch", Response.submitted_at), BigInteger)
    return cast(func.strftime("%s", Response.submitted_at), BigInteger)


def fetch(s: Session, layout: Layout, where: list, batch: int = 20_000) -> Packed:
    """Packed responses matching `where` (clauses on `response`)."""
    # One pass: responses in range, their answers through the primary key;
    # LEFT JOIN keeps a response without a valid answer (it still counts in n).
    # Other columns depend on response.id, which PostgreSQL accepts in GROUP BY.
    stmt = (select(Response.unit_id, Response.service_id, Response.service_point_id, Response.channel,
                   Response.flagged, epoch_seconds(s), *[func.coalesce(w, 0) for w in _words(layout)])
            .outerjoin(Answer, Answer.response_id == Response.id).where(*where)
            .group_by(Response.submitted_at, Response.id))  # index order: no sort on SQLite
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
