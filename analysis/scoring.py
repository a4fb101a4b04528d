"""From answers on the 1-5 (criteria) and 1-4 (expectations) scales to the
per-respondent quantities every index is a ratio of.

``a`` is 1 where the item was answered, ``y`` the respondent's contribution
to the numerator (0 where not answered):

- ``top2box``: ``y = 1`` for 4 or 5 ("Hài lòng", "Rất hài lòng");
- ``mean_pct``: ``y = (score - 1) / 4``, so the ratio is ``(mean - 1) / 4``;
- expectations, whatever the method: ``y = 1`` for 3 or 4 ("Mong muốn",
  "Rất mong muốn").
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from .scheme import Scheme
from .validate import scores

METHODS = ("top2box", "mean_pct")


def check_method(method: str) -> None:
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}, got {method!r}")


def item_codes(df: pd.DataFrame | None, scheme: Scheme) -> tuple[tuple[str, ...], int]:
    """Criterion codes (all required) and the expectation codes present in ``df``.

    Returns ``(codes, n_criteria)``; the criteria come first.
    """
    present = scheme.expectations if df is None else tuple(
        c for c in scheme.expectations if c in df.columns)
    return scheme.criteria + present, len(scheme.criteria)


def answered_satisfied(df: pd.DataFrame, scheme: Scheme, method: str):
    """Return ``(codes, n_criteria, a, y)`` with ``a``, ``y`` of shape (n, k)."""
    check_method(method)
    codes, k_crit = item_codes(df, scheme)
    x = np.hstack([scores(df, codes[:k_crit], scheme.criterion_scale),
                   scores(df, codes[k_crit:], scheme.expectation_scale)])
    a = ~np.isnan(x)
    y = np.zeros(x.shape)
    crit, expect = x[:, :k_crit], x[:, k_crit:]
    if method == "top2box":
        y[:, :k_crit] = crit >= 4
    else:
        y[:, :k_crit] = np.where(a[:, :k_crit], (crit - 1) / 4, 0.0)
    y[:, k_crit:] = expect >= 3
    return codes, k_crit, a.astype(float), y
