"""Differences between two periods or two services, with adjusted p-values."""
from __future__ import annotations

from typing import Mapping, Sequence

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike
from scipy import special

from .indices import Fit, finish, fit
from .intervals import PROPORTION_METHODS, critical_value, newcombe_difference
from .scheme import Scheme


def holm(p: ArrayLike) -> np.ndarray:
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


def benjamini_hochberg(p: ArrayLike) -> np.ndarray:
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


def compare(df: pd.DataFrame, between: str, a: object, b: object, by: Sequence[str] = (),
            scheme: Scheme | None = None, weight: str | None = None,
            strata: str | None = None, fpc: str | None = None,
            method: str = "top2box", level: float = 0.95, min_n: int = 30,
            lonely: str = "adjust") -> pd.DataFrame:
    """Index of ``a`` minus index of ``b`` for every criterion, element and overall.

    Parameters
    ----------
    df : DataFrame
        Responses of both sides (and any others: they stay in the design),
        as for :func:`analysis.estimate`.
    between : str
        Column telling the sides apart (period, service...).
    a, b
        The two values of ``between`` to compare.
    by, scheme, weight, strata, fpc, method, level, min_n, lonely
        As in :func:`analysis.estimate`.

    Returns
    -------
    DataFrame
        The ``by`` columns, ``level``, ``code``, ``n_a``, ``n_b``,
        ``estimate_a``, ``estimate_b``, ``difference``, ``se``, ``ci_low``,
        ``ci_high`` (percentage points), ``interval``, ``p_value``,
        ``p_holm``, ``p_bh``, ``conf_level``, ``index_method``, ``low_n``.

    Notes
    -----
    Both sides are domains of one sample, so the difference's variance is
    ``V_a + V_b - 2 Cov(a, b)`` from the joint design: ``se`` is what R
    ``svycontrast(svyby(~y, ~between, design, svyratio, denominator = ~a,
    covmat = TRUE), c(1, -1))`` gives for a criterion, and
    ``svycontrast(svyby(~y_TC1 + ... + a_PA3, ~between, design, svytotal,
    covmat = TRUE), quote(index_a - index_b))`` for a composite. Disjoint
    domains share no respondent, so their covariance is ``-sum_h (1 - f_h)
    n_h/(n_h - 1) S_ah S_bh / n_h`` over the strata they share (``S`` the
    domain's sum of weighted influence values in the stratum): zero without
    strata, not zero when the sides cut across them.

    Without a design (no weights, strata or fpc), proportions (``top2box``
    criteria, expectations) get Newcombe's hybrid score interval and the
    pooled score test ``z = (p_a - p_b) / sqrt(pbar (1 - pbar) (1/n_a +
    1/n_b))``. With a design, and for composites and ``mean_pct`` always,
    the interval is ``d ± z se`` and the p-value the Wald test on the same
    design ``se`` printed beside them. Where both sides have zero variance
    (both at 0 or 100 %) the Newcombe interval with ``n_eff`` stands in
    (``newcombe-boundary``). Holm and Benjamini-Hochberg adjustments run
    over every comparison of the call as one family.

    References
    ----------
    Newcombe, R. G. (1998). Statistics in Medicine 17, 873-890.
    Lumley, T. (2010). Complex Surveys: A Guide to Analysis Using R, 2.3-2.4.
    """
    scheme = scheme or Scheme.sipas_service_delivery()
    if between not in df.columns:
        raise ValueError(f"column {between!r} is not in the data")
    for value in (a, b):
        if not (df[between] == value).any():
            raise ValueError(f"no responses with {between} == {value!r}")
    f, _, _ = fit(df, scheme, [*by, between], weight, strata, fpc, method, lonely)
    var = f.variances()[0]
    sides = finish(f, var=var, method=method, ci="wilson", level=level, min_n=min_n,
                   dof="inf", lonely=lonely)
    keys = f.keys.reset_index(drop=True)
    ia = np.flatnonzero((keys[between] == a).to_numpy())
    ib = np.flatnonzero((keys[between] == b).to_numpy())
    side_keys = [keys.iloc[ia][list(by)].assign(_a=ia), keys.iloc[ib][list(by)].assign(_b=ib)]
    pairs = (side_keys[0].merge(side_keys[1], on=list(by), sort=True) if by
             else side_keys[0].merge(side_keys[1], how="cross"))
    ga, gb = pairs["_a"].to_numpy(), pairs["_b"].to_numpy()
    cov = _domain_covariance(f, ga, gb)
    var_d = np.clip(var[ga] + var[gb] - 2 * cov, 0, None)
    n_est = len(f.labels)
    side_a = sides.iloc[(ga[:, None] * n_est + np.arange(n_est)).ravel()].reset_index(drop=True)
    side_b = sides.iloc[(gb[:, None] * n_est + np.arange(n_est)).ravel()].reset_index(drop=True)
    se = np.sqrt(np.where(var_d < 1e-24, 0.0, var_d)).ravel()
    prop = side_a["interval"].isin(PROPORTION_METHODS).to_numpy() & (not f.design.given)
    out = _differences(side_a[list(by) + ["level", "code"]], _sides(side_a), _sides(side_b), se, prop, level,
                       "wald-design" if f.design.given else "wald-linearization")
    out.insert(out.columns.get_loc("low_n"), "lonely_rule", lonely)
    return out


