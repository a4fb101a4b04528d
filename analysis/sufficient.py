"""Indices from per-group counts and cross-products (sufficient statistics).

The web app can let SQL scan the responses and hand over only, per group,
the number of responses, per item the answered count and satisfied sum, and
three item-by-item cross-product matrices. For an unweighted, unstratified
sample these give exactly what :func:`analysis.estimate` gives from the rows.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Sequence

import numpy as np
import pandas as pd

from .design import group_rows
from .results import check_common, combine, layout, table
from .scheme import Scheme
from .scoring import answered_satisfied, check_method

_ROWS = 8192  # rows per chunk of outer products: bounds memory at k² * 8 KiB


@dataclass(frozen=True, eq=False)
class SufficientStats:
    """Per-group sums from which every index and its variance follow.

    With ``a_ij`` = 1 if respondent ``i`` answered item ``j`` and ``y_ij``
    its satisfied value (see :mod:`analysis.scoring`), for each group ``g``:

    - ``n[g]``: responses;
    - ``answered[g, j] = sum a_j``, ``satisfied[g, j] = sum y_j``;
    - ``aa[g, j, k] = sum a_j a_k``, ``ay[g, j, k] = sum a_j y_k``,
      ``yy[g, j, k] = sum y_j y_k``.

    In SQL each is ``SUM`` of a product of two indicators ``GROUP BY`` the
    keys. All are sums over respondents, so the statistics of two disjoint
    sets of responses add up: ``s1 + s2`` (aligned on ``keys``) equals the
    statistics of their union.

    Parameters may be any array-likes; they are stored as float arrays.
    ``keys`` holds one row per group (the grouping columns); ``codes`` names
    the items, criteria of ``scheme`` first, then expectations; ``method`` is
    the scoring the ``y`` values were computed with.
    """

    codes: tuple[str, ...]
    n: np.ndarray
    answered: np.ndarray
    satisfied: np.ndarray
    aa: np.ndarray
    ay: np.ndarray
    yy: np.ndarray
    keys: pd.DataFrame = field(default=None)
    method: str = "top2box"

    def __post_init__(self):
        check_method(self.method)
        n = np.atleast_1d(np.asarray(self.n, dtype=float))
        g, k = len(n), len(self.codes)
        shapes = {"answered": (g, k), "satisfied": (g, k), "aa": (g, k, k),
                  "ay": (g, k, k), "yy": (g, k, k)}
        for name, shape in shapes.items():
            arr = np.asarray(getattr(self, name), dtype=float).reshape(shape) \
                if np.size(getattr(self, name)) == np.prod(shape) else None
            if arr is None:
                raise ValueError(f"{name} must have shape {shape}")
            object.__setattr__(self, name, arr)
        keys = self.keys if self.keys is not None else pd.DataFrame(index=range(g))
        if len(keys) != g:
            raise ValueError(f"keys has {len(keys)} rows for {g} groups")
        object.__setattr__(self, "keys", keys.reset_index(drop=True))
        object.__setattr__(self, "codes", tuple(self.codes))
        object.__setattr__(self, "n", n)

    def __add__(self, other: "SufficientStats") -> "SufficientStats":
        """Statistics of the union of two disjoint sets of responses."""
        if other.codes != self.codes or other.method != self.method:
            raise ValueError("can only add statistics of the same items and method")
        if list(other.keys.columns) != list(self.keys.columns):
            raise ValueError("can only add statistics grouped by the same columns")
        keys = pd.concat([self.keys, other.keys], ignore_index=True)
        gid, new_keys = group_rows(keys, list(keys.columns))
        g = len(new_keys)

        def add(name):
            both = np.concatenate([getattr(self, name), getattr(other, name)])
            out = np.zeros((g,) + both.shape[1:])
            np.add.at(out, gid, both)
            return out
        return SufficientStats(self.codes, *(add(f) for f in ("n", "answered", "satisfied",
                                                              "aa", "ay", "yy")),
                               keys=new_keys, method=self.method)


def sufficient_stats(df: pd.DataFrame, scheme: Scheme | None = None,
                     by: Sequence[str] = (), method: str = "top2box") -> SufficientStats:
    """Compute :class:`SufficientStats` from one row per response."""
    scheme = scheme or Scheme.sipas_service_delivery()
    codes, _, a, y = answered_satisfied(df, scheme, method)
    gid, keys = group_rows(df, by)
    g = len(keys)
    order = np.argsort(gid, kind="stable")
    gid, a, y = gid[order], a[order], y[order]
    k = len(codes)
    sums = {name: np.zeros((g, k, k)) for name in ("aa", "ay", "yy")}
    for lo in range(0, len(gid), _ROWS):  # chunks of rows; groups vectorised within
        ids = gid[lo:lo + _ROWS]
        starts = np.flatnonzero(np.r_[True, ids[1:] != ids[:-1]])
        ac, yc = a[lo:lo + _ROWS], y[lo:lo + _ROWS]
        for name, (p, q) in {"aa": (ac, ac), "ay": (ac, yc), "yy": (yc, yc)}.items():
            sums[name][ids[starts]] += np.add.reduceat(p[:, :, None] * q[:, None, :],
                                                       starts, axis=0)
    return SufficientStats(codes, np.bincount(gid, minlength=g),
                           np.stack([np.bincount(gid, a[:, j], g) for j in range(k)], 1),
                           np.stack([np.bincount(gid, y[:, j], g) for j in range(k)], 1),
                           keys=keys, method=method, **sums)


def estimate_from_stats(stats: SufficientStats, scheme: Scheme | None = None,
                        ci: str = "wilson", level: float = 0.95,
                        min_n: int = 30) -> pd.DataFrame:
    """The table of :func:`analysis.estimate` from sufficient statistics.

    The sample is taken as unweighted and unstratified, and as the union of
    the groups in ``stats`` (so each group is a domain of it, as in
    ``estimate(df, by=...)`` on the same responses).

    Notes
    -----
    With ``R_j = Y_j / X_j``, the influence ``r_j = (y_j - R_j a_j) / X_j``
    sums to zero in every group, and for an estimate ``sum_j c_j R_j``

        sum_i r_i² = sum_jk c_j c_k (yy_jk - R_k ay_kj - R_j ay_jk
                                     + R_j R_k aa_jk) / (X_j X_k),

    whose variance is ``N/(N-1) sum_i r_i²`` (``N`` all responses) and whose
    simple-random-sampling variance in a group of ``m`` is
    ``m/(m-1) sum_i r_i²``.
    """
    scheme = scheme or Scheme.sipas_service_delivery()
    check_common(ci, level, min_n)
    k_crit = len(scheme.criteria)
    if stats.codes[:k_crit] != scheme.criteria:
        raise ValueError("stats do not start with the scheme's criteria")
    labels, t = layout(scheme, stats.codes, k_crit)
    x = stats.answered
    with np.errstate(divide="ignore", invalid="ignore"):
        ratios = stats.satisfied / x
        rz = np.nan_to_num(ratios)
        q = (stats.yy - rz[:, None, :] * stats.ay.transpose(0, 2, 1)
             - rz[:, :, None] * stats.ay + rz[:, :, None] * rz[:, None, :] * stats.aa)
        q = np.nan_to_num(q / (x[:, :, None] * x[:, None, :]))
    ssq = np.einsum("pj,gjk,pk->gp", t, q, t)
    total, m = stats.n.sum(), stats.n[:, None]
    with np.errstate(divide="ignore", invalid="ignore"):
        var = total / (total - 1) * ssq
        vsrs = m / (m - 1) * ssq
    is_item = np.array([lv in ("criterion", "expectation") for lv, _ in labels])
    n = np.where(is_item, x[:, np.argmax(t, axis=1)], m)
    return table(stats.keys, labels, n, n.astype(float), combine(ratios, t), var, vsrs,
                 k_crit=k_crit, method=stats.method, ci=ci, level=level, min_n=min_n)
