"""The shape shared by every route to the indices: which estimates there are
(the layout) and how per-group numbers become the published table."""
from __future__ import annotations

from typing import Sequence

import numpy as np
import pandas as pd

from .intervals import PROPORTION_METHODS, critical_value, logit_interval, proportion_interval, t_critical_value
from .scheme import Scheme

COLUMNS = ("level", "code", "n", "n_eff", "deff", "estimate", "se", "ci_low",
           "ci_high", "interval", "conf_level", "df", "index_method", "aggregation",
           "lonely_rule", "lonely_strata", "low_n", "note")
DOF = ("degf", "inf")
NO_ANSWER = "no answers"
SINGLE = "a single answer: no standard error, design effect or interval"


def layout(scheme: Scheme, codes: Sequence[str], k_crit: int) -> tuple[list[tuple[str, str]], np.ndarray]:
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
        product: np.ndarray = np.einsum("gk,pk->gp", ratios, t)
        return product
    out: np.ndarray = np.einsum("gk,pk->gp", np.where(undefined, 0.0, ratios), t)
    out[(undefined.astype(float) @ (t.T != 0)) > 0] = np.nan
    return out


def table(keys: pd.DataFrame, labels: Sequence[tuple[str, str]], n: np.ndarray, n_eff: np.ndarray,
          est: np.ndarray, var: np.ndarray, vsrs: np.ndarray, *, method: str,
          ci: str, level: float, min_n: int,
          composite_interval: str = "logit-linearization",
          bounds: tuple[np.ndarray, np.ndarray] | None = None,
          degf: np.ndarray | None = None, dof: str = "degf", design_based: bool = False,
          census: np.ndarray | None = None, aggregation: str = "pooled",
          lonely: str = "adjust", lonely_strata: np.ndarray | None = None) -> pd.DataFrame:
    """Assemble the long result table from ``(G, P)`` arrays (fractions).

    Criterion indices that are proportions (``top2box``) and expectation
    indices get the chosen score/exact interval with ``n_eff`` trials. The
    others (composites, ``mean_pct`` criteria) get ``bounds`` when given (a
    bootstrap percentile interval) or the logit-scale linearised interval.
    Where either is undefined (index at 0 or 100 %, or zero variance) the
    Wilson interval with ``n_eff`` stands in, marked ``wilson-boundary``,
    so no interval has zero width unless the estimate comes from a census.

    ``n_eff`` comes in as Kish's ``(sum w)² / sum w²``. With
    ``design_based`` (a design was given: weights, strata or a population
    size) it is replaced by the design's own effective size: ``p (1 - p) /
    Var`` for a criterion or expectation, as R ``svyciprop`` computes it
    for its score-type (``"beta"``) interval, and ``n / deff`` for a
    composite. Kish's value stays where those are 0/0 (an estimate at 0 or
    100 % with no spread); a group sampled in full (``census``) has
    ``n_eff = inf`` and a zero-width interval, as its index has no sampling
    error. With ``dof = "degf"`` the score intervals of a design use
    ``n_eff (t_{n-1} / t_degf)²`` trials (the correction R
    ``svyciprop(method = "beta")`` applies, whatever its ``df``; it is 1
    without a design) and the logit intervals t quantiles on ``degf``
    degrees of freedom (R's default ``df = degf(design)``). ``dof = "inf"``
    drops the correction and uses normal quantiles (R ``df = Inf`` for the
    logit interval).

    A group with fewer than two answers (``n < 2``) has no variance
    estimate (R refuses: "only one primary sampling unit"): its ``se``,
    ``deff`` and interval are NaN and ``note`` says why.
    """
    levels = np.array([lv for lv, _ in labels], dtype=object)
    n_rows = len(labels)
    is_item = (levels == "criterion") | (levels == "expectation")
    proportion = levels == "expectation"
    if method == "top2box":
        proportion |= levels == "criterion"
    n = np.asarray(n, dtype=float)
    single = n < 2
    # influence values that cancel exactly still leave ~1e-33 of rounding
    var = np.where(var < 1e-24, 0.0, var)
    vsrs = np.where(vsrs < 1e-24, 0.0, vsrs)
    se = np.where(np.isnan(est) | single, np.nan, np.sqrt(var))
    with np.errstate(divide="ignore", invalid="ignore"):
        deff = np.where((vsrs > 0) & ~single, var / vsrs, np.nan)
    n_eff = np.asarray(n_eff, dtype=float)
    degf = np.maximum(n - 1, 0) if degf is None else np.asarray(degf, dtype=float)
    whole = np.zeros(est.shape, dtype=bool) if census is None else \
        np.broadcast_to(np.asarray(census, dtype=bool)[:, None], est.shape)
    if design_based:
        with np.errstate(divide="ignore", invalid="ignore"):
            design_n = np.where(is_item, est * (1 - est) / var, n / deff)
        n_eff = np.where(np.isfinite(design_n) & (design_n > 0), design_n, n_eff)
        n_eff = np.where(whole, np.inf, n_eff)
    n_ci = n_eff
    df = degf if dof == "degf" else np.full(est.shape, np.inf)
    if design_based and dof == "degf":
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = t_critical_value(level, n - 1) / t_critical_value(level, degf)
        n_ci = np.where(np.isfinite(ratio), n_eff * ratio * ratio, n_eff)
    finite = np.isfinite(n_ci)
    n_fin = np.where(finite, n_ci, 1.0)
    p_low, p_high = proportion_interval(est * n_fin, n_fin, ci, level)
    if bounds is None:
        c_low, c_high = logit_interval(est, se, level, df)
    else:
        c_low, c_high = bounds
        c_low, c_high = c_low.copy(), c_high.copy()
        flat = ~(c_high > c_low)
        c_low[flat] = np.nan
        c_high[flat] = np.nan
    fallback = np.isnan(c_low) & ~np.isnan(est)
    w_low, w_high = proportion_interval(est * n_fin, n_fin, "wilson", level)
    low = np.where(proportion, p_low, np.where(fallback, w_low, c_low))
    high = np.where(proportion, p_high, np.where(fallback, w_high, c_high))
    low = np.where(finite, low, est)
    high = np.where(finite, high, est)
    unknown = single | np.isnan(est)
    low, high = np.where(unknown, np.nan, low), np.where(unknown, np.nan, high)
    # pick names by index: string np.where over every row is slow for 20k groups
    names = np.array(["", ci, "wilson-boundary", composite_interval, "census"], dtype=object)
    which = np.where(proportion, 1, np.where(fallback, 2, 3))
    which = np.where(finite | np.isnan(est), which, 4)
    interval = names[np.where(unknown, 0, which)]
    notes = np.array(["", NO_ANSWER, SINGLE], dtype=object)
    note = notes[np.where(np.isnan(est), 1, np.where(single, 2, 0))]
    idx_method = np.where(levels == "expectation", "top2box", method).astype(object)
    g = len(keys)
    rows = np.repeat(np.arange(g), n_rows)
    touched = np.zeros(g, dtype=np.int64) if lonely_strata is None else lonely_strata
    n_eff = n_eff.ravel()
    # One frame built from whole columns: assigning them one by one costs
    # more than the arithmetic above for the hundred groups of a page.
    columns = {
        "level": np.tile(levels, g), "code": np.tile(np.array([c for _, c in labels], dtype=object), g),
        "n": n.ravel().astype(np.int64), "n_eff": n_eff, "deff": deff.ravel(),
        "estimate": 100 * est.ravel(), "se": 100 * se.ravel(), "ci_low": 100 * low.ravel(),
        "ci_high": 100 * high.ravel(), "interval": interval.ravel(), "conf_level": level, "df": df.ravel(),
        "index_method": np.tile(idx_method, g), "aggregation": aggregation, "lonely_rule": lonely,
        "lonely_strata": np.repeat(np.asarray(touched, dtype=np.int64), n_rows),
        "low_n": ~(n_eff >= min_n), "note": note.ravel()}
    out = pd.DataFrame(columns, index=pd.RangeIndex(g * n_rows), columns=list(COLUMNS))
    for i, c in enumerate(keys.columns):  # as Series: their dtype is kept, never inferred again
        out.insert(i, c, keys[c].take(rows).reset_index(drop=True))
    return out


def check_common(ci: str, level: float, min_n: int, dof: str = "degf") -> None:
    """Reject an unknown interval method, a level outside (0, 1), a bad min_n or dof."""
    if dof not in DOF:
        raise ValueError(f"dof must be one of {DOF}, got {dof!r}")
    if ci not in PROPORTION_METHODS:
        raise ValueError(f"ci must be one of {PROPORTION_METHODS}, got {ci!r}")
    critical_value(level)
    if not isinstance(min_n, (int, np.integer)) or min_n < 0:
        raise ValueError(f"min_n must be a non-negative integer, got {min_n!r}")
