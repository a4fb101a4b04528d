"""Sample sizes for the annual measurement plan and their allocation to services."""
from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from .intervals import critical_value

# Sizes are whole responses; a formula landing a hair above an integer only
# through floating-point error must not add one.
_EPS = 1e-9


def _check(N: float | None = None, e: float | None = None, p: float | None = None) -> None:
    if N is not None and not (N >= 1 and math.isfinite(N)):
        raise ValueError(f"population N must be at least 1, got {N!r}")
    if e is not None and not 0 < e < 1:
        raise ValueError(f"margin must be between 0 and 1 (a fraction), got {e!r}")
    if p is not None and not 0 <= p <= 1:
        raise ValueError(f"p must be between 0 and 1, got {p!r}")


def yamane(N: float, e: float = 0.05) -> int:
    """Yamane's sample size ``n = N / (1 + N e²)``, rounded up.

    The ministry's formula, with ``N`` the dossiers of the period and ``e``
    the margin (5 % by default). It is Cochran's with ``p = 0.5`` and
    ``z² ≈ 4`` approximately.

    References
    ----------
    Yamane, T. (1967). Statistics: An Introductory Analysis. Harper & Row.
    """
    _check(N, e)
    return math.ceil(N / (1 + N * e * e) - _EPS)


def cochran(N: float | None = None, e: float = 0.05, p: float = 0.5,
            level: float = 0.95) -> int:
    """Cochran's size for a proportion, with finite-population correction.

    Notes
    -----
    ``n0 = z² p (1 - p) / e²``; with a population ``N``, ``n = n0 / (1 + (n0 -
    1) / N)``; rounded up, at least 1. Near ``p = 1`` ``n0`` tends to 0: the
    Wald margin it targets is meaningless there, use :func:`wilson_target`.

    References
    ----------
    Cochran, W. G. (1977). Sampling Techniques, 3rd ed., section 4.4. Wiley.
    """
    _check(N, e, p)
    n0 = critical_value(level) ** 2 * p * (1 - p) / (e * e)
    n = n0 if N is None else n0 / (1 + (n0 - 1) / N)
    return max(1, math.ceil(n - _EPS))


def wilson_half_width(n: ArrayLike, p: float, level: float = 0.95) -> np.ndarray:
    """Half-width of the Wilson interval at observed proportion ``p`` with ``n`` answers."""
    z = critical_value(level)
    m = np.asarray(n, dtype=float)
    half: np.ndarray = z / (1 + z * z / m) * np.sqrt(p * (1 - p) / m + z * z / (4 * m * m))
    return half


def wilson_target(half_width: float, p: float = 0.9, level: float = 0.95,
                  N: float | None = None) -> int:
    """Smallest ``n`` whose Wilson interval at ``p`` is at most ``± half_width``.

    Notes
    -----
    Solved by search on the exact half-width (see :func:`wilson_half_width`),
    which decreases in ``n``. At ``p = 1`` it is ``z² / (2 (n + z²))``, so
    ±5 points need 35 answers where Cochran says 1. With ``N`` the same
    finite-population correction as Cochran's is applied, capped at ``N``.
    """
    _check(N, half_width, p)
    hi = 1
    while wilson_half_width(hi, p, level) > half_width:
        hi *= 2
    lo = hi // 2  # half-width(lo) > target or lo == 0
    while hi - lo > 1:
        mid = (lo + hi) // 2
        lo, hi = (mid, hi) if wilson_half_width(mid, p, level) > half_width else (lo, mid)
    if N is None:
        return hi
    return min(math.ceil(N - _EPS), max(1, math.ceil(hi / (1 + (hi - 1) / N) - _EPS)))


def allocate(total: int, sizes: Mapping[object, float] | pd.Series | ArrayLike, how: str = "proportional",
             minimum: int = 0) -> pd.Series | np.ndarray:
    """Split ``total`` responses across services.

    Parameters
    ----------
    total : int
        Responses to collect in all.
    sizes : mapping, Series or array_like
        Population (dossiers) of each service.
    how : {"proportional", "equal"}
        Shares proportional to ``sizes`` or equal.
    minimum : int
        At least this many per service (or its whole population if smaller).

    Returns
    -------
    Series or ndarray
        Whole numbers summing to ``min(total, sum(sizes))``, none above its
        service's population; a Series when ``sizes`` was a mapping/Series.

    Notes
    -----
    The continuous allocation ``clip(λ s_i, min_i, N_i)`` (``s_i`` the share)
    is solved for ``λ`` by bisection, then rounded by largest remainder.
    """
    if how not in ("proportional", "equal"):
        raise ValueError(f"how must be 'proportional' or 'equal', got {how!r}")
    index = None
    if isinstance(sizes, dict):
        sizes = pd.Series(sizes)
    if isinstance(sizes, pd.Series):
        index, sizes = sizes.index, sizes.to_numpy()
    upper = np.asarray(sizes, dtype=float)
    if upper.ndim != 1 or len(upper) == 0 or np.any(~(upper >= 0)):
        raise ValueError("sizes must be a non-empty list of non-negative numbers")
    if int(total) != total or total < 0 or int(minimum) != minimum or minimum < 0:
        raise ValueError("total and minimum must be non-negative whole numbers")
    lower = np.minimum(minimum, upper)
    if total < lower.sum():
        raise ValueError(f"total {total} is below the minimum of {int(lower.sum())} "
                         f"({minimum} per service)")
    target = min(float(total), upper.sum())
    share = upper if how == "proportional" else (upper > 0).astype(float)
    lo, hi = 0.0, 1.0
    while np.clip(hi * share, lower, upper).sum() < target:
        hi *= 2
    for _ in range(200):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if np.clip(mid * share, lower, upper).sum() < target else (lo, mid)
    x = np.clip(hi * share, lower, upper)
    n = np.floor(x + _EPS)
    left = int(round(target - n.sum()))
    if left > 0:
        room = np.where(n < upper, x - n, -np.inf)
        n[np.argsort(-room, kind="stable")[:left]] += 1
    elif left < 0:
        room = np.where(n > lower, n - x, -np.inf)
        n[np.argsort(-room, kind="stable")[:-left]] -= 1
    n = n.astype(np.int64)
    return pd.Series(n, index=index) if index is not None else n