def compare_estimates(side_a: pd.DataFrame, side_b: pd.DataFrame, by: Sequence[str] = (),
                      level: float = 0.95) -> pd.DataFrame:
    """:func:`compare` on the estimate tables of two independent samples (e.g. two periods).

    ``side_a`` and ``side_b`` are tables as :func:`analysis.estimate` or
    :func:`analysis.sufficient.estimate_from_stats` return them, with the
    ``by`` key columns; rows are matched on ``by``, ``level`` and ``code``
    (a row on one side only is left out).

    Notes
    -----
    Different respondents on each side: no covariance, so ``se = sqrt(se_a²
    + se_b²)``; the intervals and tests are then those of :func:`compare`
    without a design (Newcombe for proportions, Wald for composites).
    """
    keys = list(by) + ["level", "code"]
    cols = ["n", "n_eff", "estimate", "se", "interval", "index_method", "low_n"]
    # only the columns used take part in the merge: the same rows, less to copy
    m = side_a[keys + cols].merge(side_b[keys + cols], on=keys, suffixes=("_a", "_b"), sort=False)
    a, b = ({c: m[f"{c}{end}"].to_numpy() for c in cols} for end in ("_a", "_b"))
    se = np.hypot(m["se_a"].to_numpy(dtype=float), m["se_b"].to_numpy(dtype=float)) / 100
    prop = m["interval_a"].isin(PROPORTION_METHODS).to_numpy()
    return _differences(m[keys], a, b, se, prop, level, "wald-linearization")


def _sides(side: pd.DataFrame) -> dict[str, np.ndarray]:
    """The columns of one side of an estimate table that :func:`_differences` reads."""
    return {c: side[c].to_numpy() for c in ("n", "n_eff", "estimate", "index_method", "low_n")}


def _differences(keys: pd.DataFrame, side_a: Mapping[str, np.ndarray], side_b: Mapping[str, np.ndarray],
                 se: np.ndarray, prop: np.ndarray, level: float, wald: str) -> pd.DataFrame:
    """The difference table of aligned sides given the difference's standard error (fractions).

    ``keys``: the rows' key columns (``by``, level, code); each side its
    ``n``, ``n_eff``, ``estimate`` (%), ``index_method`` and ``low_n``.
    """
    pa, pb = side_a["estimate"] / 100, side_b["estimate"] / 100
    na, nb = side_a["n_eff"], side_b["n_eff"]
    d = pa - pb
    z = critical_value(level)
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
    # no spread on either side (both at 0 or 100 %) would give a zero-width
    # Wald interval: the score interval with n_eff stands in
    boundary = ~prop & (se == 0) & ~np.isnan(d)
    use_score = prop | boundary
    low_a, low_b = side_a["low_n"], side_b["low_n"]
    low_n = (low_a | low_b if low_a.dtype == bool and low_b.dtype == bool
             else (pd.Series(low_a) | pd.Series(low_b)).to_numpy())
    out = pd.DataFrame({
        "n_a": side_a["n"], "n_b": side_b["n"], "estimate_a": 100 * pa, "estimate_b": 100 * pb,
        "difference": 100 * d, "se": 100 * se,
        "ci_low": 100 * np.where(use_score, n_low, d - z * se),
        "ci_high": 100 * np.where(use_score, n_high, d + z * se),
        "interval": np.where(prop, "newcombe", np.where(boundary, "newcombe-boundary", wald)),
        "p_value": p_value, "p_holm": holm(p_value), "p_bh": benjamini_hochberg(p_value),
        "conf_level": level, "index_method": side_a["index_method"], "low_n": low_n},
        index=pd.RangeIndex(len(keys)))
    for i, c in enumerate(keys.columns):  # as Series: their dtype is kept
        out.insert(i, c, keys[c].reset_index(drop=True))
    return out


def _domain_covariance(f: Fit, ga: np.ndarray, gb: np.ndarray) -> np.ndarray:
    """Design covariance ``(pairs, P)`` of the estimates of disjoint groups ``ga``, ``gb``."""
    d = f.design
    s1 = np.zeros((d.n_groups, d.n_strata, f.moments.shape[2]))
    s1[d.cell_group, d.cell_stratum] = f.moments[0]
    per_stratum = np.zeros(d.n_strata)
    per_stratum[d.cell_stratum] = d.cell_scale * d.cell_centre / d.cell_nh
    cross = np.einsum("h,ghp,ghp->gp", per_stratum, s1[ga], s1[gb])
    return np.asarray(-d.var_factor * cross)
