"""Read responses with their answers as a matrix: one row per response, one column per item.

A response's answers are one byte string in its questionnaire version's item
order (survey/models/responses.py), so one row per response arrives from SQL
with its cell keys, and numpy lays the bytes of each version out in the
columns the caller asks for.
"""
from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime

import numpy as np
from sqlalchemy import BigInteger, cast, func, select
from sqlalchemy.orm import Session

from survey.models import Questionnaire, Response
from survey.results import rows
from survey.results.layout import Layout

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


def item_lists(s: Session) -> dict[int, list[str]]:
    """Every questionnaire version's item list (the byte order of its answers), by id."""
    return dict(s.execute(select(Questionnaire.id, Questionnaire.items)).all())


def answer_matrix(questionnaires: Sequence[int], blobs: Sequence[bytes], items: dict[int, list[str]],
                  codes: Sequence[str]) -> np.ndarray:
    """Answers (0 = none) of each response, one column per code in `codes`.

    `questionnaires[i]` is the version of `blobs[i]`; a code its version does
    not ask stays 0, as do the bytes past the end of a string stored before
    its version's list grew.
    """
    out = np.zeros((len(blobs), len(codes)), dtype=np.int64)
    versions = np.asarray(questionnaires, dtype=np.int64)
    for qid in np.unique(versions):
        listed = items[int(qid)]
        where = {code: i for i, code in enumerate(listed)}
        pairs = [(j, where[c]) for j, c in enumerate(codes) if c in where]
        if not pairs:
            continue
        rows = np.flatnonzero(versions == qid)
        mine = blobs if len(rows) == len(blobs) else [blobs[int(r)] for r in rows]
        width = len(listed)
        if set(map(len, mine)) != {width}:  # strings of an older, shorter list
            mine = [bytes(b).ljust(width, b"\0")[:width] for b in mine]
        raw = np.frombuffer(b"".join(mine), dtype=np.uint8).reshape(len(rows), width)
        to, fro = (list(x) for x in zip(*pairs))
        if len(rows) == len(blobs):
            out[:, to] = raw[:, fro]
        else:
            out[np.ix_(rows, to)] = raw[:, fro]
    return out


def epoch_seconds(s: Session):
    if s.get_bind().dialect.name == "postgresql":
        return cast(func.extract("epoch", Response.submitted_at), BigInteger)
    return cast(func.strftime("%s", Response.submitted_at), BigInteger)


def stream(s: Session, layout: Layout, where: list, batch: int = 20_000) -> Iterator[Packed]:
    """Packed responses matching `where` (clauses on `response`), `batch` at a time.

    Memory stays that of one batch whatever the selection: a city's year is
    a million responses, and its caller sums each batch into cells.
    """
    stmt = (select(Response.unit_id, Response.service_id, Response.service_point_id, Response.channel,
                   Response.flagged, epoch_seconds(s), Response.questionnaire_id, Response.answers)
            .where(*where))
    items = item_lists(s)
    for part in rows.batches(s, stmt, batch):
        yield _pack(layout, [list(col) for col in zip(*part)], items)


def fetch(s: Session, layout: Layout, where: list, batch: int = 20_000) -> Packed:
    """Every packed response matching `where`, in one Packed."""
    parts = list(stream(s, layout, where, batch))
    if not parts:
        return _empty(layout)
    if len(parts) == 1:
        return parts[0]
    return Packed(*(np.concatenate([getattr(p, name) for p in parts])
                    for name in ("unit", "service", "point", "channel", "flagged", "day", "values")))


def _pack(layout: Layout, cols: list[list], items: dict[int, list[str]]) -> Packed:
    slots = layout.slots
    matrix = answer_matrix(cols[6], cols[7], items, [code for code, _lo, _hi in slots])
    lo = np.array([lo for _c, lo, _hi in slots])
    hi = np.array([hi for _c, _lo, hi in slots])
    matrix[(matrix < lo) | (matrix > hi)] = 0  # an invalid stored value counts as no answer
    point = np.array([-1 if p is None else p for p in cols[2]], dtype=np.int64)
    seconds = np.array(cols[5], dtype=np.int64)
    return Packed(np.array(cols[0], dtype=np.int64), np.array(cols[1], dtype=np.int64), point,
                  np.array(cols[3], dtype=object), np.array(cols[4], dtype=bool),
                  (seconds + LOCAL_OFFSET) // 86400 + EPOCH_ORDINAL, matrix)


def _empty(layout: Layout) -> Packed:
    i = np.zeros(0, dtype=np.int64)
    return Packed(i, i, i, np.zeros(0, dtype=object), np.zeros(0, dtype=bool), i,
                  np.zeros((0, len(layout.slots)), dtype=np.int64))


def utc_range(first: date, last: date) -> tuple[datetime, datetime]:
    """[first 00:00, last + 1 00:00) in Vietnam, as UTC instants."""
    from survey.results.filters import Period

    return Period("custom", first, last).utc_bounds()
