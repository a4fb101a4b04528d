"""The rows of a statement a batch at a time, in the session's transaction.

On PostgreSQL through a binary server-side cursor: in text format a
rollup cell's 2.4 KB payload travels as 4.7 KB of hex that the server
encodes and the client decodes again, and every timestamp and integer is
printed and parsed; binary rows are what the page then reads as arrays.
"""
from __future__ import annotations

from collections.abc import Iterator, Sequence
from itertools import count

from sqlalchemy.orm import Session

_names = count()  # cursor names: unique within the process


def batches(s: Session, stmt, size: int) -> Iterator[Sequence]:
    """Lists of at most `size` rows (tuples) of `stmt`."""
    conn = s.connection()
    if conn.dialect.name != "postgresql":
        yield from conn.execute(stmt.execution_options(yield_per=size)).partitions()
        return
    compiled = stmt.compile(dialect=conn.dialect, compile_kwargs={"render_postcompile": True})
    driver = conn.connection.driver_connection
    assert driver is not None  # a live connection of the session's transaction
    with driver.cursor(name=f"sipas_rows_{next(_names)}", binary=True) as cursor:
        cursor.execute(str(compiled), compiled.params)
        while part := cursor.fetchmany(size):
            yield part
