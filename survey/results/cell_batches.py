"""Reading stored cells (day or month) a batch at a time, summed at the grain the caller keeps."""
from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd
from sqlalchemy.orm import Session

from survey.results import rows
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
    for part in rows.batches(s, stmt, BATCH):
        batch = cells([list(col) for col in zip(*part)])
        out += batch if grain == KEYS else batch.collapsed(grain)
        if grain != KEYS and len(out.n) > 4 * BATCH:
            out = out.collapsed(grain)
    return out if grain == KEYS else out.collapsed(grain)
