"""SQL over the responses: the selection's WHERE clauses, option counts, the export stream.

Indices do not scan answers here any more: they sum rollup cells
(survey/results/selection.py); see docs/aggregation.md.
"""
from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime
from queue import Full, Queue

import orjson
from sqlalchemy import Text, cast, false, func, select, tuple_
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from survey.models import Answer, Comment, Field, Questionnaire, Response, Service, ServicePoint, Unit
from survey.results.filters import Filters


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
    stmt = (select(Answer.item_code, Answer.value, func.count())
            .join(Response, Response.id == Answer.response_id)
            .where(*scope(f), Answer.item_code.in_(codes))
            .group_by(Answer.item_code, Answer.value))
    return s.execute(stmt).all()



def _answers_object(s: Session):
    """A response's answers as one JSON object text, {"TC1": 5, ...}, aggregated in the database."""
    if s.get_bind().dialect.name == "postgresql":
        return cast(func.json_object_agg(Answer.item_code, Answer.value), Text)
    return func.json_group_object(Answer.item_code, Answer.value)


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


def response_rows(s: Session, f: Filters, codes: tuple[str, ...], batch: int = 2000):
    """Stream one row (a list) per response: metadata, one column per item code, the comment.

    Columns: id, local time (naive datetime, UTC+7), questionnaire code and
    version, unit code and name, field,
    service code and name, counter, channel, flagged, flag reason, one per
    code, comment, comment element. Built for a million rows at a time:

    - each response's answers arrive as one JSON object, aggregated over its
      range of the answer primary key (streamed in response order, nothing
      materialised or sorted first), and orjson spreads them (five times
      faster than the standard json module, a fifth of the whole export);
      answers of items outside `codes` are left out;
    - names of units, services, fields and counters (a few hundred rows)
      are looked up here, not joined into every row;
    - the local time comes from SQL as text: parsing and shifting a
      datetime per row in Python cost a fifth of the export.

    Rows come through a server-side cursor (PostgreSQL) or the stepping
    SQLite cursor.
    """
    answers = (select(_answers_object(s)).where(Answer.response_id == Response.id)
               .correlate(Response).scalar_subquery())
    stmt = (select(Response.id, local_time_text(s), Response.questionnaire_id, Response.unit_id, Response.service_id,
                   Response.service_point_id, Response.channel, Response.flagged, Response.flag_reason,
                   answers, Comment.text, Comment.element_code)
            .outerjoin(Comment, Comment.response_id == Response.id)
            .where(*scope(f)).order_by(Response.id))
    units = {i: (code, name) for i, code, name in s.execute(select(Unit.id, Unit.code, Unit.name))}
    services = {i: (code, name, field) for i, code, name, field in s.execute(
        select(Service.id, Service.code, Service.name, Field.name).join(Field, Field.id == Service.field_id))}
    points = dict(s.execute(select(ServicePoint.id, ServicePoint.name)).all())
    forms = {i: (code, version) for i, code, version in s.execute(
        select(Questionnaire.id, Questionnaire.code, Questionnaire.version))}
    blank: dict = {}
    parse_time = datetime.fromisoformat
    # On the session's connection, not the ORM: plain column rows need none
    # of its result machinery, which cost a tenth of a million-row export.
    rows = s.connection().execute(stmt.execution_options(yield_per=batch))
    if s.get_bind().dialect.name == "postgresql":
        # The server computes while this thread writes. SQLite computes in
        # this process, and a second thread only fought for the GIL (slower).
        rows = _fetched_ahead(rows, batch)
    for rid, at, form, unit, service, point, channel, flagged, reason, values, comment, element in rows:
        unit_code, unit_name = units[unit]
        service_code, service_name, field = services[service]
        values = orjson.loads(values) if values else blank
        yield [rid, parse_time(at), *forms[form], unit_code, unit_name, field, service_code, service_name,
               points.get(point), channel, bool(flagged), reason, *map(values.get, codes), comment, element]
