"""Internal consistency of the criteria: Cronbach's alpha with Feldt's interval."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike
from scipy import special

from .intervals import critical_value
from .scheme import OVERALL_CODE, Scheme
from .validate import scores


@dataclass(frozen=True)
class Alpha:
    """Cronbach's alpha of ``k`` items over ``n`` complete responses."""

    alpha: float
    ci_low: float
    ci_high: float
    n: int
    k: int
    conf_level: float


def cronbach_alpha(items: ArrayLike, level: float = 0.95) -> Alpha:
    """Cronbach's alpha of an ``(n, k)`` item matrix, with Feldt's interval.

    Rows with any missing item are left out (listwise deletion).

    Notes
    -----
    ``alpha = k/(k-1) (1 - sum_j s_j² / s_T²)`` with item variances ``s_j²``
    and the variance ``s_T²`` of the row totals. Feldt's interval uses
    ``(1 - alpha) / (1 - alpha_pop) ~ F(n-1, (n-1)(k-1))``:
    ``1 - (1 - alpha) F_{1-γ/2}`` to ``1 - (1 - alpha) F_{γ/2}`` with ``γ = 1 -
    level``. NaN when ``k < 2``, ``n < 2`` or the totals do not vary.

    References
    ----------
    Cronbach, L. J. (1951). Psychometrika 16, 297-334.
    Feldt, L. S., Woodruff, D. J. and Salih, F. A. (1987). Statistical
    inference for coefficient alpha. Applied Psychological Measurement 11,
    93-103.
    """
    critical_value(level)
    x = np.asarray(items, dtype=float)
    if x.ndim != 2:
        raise ValueError("items must be a two-dimensional (responses, items) array")
    x = x[~np.isnan(x).any(axis=1)]
    n, k = x.shape
    nan = Alpha(np.nan, np.nan, np.nan, n, k, level)
    if k < 2 or n < 2:
        return nan
    total_var = x.sum(axis=1).var(ddof=1)
    if total_var == 0:
        return nan
    alpha = k / (k - 1) * (1 - x.var(axis=0, ddof=1).sum() / total_var)
    df1, df2 = n - 1, (n - 1) * (k - 1)
    g = 1 - level
    low = 1 - (1 - alpha) * special.fdtri(df1, df2, 1 - g / 2)
    high = 1 - (1 - alpha) * special.fdtri(df1, df2, g / 2)
    return Alpha(float(alpha), float(low), float(high), n, k, level)


def reliability(df: pd.DataFrame, scheme: Scheme | None = None,
                level: float = 0.95) -> pd.DataFrame:
    """Cronbach's alpha per element and for the whole scale (``SIPAS``).

    Returns one row per element (``level = "element"``) and one for all
    criteria (``level = "overall"``) with ``alpha``, ``ci_low``, ``ci_high``,
    ``n`` (complete responses), ``k`` (items), ``conf_level``. An element of
    one criterion has no alpha (NaN).
    """
    scheme = scheme or Scheme.sipas_service_delivery()
    x = pd.DataFrame(scores(df, scheme.criteria, scheme.criterion_scale),
                     columns=scheme.criteria)
    sets = [("element", e.code, e.criteria) for e in scheme.elements]
    sets.append(("overall", OVERALL_CODE, scheme.criteria))
    rows = []
    for level_name, code, crit in sets:  # a handful of item sets, not groups of data
        r = cronbach_alpha(x[list(crit)].to_numpy(), level)
        rows.append({"level": level_name, "code": code, "alpha": r.alpha,
                     "ci_low": r.ci_low, "ci_high": r.ci_high, "n": r.n, "k": r.k,
                     "conf_level": level})
    return pd.DataFrame(rows)
