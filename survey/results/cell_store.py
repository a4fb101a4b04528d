"""Storing rollup rows (cells and markers): binary COPY on PostgreSQL, executemany on SQLite.

A city's year is ~400,000 cells of 2.3 KB; an ORM executemany spends ~10 µs
of Python per row before PostgreSQL sees it. Here numpy lays out the binary
COPY tuples of a whole block of rows at once (one structured array per
channel and counter-or-none, the only variable-width columns), so no Python
runs per row. Plain COPY into the logged tables: a crash loses the
transaction, cells and markers together, never one without the other.
"""
from __future__ import annotations

from datetime import date

import numpy as np
from sqlalchemy import insert
from sqlalchemy.orm import Session

_SIGNATURE = b"PGCOPY\n\xff\r\n\x00" + bytes(8)  # signature, flags, header extension length
_TRAILER = b"\xff\xff"
_PG_EPOCH = date(2000, 1, 1).toordinal()  # binary dates count days from here


def _tuples(columns: list[tuple[str, object]], rows: int) -> memoryview:
    """Binary COPY tuples of `rows` rows; each column is (kind, a scalar or an array of `rows` values).

    Kinds: int4, date (ordinals), bool, text (one str for every row), null, bytea
    (a rows x width array whose raw bytes are each row's value).
    """
    fields: list[tuple] = [("count", ">i2")]
    values: list[tuple[str, object]] = []
    lengths: list[int] = []
    for i, (kind, value) in enumerate(columns):
        fields.append((f"l{i}", ">i4"))
        if kind == "null":
            lengths.append(-1)
            continue
        if kind in ("int4", "date"):
            fields.append((f"v{i}", ">i4"))
            lengths.append(4)
            value = np.asarray(value, dtype=np.int64) - (_PG_EPOCH if kind == "date" else 0)
        elif kind == "bool":
            fields.append((f"v{i}", "u1"))
            lengths.append(1)
        elif kind == "text":
            value = str(value).encode()
            lengths.append(len(value))
            if not value:
                continue
            fields.append((f"v{i}", f"S{len(value)}"))
        elif kind == "bytea":
            block = np.ascontiguousarray(value)
            width = block.shape[1] * block.itemsize
            lengths.append(width)
            fields.append((f"v{i}", f"V{width}"))
            value = block.view(f"V{width}")[:, 0]
        else:
            raise ValueError(kind)
        values.append((f"v{i}", value))
    out = np.empty(rows, dtype=np.dtype(fields))
    out["count"] = len(columns)
    for i, length in enumerate(lengths):
        out[f"l{i}"] = length
    for name, value in values:
        out[name] = value
    return out.view(np.uint8).data  # a view, no copy


def _copy(s: Session, table: str, columns: list[str], blocks: list[memoryview]) -> None:
    driver = s.connection().connection.driver_connection  # the psycopg connection, inside the transaction
    assert driver is not None
    cursor = driver.cursor()
    with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN (FORMAT BINARY)") as copy:
        copy.write(_SIGNATURE)
        for block in blocks:
            copy.write(block)
        copy.write(_TRAILER)


CELL_COLUMNS = ["questionnaire_id", "method", "unit_id", "service_id", "service_point_id", "channel",
                "flagged", "{date}", "n", "payload"]


def write_cells(s: Session, model, qid: int, method: str, unit_id: int, service: np.ndarray, point: np.ndarray,
                channel: np.ndarray, flagged: np.ndarray, day: np.ndarray, n: np.ndarray,
                payload: np.ndarray) -> None:
    """Insert cells of `model` (StatCell: `day`; StatMonthCell: `month`, as ordinals); payload float32 rows."""
    if not len(n):
        return
    when = "day" if "day" in model.__table__.c else "month"
    payload = np.ascontiguousarray(payload, dtype="<f4")
    if s.get_bind().dialect.name != "postgresql":
        s.execute(insert(model), [
            {"questionnaire_id": qid, "method": method, "unit_id": unit_id, "service_id": int(sv),
             "service_point_id": None if p < 0 else int(p), "channel": str(ch), "flagged": bool(fl),
             when: date.fromordinal(int(d)), "n": int(cnt), "payload": row.tobytes()}
            for sv, p, ch, fl, d, cnt, row in zip(service, point, channel, flagged, day, n, payload)])
        return
    blocks = []
    channel = np.asarray(channel, dtype=object)
    for ch in sorted(set(channel.tolist())):
        for counted in (True, False):
            rows = np.flatnonzero((channel == ch) & ((point >= 0) == counted))
            if not len(rows):
                continue
            blocks.append(_tuples([
                ("int4", qid), ("text", method), ("int4", unit_id), ("int4", service[rows]),
                ("int4", point[rows]) if counted else ("null", None), ("text", ch),
                ("bool", flagged[rows].astype(np.uint8)), ("date", day[rows]),
                ("int4", np.asarray(n[rows], dtype=np.int64)), ("bytea", payload[rows])], len(rows)))
    _copy(s, model.__tablename__, [c.format(date=when) for c in CELL_COLUMNS], blocks)


def write_markers(s: Session, model, qid: int, method: str, unit_id: int, days: list[date],
                  months: list[date] | None = None) -> None:
    """Insert StatDay markers for `days` (or, with each day's month in `months`, StatMonthDay rows)."""
    if not days:
        return
    if s.get_bind().dialect.name != "postgresql":
        s.execute(insert(model), [{"questionnaire_id": qid, "method": method, "unit_id": unit_id, "day": d,
                                   **({} if months is None else {"month": months[i]})}
                                  for i, d in enumerate(days)])
        return
    ordinals = np.array([d.toordinal() for d in days], dtype=np.int64)
    columns = [("int4", qid), ("text", method), ("int4", unit_id), ("date", ordinals)]
    names = ["questionnaire_id", "method", "unit_id", "day"]
    if months is not None:
        columns.append(("date", np.array([m.toordinal() for m in months], dtype=np.int64)))
        names.append("month")
    _copy(s, model.__tablename__, names, [_tuples(columns, len(days))])
