"""Confidence intervals for proportions and for indices on the logit scale.

Pure vectorised functions over arrays; proportions are fractions in 0..1
here, the callers turn them into percentages.
"""
from __future__ import annotations

import numpy as np

# scipy.special, not scipy.stats: the same quantiles without a two-second
# import, which every command-line call would pay.
from numpy.typing import ArrayLike
from scipy import special

PROPORTION_METHODS = ("wilson", "exact", "jeffreys")


def critical_value(level: float) -> float:
    """Two-sided normal quantile for a confidence level in (0, 1)."""
    if not 0 < level < 1:
        raise ValueError(f"level must be between 0 and 1, got {level!r}")
    return float(-special.ndtri((1 - level) / 2))


def proportion_interval(count: ArrayLike, nobs: ArrayLike, method: str = "wilson",
                        level: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """Confidence interval for a binomial proportion ``count / nobs``.

    Parameters
    ----------
    count, nobs : array_like
        Successes and trials. Need not be integers: with survey weights the
        callers pass ``p * n_eff`` and ``n_eff``.
    method : {"wilson", "exact", "jeffreys"}
        Wilson score, Clopper-Pearson ("exact") or Jeffreys (equal-tailed
        Beta(x + 1/2, n - x + 1/2) posterior interval).
    level : float
        Confidence level.

    Returns
    -------
    low, high : ndarray
        Bounds in 0..1; NaN where ``nobs`` is 0. The lower bound is exactly 0
        at ``count = 0`` and the upper exactly 1 at ``count = nobs``, for
        every method, and ``low <= count / nobs <= high`` always holds in
        floating point.

    Notes
    -----
    Wilson: ``(p + z²/2n ± z sqrt(p(1-p)/n + z²/4n²)) / (1 + z²/n)``. At
    ``p = 1`` its lower bound is ``n / (n + z²)`` (88.65 % for n = 30 at
    95 %), never 1, so a perfect score still carries its uncertainty.
    Clopper-Pearson bounds are Beta quantiles, set to 0 at ``x = 0`` and to 1
    at ``x = n``; the interval never covers less than the nominal level.
    Jeffreys follows Brown, Cai and DasGupta's modification: lower bound 0 at
    ``x = 0`` and upper bound 1 at ``x = n`` (statsmodels leaves the raw
    Beta quantile there, which excludes the estimate itself); elsewhere it
    equals statsmodels' ``method="jeffreys"``.

    References
    ----------
    Brown, L. D., Cai, T. T. and DasGupta, A. (2001). Interval estimation for
    a binomial proportion. Statistical Science 16(2), 101-133.
    """
    if method not in PROPORTION_METHODS:
        raise ValueError(f"ci must be one of {PROPORTION_METHODS}, got {method!r}")
    x = np.asarray(count, dtype=float)
    n = np.asarray(nobs, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        p = x / n
        alpha = 1 - level
        if method == "wilson":
            z = critical_value(level)
            denom = 1 + z * z / n
            center = (p + z * z / (2 * n)) / denom
            half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
            low, high = center - half, center + half
        else:
            shift = 0.5 if method == "jeffreys" else 0.0
            a_low, a_high = (x + shift, x + 1 - shift) if shift else (x, x + 1)
            b_low, b_high = (n - x + shift, n - x + shift) if shift else (n - x + 1, n - x)
            low = special.betaincinv(a_low, b_low, alpha / 2)
            high = special.betaincinv(a_high, b_high, 1 - alpha / 2)
        # Exactly 0 and 1 at the ends, and never beside the estimate: Wilson's
        # formula leaves 1 - 1e-16 at x = n for n = 10, 13, 25, ... (rounding),
        # which would put a 100 % estimate outside its own interval.
        low = np.where(x <= 0, 0.0, np.minimum(np.clip(low, 0, 1), p))
        high = np.where(x >= n, 1.0, np.maximum(np.clip(high, 0, 1), p))
    bad = ~(n > 0)
    return np.where(bad, np.nan, low), np.where(bad, np.nan, high)


def t_critical_value(level: float, df: ArrayLike) -> np.ndarray:
    """Two-sided Student t quantile with ``df`` degrees of freedom (normal at inf).

    NaN where ``df`` is not positive (R's ``qt`` gives NaN there too).
    """
    critical_value(level)
    d = np.asarray(df, dtype=float)
    with np.errstate(invalid="ignore"):
        return np.where(d > 0, -special.stdtrit(np.where(d > 0, d, 1.0), (1 - level) / 2),
                        np.nan)


def logit_interval(estimate: ArrayLike, se: ArrayLike, level: float = 0.95,
                   df: ArrayLike = np.inf) -> tuple[np.ndarray, np.ndarray]:
    """Wald interval built on the logit scale and mapped back to 0..1.

    Notes
    -----
    ``logit(p) ± q se / (p (1 - p))`` (delta method), then the inverse logit,
    with ``q`` the t quantile on ``df`` degrees of freedom. With ``df =
    degf(design)`` this reproduces R ``confint(svyglm(y ~ 1, design, family =
    quasibinomial), ddf = degf(design))``, i.e. ``svyciprop(~y, design,
    method = "logit")`` with its default ``df``; with ``df = inf`` it is
    ``svyciprop(~y, design, method = "logit", df = Inf)``. The bounds stay
    inside 0..1. Undefined (NaN) where ``p`` is 0 or 1 or ``se`` is 0: the
    callers then fall back to a score interval.
    """
    p = np.asarray(estimate, dtype=float)
    s = np.asarray(se, dtype=float)
    z = t_critical_value(level, df)
    with np.errstate(invalid="ignore", divide="ignore"):
        ok = (p > 0) & (p < 1) & (s > 0)
        centre = np.log(p / (1 - p))
        half = z * s / (p * (1 - p))
        low = 1 / (1 + np.exp(-(centre - half)))
        high = 1 / (1 + np.exp(-(centre + half)))
    return np.where(ok, low, np.nan), np.where(ok, high, np.nan)


def newcombe_difference(x1: ArrayLike, n1: ArrayLike, x2: ArrayLike, n2: ArrayLike,
                        level: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """Newcombe's hybrid score interval for ``p1 - p2`` (independent samples).

    Notes
    -----
    With Wilson bounds ``(l_i, u_i)`` for each proportion,
    ``d - sqrt((p1 - l1)² + (u2 - p2)²)`` to
    ``d + sqrt((u1 - p1)² + (p2 - l2)²)`` (Newcombe's method 10). It equals
    statsmodels' ``confint_proportions_2indep(method="newcomb")``.

    References
    ----------
    Newcombe, R. G. (1998). Interval estimation for the difference between
    independent proportions: comparison of eleven methods. Statistics in
    Medicine 17, 873-890.
    """
    with np.errstate(invalid="ignore", divide="ignore"):
        p1 = np.asarray(x1, float) / np.asarray(n1, float)
        p2 = np.asarray(x2, float) / np.asarray(n2, float)
    l1, u1 = proportion_interval(x1, n1, "wilson", level)
    l2, u2 = proportion_interval(x2, n2, "wilson", level)
    d = p1 - p2
    return (d - np.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2),
            d + np.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2))
