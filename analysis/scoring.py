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


def item_scores(df: pd.DataFrame, scheme: Scheme, method: str) -> tuple[tuple[str, ...], int, np.ndarray]:
    """Return ``(codes, n_criteria, x)``: checked answers, NaN where not answered.

    ``x`` is float32 (the scales' whole numbers are exact) and column-major,
    to halve memory and keep columns contiguous (see
    :func:`analysis.design.group_sum`).
    """
    check_method(method)
    codes, k_crit = item_codes(df, scheme)
    x = np.empty((len(df), len(codes)), dtype=np.float32, order="F")
    scores(df, codes[:k_crit], scheme.criterion_scale, out=x[:, :k_crit])
    scores(df, codes[k_crit:], scheme.expectation_scale, out=x[:, k_crit:])
    return codes, k_crit, x


def answered_satisfied_from(x: np.ndarray, k_crit: int, method: str) -> tuple[np.ndarray, np.ndarray]:
    """``(a, y)`` float64 arrays, column-major, from checked answers ``x``."""
    a = np.asfortranarray(~np.isnan(x), dtype=float)
    y = np.empty_like(a)  # every column is set below
    crit, expect = x[:, :k_crit], x[:, k_crit:]
    if method == "top2box":
        y[:, :k_crit] = crit >= 4
    else:
        y[:, :k_crit] = np.where(a[:, :k_crit] > 0, (crit - 1) / 4, 0.0)
    y[:, k_crit:] = expect >= 3
    return a, y


def answered_satisfied(df: pd.DataFrame, scheme: Scheme,
                       method: str) -> tuple[tuple[str, ...], int, np.ndarray, np.ndarray]:
    """Return ``(codes, n_criteria, a, y)`` with ``a``, ``y`` of shape (n, k)."""
    codes, k_crit, x = item_scores(df, scheme, method)
    return (codes, k_crit) + answered_satisfied_from(x, k_crit, method)
