"""Regroup `analysis` sufficient statistics onto derived keys."""
from __future__ import annotations

from dataclasses import replace

import pandas as pd

from analysis.sufficient import SufficientStats


def regroup(stats: SufficientStats, keys: pd.DataFrame) -> SufficientStats:
    """Sum groups sharing the same new keys (one row per old group; no columns = total).

    The new keys may be derived (e.g. each service's field), not only a subset
    of the old ones; statistics are sums over respondents, so this is exact.
    """
    return replace(stats, keys=keys.reset_index(drop=True)).regroup(list(keys.columns))
