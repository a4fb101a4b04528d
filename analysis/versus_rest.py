"""Is the lowest element (or criterion) lower than the rest? A design-based test, Holm-adjusted.

Every respondent answers every element, so an element and the others are
not independent samples: reading whether two intervals overlap is not a
test. Here each item of a level is compared with the mean of the other
items of that level, ``d_j = I_j - (1/(m-1)) sum_{k != j} I_k``, a linear
combination of the published estimates whose design variance carries the
covariance between items (R ``svycontrast`` of the same combination).
"""
from __future__ import annotations

from typing import Sequence

import numpy as np
import pandas as pd
from scipy import stats

from .compare import holm
from .intervals import t_critical_value
from .results import DOF, layout
from .scheme import Scheme
from .sufficient import SufficientStats, domain_fit

LEVELS = ("element", "criterion")
COLUMNS = ("level", "code", "n", "estimate", "rest", "difference", "se", "ci_low", "ci_high", "df",
           "p_value", "p_holm", "lowest", "conf_level", "aggregation")


def contrasts(labels: Sequence[tuple[str, str]], levels: Sequence[str] = LEVELS
              ) -> list[tuple[tuple[str, str], np.ndarray]]:
    """``((label, code), c)`` per item of each level with two or more items: the item minus the others' mean.

    The label's level is ``"<level> versus rest"``: a composite, not an item.
    """
    out = []
    for lv in levels:
        idx = [i for i, (level, _c) in enumerate(labels) if level == lv]
        if len(idx) < 2:
            continue
        for i in idx:
            c = np.zeros(len(labels))
            c[idx] = -1 / (len(idx) - 1)
            c[i] = 1.0
            out.append(((f"{lv} versus rest", labels[i][1]), c))
    return out


def versus_rest(stats_: SufficientStats, scheme: Scheme | None = None, levels: Sequence[str] = LEVELS,
                by: Sequence[str] | None = None, strata: str | None = None, lonely: str = "adjust",
                dof: str = "degf", aggregation: str = "pooled", service: str = "service",
                unit: str = "unit", level: float = 0.95) -> pd.DataFrame:
    """Each element (criterion) against the mean of the other elements (criteria), per group.

    Parameters
    ----------
    stats_ : SufficientStats
        As for :func:`analysis.estimate_from_stats`; ``by``, ``strata``,
        ``lonely``, ``aggregation``, ``service``, ``unit`` as there, so the
        difference is of the figures that function publishes.
    levels : sequence of str
        Levels whose items are compared among themselves.
    dof : {"degf", "inf"}
        t quantiles and p-values on the design's degrees of freedom (R
        ``degf(design)``: responses minus strata) or normal ones.
    level : float
        Confidence level of the interval of the difference.

    Returns
    -------
    DataFrame
        The ``by`` columns and :data:`COLUMNS`: ``estimate`` the item's index,
        ``rest`` the mean of the others, ``difference`` = estimate - rest,
        ``se``, ``ci_low``, ``ci_high`` (percentage points), ``df``,
        ``p_value`` (two-sided Wald test on the design ``se``), ``p_holm``
        (Holm over the items of the same level and group), ``lowest`` (the
        item with the lowest index of its level and group).

    Notes
    -----
    ``d_j = c_j' I`` with ``c_j`` = 1 for item ``j`` and ``-1/(m-1)`` for the
    others; its influence value is ``c_j'`` times the items' influence values,
    so ``se`` is what ``svycontrast(svytotal(~y_TC1 + ... + a_PA3, design),
    quote(TC - (TT + CC + KQ + PA)/4))`` gives for the elements (or over
    ``svyby(..., ~service, svytotal, covmat = TRUE)`` for a mean of services).
    The p-value is ``2 * pt(-abs(d/se), degf(design))`` (``pnorm`` with
    ``dof="inf"``), the interval ``d ± t se``.

    The lowest item is picked from the data, so its test counts every item
    it was picked from: Holm runs over all ``m`` comparisons of its level.
    Reporting only the lowest with its Holm-adjusted p-value then keeps the
    family-wise error rate at ``1 - level``.
    """
    scheme = scheme or Scheme.sipas_service_delivery()
    if dof not in DOF:
        raise ValueError(f"dof must be one of {DOF}, got {dof!r}")
    labels, _t = layout(scheme, stats_.codes, len(scheme.criteria))
    extra = contrasts(labels, levels)
    columns = [*(list(stats_.keys.columns) if by is None else list(by))]
    if not extra:
        return pd.DataFrame(columns=[*columns, *COLUMNS])
    d = domain_fit(stats_, scheme, by, strata, lonely, aggregation, service, unit, extra)
    k = len(labels)
    est, var = d.est[:, k:], d.var[:, k:]
    compared = [(label[0].removesuffix(" versus rest"), label[1]) for label, _c in extra]
    items = np.array([labels.index(label) for label in compared])
    own = d.est[:, items]
    n = d.n[:, k:]
    df = (n - 1) if d.degf is None else d.degf[:, k:]
    df = np.maximum(df, 0) if dof == "degf" else np.full(est.shape, np.inf)
    se = np.sqrt(np.where(var < 1e-24, 0.0, var))
    single = d.n[:, k:] < 2
    se = np.where(single, np.nan, se)
    with np.errstate(divide="ignore", invalid="ignore"):
        z = est / se
        q = t_critical_value(level, df)
        p = np.where(df > 0, 2 * stats.t.sf(np.abs(z), np.where(df > 0, df, 1.0)), np.nan)
    # no spread at all (every answer alike): no evidence of a difference when d is 0
    p = np.where(np.isnan(p) & (est == 0) & (se == 0), 1.0, p)
    g = len(d.keys)
    out = d.keys.loc[np.repeat(np.arange(g), len(extra))].reset_index(drop=True)
    out["level"] = np.tile([lv for lv, _c in compared], g)
    out["code"] = np.tile([code for _l, code in compared], g)
    out["n"] = n.ravel().astype(np.int64)
    out["estimate"] = 100 * own.ravel()
    out["rest"] = 100 * (own - est).ravel()
    out["difference"] = 100 * est.ravel()
    out["se"] = 100 * se.ravel()
    out["ci_low"] = 100 * (est - q * se).ravel()
    out["ci_high"] = 100 * (est + q * se).ravel()
    out["df"] = df.ravel()
    out["p_value"] = p.ravel()
    family = out.groupby([*columns, "level"], sort=False).ngroup().to_numpy() if columns else \
        pd.factorize(out["level"])[0]
    out["p_holm"] = np.nan
    out["lowest"] = False
    for f in np.unique(family):
        rows = np.flatnonzero(family == f)
        out.loc[rows, "p_holm"] = holm(out["p_value"].to_numpy()[rows])
        values = out["estimate"].to_numpy()[rows]
        if (~np.isnan(values)).any():
            out.loc[rows[np.nanargmin(values)], "lowest"] = True
    out["conf_level"] = level
    out["aggregation"] = aggregation
    return out[[*columns, *COLUMNS]]
