"""Units against the figure they make up together: differences, tests, adjusted p-values.

A city's communes side by side are read as a ranking; a bare rank hides
that most neighbours differ by less than their intervals. Each unit is
compared with the city figure instead, and only the units whose difference
survives a multiple-comparison adjustment (Holm or Benjamini-Hochberg over
all the units) are called above or below it.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike
from scipy import special

from .compare import benjamini_hochberg, holm
from .intervals import critical_value

ADJUSTMENTS = {"holm": holm, "bh": benjamini_hochberg}


def against_combination(estimate: ArrayLike, se: ArrayLike, weight: ArrayLike, level: float = 0.95,
                        adjust: str = "holm") -> pd.DataFrame:
    """Each unit's estimate minus ``C = sum_v w_v R_v``, the combination of all units.

    Parameters
    ----------
    estimate, se : array-like
        The units' estimates and standard errors (percent). Units are
        independent samples (disjoint respondents, no stratum shared), so
        their covariances are zero. NaN marks a unit without an estimate:
        it takes no part (its weight is dropped and the others renormalised).
    weight : array-like
        The unit's weight in the city figure: ``1/U`` for ``mean_of_units``,
        the share of respondents for ``pooled``.
    level : float
        Confidence level of the intervals and of the significance flag.
    adjust : {"holm", "bh"}
        Multiple-comparison adjustment over all units with a test.

    Returns
    -------
    DataFrame
        One row per unit, in the input order: ``combined`` (C), ``combined_se``,
        ``difference``, ``se``, ``ci_low``, ``ci_high`` (percentage points),
        ``z``, ``p_value``, ``p_adjusted``, ``adjustment``, ``direction``
        (``above``, ``below`` or ``""`` when not significant after adjustment).

    Notes
    -----
    ``d_u = R_u - C = (1 - w_u) R_u - sum_{v != u} w_v R_v``, so with
    independent units ``Var(d_u) = (1 - w_u)^2 V_u + sum_{v != u} w_v^2 V_v``
    and ``Var(C) = sum_v w_v^2 V_v``. The test is Wald's, ``z = d / se``,
    two-sided ``p = 2 Phi(-|z|)``; a difference with no variance at all
    (every unit at SE 0) gets no test. For ``mean_of_units`` this is
    exactly ``svycontrast`` of ``svyby(..., ~unit, covmat = TRUE)`` with the
    contrast ``e_u - 1/U``; for a pooled city figure the respondent shares
    make C a first-order approximation of the pooled ratio.
    """
    if adjust not in ADJUSTMENTS:
        raise ValueError(f"adjust must be one of {sorted(ADJUSTMENTS)}, got {adjust!r}")
    est = np.asarray(estimate, dtype=float)
    var = np.asarray(se, dtype=float) ** 2
    ok = ~np.isnan(est) & ~np.isnan(var)
    w = np.where(ok, np.asarray(weight, dtype=float), 0.0)
    w = w / w.sum() if w.sum() > 0 else w
    combined = float(np.sum(w[ok] * est[ok])) if ok.any() else float("nan")
    total = float(np.sum(w[ok] ** 2 * var[ok]))
    diff = np.where(ok, est - combined, np.nan)
    var_d = np.where(ok, (1 - w) ** 2 * np.where(ok, var, 0) + total - w ** 2 * np.where(ok, var, 0), np.nan)
    sd = np.sqrt(np.clip(var_d, 0, None))
    with np.errstate(divide="ignore", invalid="ignore"):
        z = np.where(sd > 0, diff / sd, np.nan)
    p = 2 * special.ndtr(-np.abs(z))
    p_adj = ADJUSTMENTS[adjust](p)
    q = critical_value(level)
    with np.errstate(invalid="ignore"):
        significant = p_adj < 1 - level
    direction = np.where(significant & (diff > 0), "above", np.where(significant & (diff < 0), "below", ""))
    return pd.DataFrame({
        "combined": combined, "combined_se": np.sqrt(total),
        "difference": diff, "se": sd, "ci_low": diff - q * sd, "ci_high": diff + q * sd,
        "z": z, "p_value": p, "p_adjusted": p_adj, "adjustment": adjust, "direction": direction,
    })
