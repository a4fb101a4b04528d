"""The shape shared by every route to the indices: which estimates there are
(the layout) and how per-group numbers become the published table."""
from __future__ import annotations

from typing import Sequence

import numpy as np
import pandas as pd

from .intervals import PROPORTION_METHODS, critical_value, logit_interval, proportion_interval
from .scheme import Scheme

COLUMNS = ("level", "code", "n", "n_eff", "deff", "estimate", "se", "ci_low",
           "ci_high", "interval", "conf_level", "index_method", "low_n")


def layout(scheme: Scheme, codes: Sequence[str], k_crit: int):
    """Return ``(labels, T)``: one ``(level, code)`` per estimate and the matrix
    with ``estimate = T @ R`` over the item ratios ``R`` (criteria, then
    expectations)."""
    comp_labels, m = scheme.composites()
    k = len(codes)
    t_crit = np.eye(k)[:k_crit]
    t_comp = np.hstack([m, np.zeros((len(m), k - k_crit))])
    t_exp = np.eye(k)[k_crit:]
    labels = ([("criterion", c) for c in codes[:k_crit]] + comp_labels
              + [("expectation", c) for c in codes[k_crit:]])
    return labels, np.vstack([t_crit, t_comp, t_exp])


def combine(ratios: np.ndarray, t: np.ndarray) -> np.ndarray:
    """``ratios @ t.T`` where an undefined ratio (NaN) makes every estimate
    that uses it undefined, and unused ones do not (NaN * 0 would)."""
    # einsum, not matmul: thin products suffer from OpenBLAS threads on a busy machine
    undefined = np.isnan(ratios)
    if not undefined.any():
        return np.einsum("gk,pk->gp", ratios, t)
    out = np.einsum("gk,pk->gp", np.where(undefined, 0.0, ratios), t)
    out[(undefined.astype(float) @ (t.T != 0)) > 0] = np.nan
    return out


def table(keys: pd.DataFrame, labels, n, n_eff, est, var, vsrs, *, method: str,
          ci: str, level: float, min_n: int,
          composite_interval: str = "logit-linearization",
          bounds: tuple[np.ndarray, np.ndarray] | None = None) -> pd.DataFrame:
    """Assemble the long result table from ``(G, P)`` arrays (fractions).

    Criterion indices that are proportions (``top2box``) and expectation
    indices get the chosen score/exact interval with ``n_eff`` trials. The
    others (composites, ``mean_pct`` criteria) get ``bounds`` when given (a
    bootstrap percentile interval) or the logit-scale linearised interval.
    Where either is undefined (index at 0 or 100 %, or zero variance) the
    Wilson interval with ``n_eff`` stands in, marked ``wilson-boundary``,
    so no interval has zero width.
    """
    levels = np.array([lv for lv, _ in labels], dtype=object)
    n_rows = len(labels)
    proportion = levels == "expectation"
    if method == "top2box":
        proportion |= levels == "criterion"
    # influence values that cancel exactly still leave ~1e-33 of rounding
    var = np.where(var < 1e-24, 0.0, var)
    vsrs = np.where(vsrs < 1e-24, 0.0, vsrs)
    se = np.where(np.isnan(est), np.nan, np.sqrt(var))
    with np.errstate(divide="ignore", invalid="ignore"):
        deff = np.where(vsrs > 0, var / vsrs, np.nan)
    p_low, p_high = proportion_interval(est * n_eff, n_eff, ci, level)
    if bounds is None:
        c_low, c_high = logit_interval(est, se, level)
    else:
        c_low, c_high = bounds
        c_low, c_high = c_low.copy(), c_high.copy()
        flat = ~(c_high > c_low)
        c_low[flat] = np.nan
        c_high[flat] = np.nan
    fallback = np.isnan(c_low) & ~np.isnan(est)
    w_low, w_high = proportion_interval(est * n_eff, n_eff, "wilson", level)
    low = np.where(proportion, p_low, np.where(fallback, w_low, c_low))
    high = np.where(proportion, p_high, np.where(fallback, w_high, c_high))
    # pick names by index: string np.where over every row is slow for 20k groups
    names = np.array(["", ci, "wilson-boundary", composite_interval], dtype=object)
    which = np.where(proportion, 1, np.where(fallback, 2, 3))
    interval = names[np.where(np.isnan(est), 0, which)]
    idx_method = np.where(levels == "expectation", "top2box", method).astype(object)
    g = len(keys)
    out = keys.loc[np.repeat(np.arange(g), n_rows)].reset_index(drop=True)
    out["level"] = np.tile(levels, g)
    out["code"] = np.tile(np.array([c for _, c in labels], dtype=object), g)
    out["n"] = np.asarray(n).ravel().astype(np.int64)
    out["n_eff"] = np.asarray(n_eff, dtype=float).ravel()
    out["deff"] = deff.ravel()
    out["estimate"] = 100 * est.ravel()
    out["se"] = 100 * se.ravel()
    out["ci_low"] = 100 * low.ravel()
    out["ci_high"] = 100 * high.ravel()
    out["interval"] = interval.ravel()
    out["conf_level"] = level
    out["index_method"] = np.tile(idx_method, g)
    out["low_n"] = out["n"].to_numpy() < min_n
    return out[[*keys.columns, *COLUMNS]]


def check_common(ci: str, level: float, min_n) -> None:
    """Reject an unknown interval method, a level outside (0, 1), a bad min_n."""
    if ci not in PROPORTION_METHODS:
        raise ValueError(f"ci must be one of {PROPORTION_METHODS}, got {ci!r}")
    critical_value(level)
    if not isinstance(min_n, (int, np.integer)) or min_n < 0:
        raise ValueError(f"min_n must be a non-negative integer, got {min_n!r}")
