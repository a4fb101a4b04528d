"""SQL over the responses: the selection's WHERE clauses, option counts, the export stream.

Indices do not scan answers here any more: they sum rollup cells
(survey/results/selection.py); see docs/aggregation.md.
"""
from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import datetime
from operator import itemgetter
from queue import Full, Queue

import numpy as np
from sqlalchemy import false, func, select, tuple_
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from survey.models import Comment, Field, Questionnaire, Response, Service, ServicePoint, Unit
from survey.results.filters import Filters
from survey.results.packed import answer_matrix, item_lists


def month_key(s: Session):
    """The local calendar month (YYYY-MM) of a response; Vietnam keeps UTC+7 all year."""
    if s.get_bind().dialect.name == "postgresql":
        return func.to_char(func.timezone("Asia/Ho_Chi_Minh", Response.submitted_at), "YYYY-MM")
    return func.strftime("%Y-%m", Response.submitted_at, "+7 hours")


def scope(f: Filters) -> list:
    """WHERE clauses on `response` for a selection."""
    where: list[ColumnElement[bool]] = []
    if f.questionnaires is not None:
        where.append(Response.questionnaire_id.in_(select(Questionnaire.id).where(
            tuple_(Questionnaire.code, Questionnaire.version).in_(f.questionnaires))))
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
    counts: Counter = Counter()
    rows = s.connection().execute(select(Response.questionnaire_id, Response.answers).where(*scope(f))
                                  .execution_options(yield_per=20_000))
    items = item_lists(s)
    for part in rows.partitions():
        versions, blobs = zip(*part)
        values = answer_matrix(versions, blobs, items, codes)
        for j, code in enumerate(codes):
            seen, n = np.unique(values[:, j], return_counts=True)
            counts.update({(code, int(v)): int(k) for v, k in zip(seen, n) if v})
    return [(code, value, n) for (code, value), n in sorted(counts.items())]


def local_time_text(s: Session):
    """A response's local (UTC+7) submission time as 'YYYY-MM-DD HH:MM:SS' text, computed in SQL."""
    if s.get_bind().dialect.name == "postgresql":
        return func.to_char(func.timezone("Asia/Ho_Chi_Minh", Response.submitted_at), "YYYY-MM-DD HH24:MI:SS")
    return func.strftime("%Y-%m-%d %H:%M:%S", Response.submitted_at, "+7 hours")


_END = object()


def _fetched_ahead(result: Iterable[Sequence], batch: int, depth: int = 4) -> Iterator[Sequence]:
    """Iterate `result` on a second thread, a few batches ahead of the caller.

    psycopg waits for the server without holding the GIL, so the query runs
    while this thread formats and writes the previous rows; serially, an
    export of a million responses spent a third of its time waiting. The caller must not use the session until
    the iteration ends; closing the iterator early stops the fetching.
    """
    ahead: Queue = Queue(maxsize=depth)
    stop = threading.Event()

    def put(item) -> bool:
        while not stop.is_set():
            try:
                ahead.put(item, timeout=0.1)
                return True
            except Full:
                continue
        return False

    def fetch() -> None:
        try:
            chunk = []
            for row in result:
                chunk.append(row)
                if len(chunk) >= batch:
                    if not put(chunk):
                        return
                    chunk = []
            put(chunk) and put(_END)
        except BaseException as exc:  # handed to the caller's thread, raised there
            put(exc)

    worker = threading.Thread(target=fetch, name="sipas-export-fetch", daemon=True)
    worker.start()
    try:
        while True:
            item = ahead.get()
            if item is _END:
                return
            if isinstance(item, BaseException):
                raise item
            yield from item
    finally:
        stop.set()
        worker.join()


_NONE = b"\0"  # one byte past each string: where the items a version does not ask point


def _spreaders(items: dict[int, list[str]], codes: tuple[str, ...]) -> dict[int, tuple[int, Callable]]:
    """Per version: its list's length, and a getter of the bytes of `codes` in order (past the end if not asked)."""
    out: dict[int, tuple[int, Callable]] = {}
    for qid, listed in items.items():
        where = {code: i for i, code in enumerate(listed)}
        positions = [where.get(code, len(listed)) for code in codes]
        if len(positions) > 1:
            out[qid] = (len(listed), itemgetter(*positions))
        else:  # itemgetter of one position returns the item, not a tuple
            out[qid] = (len(listed), lambda b, p=tuple(positions): tuple(b[i] for i in p))
    return out


def response_rows(s: Session, f: Filters, codes: tuple[str, ...], batch: int = 2000):
    """Stream one row (a list) per response: metadata, one column per item code, the comment.

    Columns: id, local time (naive datetime, UTC+7), questionnaire code and
    version, unit code and name, field,
    service code and name, counter, channel, flagged, flag reason, one per
    code, comment, comment element. Built for a million rows at a time:

    - each response's answers arrive as its one byte string (in its
      version's item order, streamed in response order), spread over the
      columns by one precomputed `itemgetter` per version; 0 (no answer)
      and items the version does not ask become empty cells;
    - names of units, services, fields and counters (a few hundred rows)
      are looked up here, not joined into every row;
    - the local time comes from SQL as text: parsing and shifting a
      datetime per row in Python cost a fifth of the export.

    Rows come through a server-side cursor (PostgreSQL) or the stepping
    SQLite cursor.
    """
    stmt = (select(Response.id, local_time_text(s), Response.questionnaire_id, Response.unit_id, Response.service_id,
                   Response.service_point_id, Response.channel, Response.flagged, Response.flag_reason,
                   Response.answers, Comment.text, Comment.element_code)
            .outerjoin(Comment, Comment.response_id == Response.id)
            .where(*scope(f)).order_by(Response.id))
    units = {i: (code, name) for i, code, name in s.execute(select(Unit.id, Unit.code, Unit.name))}
    services = {i: (code, name, field) for i, code, name, field in s.execute(
        select(Service.id, Service.code, Service.name, Field.name).join(Field, Field.id == Service.field_id))}
    points = dict(s.execute(select(ServicePoint.id, ServicePoint.name)).all())
    forms = {i: (code, version) for i, code, version in s.execute(
        select(Questionnaire.id, Questionnaire.code, Questionnaire.version))}
    spread = _spreaders(item_lists(s), codes)
    parse_time = datetime.fromisoformat
    # On the session's connection, not the ORM: plain column rows need none
    # of its result machinery, which cost a tenth of a million-row export.
    rows: Iterable[Sequence] = s.connection().execute(stmt.execution_options(yield_per=batch))
    if s.get_bind().dialect.name == "postgresql":
        # The server computes while this thread writes. SQLite computes in
        # this process, and a second thread only fought for the GIL (slower).
        rows = _fetched_ahead(rows, batch)
    for rid, at, form, unit, service, point, channel, flagged, reason, values, comment, element in rows:
        unit_code, unit_name = units[unit]
        service_code, service_name, field = services[service]
        width, pick = spread[form]
        if len(values) != width:  # stored before its version's item list grew
            values = bytes(values).ljust(width, b"\0")[:width]
        yield [rid, parse_time(at), *forms[form], unit_code, unit_name, field, service_code, service_name,
               points.get(point), channel, bool(flagged), reason, *[v or None for v in pick(values + _NONE)],
               comment, element]
