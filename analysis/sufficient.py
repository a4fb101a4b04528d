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

from .design import group_rows, group_sum
from .results import check_common, combine, layout, table
from .scheme import Scheme
from .scoring import answered_satisfied, check_method

_ARRAYS = ("n", "answered", "satisfied", "aa", "ay", "yy")
_BLOCK = 256             # rows per block of a group's cross-products
_BLOCKS_PER_CHUNK = 512  # blocks per batch: 2 x 512 x 256 x k doubles


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
        both = SufficientStats(self.codes, *(np.concatenate([getattr(self, f), getattr(other, f)])
                                             for f in _ARRAYS),
                               keys=pd.concat([self.keys, other.keys], ignore_index=True),
                               method=self.method)
        return both.regroup(list(self.keys.columns))

    def regroup(self, columns: Sequence[str] = ()) -> "SufficientStats":
        """Coarser groups: sum the groups that share ``columns`` of the keys.

        ``regroup(["field"])`` turns per-service statistics into per-field
        ones; ``regroup()`` gives the total. Sums over respondents, so exact.
        """
        gid, keys = group_rows(self.keys, list(columns))

        def add(arr):
            out = np.zeros((len(keys),) + arr.shape[1:])
            np.add.at(out, gid, arr)
            return out
        return SufficientStats(self.codes, *(add(getattr(self, f)) for f in _ARRAYS),
                               keys=keys, method=self.method)


def sufficient_stats(df: pd.DataFrame, scheme: Scheme | None = None,
                     by: Sequence[str] = (), method: str = "top2box") -> SufficientStats:
    """Compute :class:`SufficientStats` from one row per response.

    Notes
    -----
    Rows are sorted by group and cut into blocks of at most ``_BLOCK`` rows
    that never straddle two groups; the blocks' cross-products are batched
    matrix products (``A_b' A_b``), summed into their groups. No Python loop
    runs per group, and memory stays bounded whatever the group sizes.
    """
    scheme = scheme or Scheme.sipas_service_delivery()
    codes, _, a, y = answered_satisfied(df, scheme, method)
    gid, keys = group_rows(df, by)
    g, k = len(keys), len(codes)
    answered, satisfied = group_sum(gid, a, g), group_sum(gid, y, g)
    order = np.argsort(gid, kind="stable")
    # row gathers from row-major copies: far faster than from column-major
    gid, a, y = gid[order], np.ascontiguousarray(a)[order], np.ascontiguousarray(y)[order]
    sizes = np.bincount(gid, minlength=g)
    first_row = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    per_group = -(-sizes // _BLOCK)
    first_block = np.concatenate([[0], np.cumsum(per_group)[:-1]])
    pos = np.arange(len(gid)) - first_row[gid]
    block = first_block[gid] + pos // _BLOCK
    slot = pos % _BLOCK
    block_group = np.repeat(np.arange(g), per_group)
    n_blocks = len(block_group)
    block_row = np.searchsorted(block, np.arange(n_blocks + 1))
    sums = {name: np.zeros((g, k, k)) for name in ("aa", "ay", "yy")}
    for b0 in range(0, n_blocks, _BLOCKS_PER_CHUNK):
        b1 = min(b0 + _BLOCKS_PER_CHUNK, n_blocks)
        rows = slice(block_row[b0], block_row[b1])
        pa = np.zeros((b1 - b0, _BLOCK, k))
        py = np.zeros((b1 - b0, _BLOCK, k))
        pa[block[rows] - b0, slot[rows]] = a[rows]
        py[block[rows] - b0, slot[rows]] = y[rows]
        at = pa.transpose(0, 2, 1)
        for name, prod in (("aa", at @ pa), ("ay", at @ py),
                           ("yy", py.transpose(0, 2, 1) @ py)):
            np.add.at(sums[name], block_group[b0:b1], prod)
    return SufficientStats(codes, sizes, answered, satisfied,
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
    # The quadratic form cancels; what is left of a true zero (every answer
    # alike) is rounding. Below 1e-12 of the size of its terms, call it zero.
    with np.errstate(divide="ignore", invalid="ignore"):
        size = np.nan_to_num((stats.yy + rz[:, None, :] * stats.ay.transpose(0, 2, 1)
                              + rz[:, :, None] * stats.ay + rz[:, :, None] * rz[:, None, :]
                              * stats.aa) / (x[:, :, None] * x[:, None, :]))
    ssq[ssq <= 1e-12 * np.einsum("pj,gjk,pk->gp", np.abs(t), size, np.abs(t))] = 0.0
    total, m = stats.n.sum(), stats.n[:, None]
    with np.errstate(divide="ignore", invalid="ignore"):
        var = total / (total - 1) * ssq
        vsrs = m / (m - 1) * ssq
    is_item = np.array([lv in ("criterion", "expectation") for lv, _ in labels])
    n = np.where(is_item, x[:, np.argmax(t, axis=1)], m)
    return table(stats.keys, labels, n, n.astype(float), combine(ratios, t), var, vsrs,
                 method=stats.method, ci=ci, level=level, min_n=min_n)
