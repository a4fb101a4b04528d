"""Rebuild `analysis` sufficient statistics from the aggregation rows, and regroup them."""
from __future__ import annotations

from dataclasses import replace
from typing import Sequence

import numpy as np
import pandas as pd

from analysis.sufficient import SufficientStats


def from_rows(names: Sequence[str], counts: list[tuple], products: list[tuple],
              codes: Sequence[str], method: str) -> SufficientStats:
    """Assemble per-group statistics from `sql.response_counts` and `sql.cross_products`."""
    names, k = list(names), len(codes)
    # object dtype keeps None (a response without counter) hashable and equal to itself
    keys = pd.DataFrame([r[:len(names)] for r in counts], columns=names, dtype=object)
    keys = keys.sort_values(names).reset_index(drop=True) if names else pd.DataFrame(index=[0])
    index = {tuple(row): g for g, row in enumerate(keys[names].itertuples(index=False))}
    g = len(keys)
    n = np.zeros(g)
    for row in counts:
        n[index[tuple(row[:len(names)])]] = row[-1]
    col = {c: j for j, c in enumerate(codes)}
    aa, ay, yy = (np.zeros((g, k, k)) for _ in range(3))
    for row in products:
        gi, j = index[tuple(row[:len(names)])], col[row[len(names)]]
        values = np.asarray(row[len(names) + 1:], dtype=float)
        aa[gi, j], ay[gi, j], yy[gi, j] = values[:k], values[k:2 * k], values[2 * k:]
    return SufficientStats(tuple(codes), n, np.diagonal(aa, axis1=1, axis2=2),
                           np.diagonal(ay, axis1=1, axis2=2), aa, ay, yy,
                           keys=keys, method=method)


def regroup(stats: SufficientStats, keys: pd.DataFrame) -> SufficientStats:
    """Sum groups sharing the same new keys (one row per old group; no columns = total).

    The new keys may be derived (e.g. each service's field), not only a subset
    of the old ones; statistics are sums over respondents, so this is exact.
    """
    return replace(stats, keys=keys.reset_index(drop=True)).regroup(list(keys.columns))
