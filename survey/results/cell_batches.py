"""Reading stored cells (day or month) a batch at a time, summed at the grain the caller keeps."""
from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence

import numpy as np
import pandas as pd
from sqlalchemy.orm import Session

from survey.results.cells import KEYS, Cells
from survey.results.layout import PAYLOAD_DTYPE, Layout

BATCH = 5_000  # stored cells per batch read: ~12 MB of payload as floats


def cells(cols: list, day: np.ndarray, keep: np.ndarray | None) -> Cells:
    """Cells from stored rows (unit, service, counter, channel, flagged, day, n, payload), `keep` ones only."""
    keys = pd.DataFrame({"unit": cols[0], "service": cols[1],
                         "point": [-1 if p is None else p for p in cols[2]], "channel": cols[3],
                         "flagged": cols[4], "day": day})
    n = np.asarray(cols[6], dtype=float)
    sums = np.frombuffer(b"".join(cols[7]), dtype=PAYLOAD_DTYPE).reshape(len(n), -1).astype(float)
    if keep is None or keep.all():
        return Cells(keys, n, sums)
    return Cells(keys[keep].reset_index(drop=True), n[keep], sums[keep])


def summed(s: Session, stmt, cells: Callable[[list], Cells], layout: Layout, grain: tuple[str, ...]) -> Cells:
    """Stored rows of `stmt`, made into cells a batch at a time and summed at `grain`.

    At a coarse grain (a city's communes) each batch is summed before the
    next is read: a year of a city's day cells is ~1 GB of payload as floats,
    its sums per commune and procedure a few MB.
    """
    out = Cells.empty(layout, grain)
    for part in _batches(s, stmt):
        batch = cells([list(col) for col in zip(*part)])
        out += batch if grain == KEYS else batch.collapsed(grain)
        if grain != KEYS and len(out.n) > 4 * BATCH:
            out = out.collapsed(grain)
    return out if grain == KEYS else out.collapsed(grain)


def _batches(s: Session, stmt) -> Iterator[Sequence]:
    """The rows of `stmt`, BATCH at a time, in the session's transaction.

    On PostgreSQL through a binary server-side cursor: in text format each
    2.4 KB payload travels as 4.7 KB of hex that the server encodes and the
    client decodes again, most of a city page's reading time.
    """
    conn = s.connection()
    if conn.dialect.name != "postgresql":
        yield from conn.execute(stmt.execution_options(yield_per=BATCH)).partitions()
        return
    compiled = stmt.compile(dialect=conn.dialect, compile_kwargs={"render_postcompile": True})
    driver = conn.connection.driver_connection
    with driver.cursor(name=f"sipas_cells_{id(stmt):x}", binary=True) as cursor:
        cursor.execute(str(compiled), compiled.params)
        while rows := cursor.fetchmany(BATCH):
            yield rows
