"""Differences between two periods or two services, with adjusted p-values."""
from __future__ import annotations

from typing import Sequence

import numpy as np
import pandas as pd
from scipy import special

from .indices import estimate
from .intervals import PROPORTION_METHODS, critical_value, newcombe_difference
from .scheme import Scheme


def holm(p) -> np.ndarray:
    """Holm's step-down adjusted p-values (NaN entries are left out).

    Notes
    -----
    With ``m`` p-values sorted ascending, ``p~_(i) = max_{j <= i} min(1, (m - j
    + 1) p_(j))``. Controls the family-wise error rate.

    References
    ----------
    Holm, S. (1979). A simple sequentially rejective multiple test procedure.
    Scandinavian Journal of Statistics 6, 65-70.
    """
    p = np.asarray(p, dtype=float)
    out = np.full(p.shape, np.nan)
    ok = np.flatnonzero(~np.isnan(p))
    order = ok[np.argsort(p[ok], kind="stable")]
    m = len(order)
    out[order] = np.minimum(1, np.maximum.accumulate((m - np.arange(m)) * p[order]))
    return out


def benjamini_hochberg(p) -> np.ndarray:
    """Benjamini-Hochberg adjusted p-values (NaN entries are left out).

    Notes
    -----
    ``p~_(i) = min_{j >= i} min(1, m p_(j) / j)``. Controls the false
    discovery rate: suited to screening many services at once.

    References
    ----------
    Benjamini, Y. and Hochberg, Y. (1995). Controlling the false discovery
    rate. JRSS B 57, 289-300.
    """
    p = np.asarray(p, dtype=float)
    out = np.full(p.shape, np.nan)
    ok = np.flatnonzero(~np.isnan(p))
    order = ok[np.argsort(p[ok], kind="stable")]
    m = len(order)
    scaled = m * p[order] / np.arange(1, m + 1)
    out[order] = np.minimum(1, np.minimum.accumulate(scaled[::-1])[::-1])
    return out


def compare(df: pd.DataFrame, between: str, a, b, by: Sequence[str] = (),
            scheme: Scheme | None = None, weight: str | None = None,
            strata: str | None = None, fpc: str | None = None,
            method: str = "top2box", level: float = 0.95, min_n: int = 30) -> pd.DataFrame:
    """Index of ``a`` minus index of ``b`` for every criterion, element and overall.

    Parameters
    ----------
    df : DataFrame
        Responses of both sides, as for :func:`analysis.estimate`.
    between : str
        Column telling the sides apart (period, service...).
    a, b
        The two values of ``between`` to compare.
    by, scheme, weight, strata, fpc, method, level, min_n
        As in :func:`analysis.estimate`; each side is estimated on its own.

    Returns
    -------
    DataFrame
        The ``by`` columns, ``level``, ``code``, ``n_a``, ``n_b``,
        ``estimate_a``, ``estimate_b``, ``difference``, ``se``, ``ci_low``,
        ``ci_high`` (percentage points), ``interval``, ``p_value``,
        ``p_holm``, ``p_bh``, ``conf_level``, ``index_method``, ``low_n``.

    Notes
    -----
    The two sides are independent samples. For proportions (``top2box``
    criteria, expectations) the interval is Newcombe's hybrid score interval
    and the p-value the pooled score test ``z = (p_a - p_b) / sqrt(pbar (1 -
    pbar) (1/n_a + 1/n_b))``, both with effective sizes ``n_eff``. For
    composites (and ``mean_pct``) the interval is ``d ± z sqrt(se_a² +
    se_b²)`` from the linearised standard errors and the p-value the matching
    Wald test; where both sides have zero variance (both at 0 or 100 %)
    the Newcombe interval with ``n_eff`` stands in (``newcombe-boundary``).
    Holm and Benjamini-Hochberg adjustments run over every
    comparison of the call as one family.

    References
    ----------
    Newcombe, R. G. (1998). Statistics in Medicine 17, 873-890.
    """
    if between not in df.columns:
        raise ValueError(f"column {between!r} is not in the data")
    sides = []
    for value in (a, b):
        part = df[df[between] == value]
        if part.empty:
            raise ValueError(f"no responses with {between} == {value!r}")
        sides.append(estimate(part, scheme, by=by, weight=weight, strata=strata, fpc=fpc,
                              method=method, level=level, min_n=min_n))
    keys = list(by) + ["level", "code"]
    m = sides[0].merge(sides[1], on=keys, suffixes=("_a", "_b"), sort=False)
    pa, pb = m["estimate_a"].to_numpy() / 100, m["estimate_b"].to_numpy() / 100
    na, nb = m["n_eff_a"].to_numpy(), m["n_eff_b"].to_numpy()
    d = pa - pb
    se = np.hypot(m["se_a"].to_numpy(), m["se_b"].to_numpy()) / 100
    z = critical_value(level)
    prop = m["interval_a"].isin(PROPORTION_METHODS).to_numpy()
    n_low, n_high = newcombe_difference(pa * na, na, pb * nb, nb, level)
    with np.errstate(divide="ignore", invalid="ignore"):
        pool = (pa * na + pb * nb) / (na + nb)
        z_score = d / np.sqrt(pool * (1 - pool) * (1 / na + 1 / nb))
        z_wald = d / se
    stat = np.where(prop, z_score, z_wald)
    # zero spread on both sides (e.g. both at 100 %) is no evidence of a difference
    stat = np.where(np.isnan(stat) & (d == 0), 0.0, stat)
    with np.errstate(invalid="ignore"):
        stat = np.where(np.isnan(stat) & ~np.isnan(d), np.sign(d) * np.inf, stat)
    p_value = 2 * special.ndtr(-np.abs(stat))
    # composites with no spread on either side (both at 0 or 100 %) would get a
    # zero-width Wald interval: the score interval with n_eff stands in
    boundary = ~prop & (se == 0) & ~np.isnan(d)
    use_score = prop | boundary
    out = m[list(by) + ["level", "code", "n_a", "n_b", "estimate_a", "estimate_b"]].copy()
    out["difference"] = 100 * d
    out["se"] = 100 * se
    out["ci_low"] = 100 * np.where(use_score, n_low, d - z * se)
    out["ci_high"] = 100 * np.where(use_score, n_high, d + z * se)
    out["interval"] = np.where(prop, "newcombe", np.where(boundary, "newcombe-boundary",
                                                          "wald-linearization"))
    out["p_value"] = p_value
    out["p_holm"] = holm(p_value)
    out["p_bh"] = benjamini_hochberg(p_value)
    out["conf_level"] = level
    out["index_method"] = m["index_method_a"].to_numpy()
    out["low_n"] = (m["low_n_a"] | m["low_n_b"]).to_numpy()
    return out.reset_index(drop=True)
