"""Indices from per-group counts and cross-products (sufficient statistics).

The web app can let SQL scan the responses and hand over only, per group,
the number of responses, per item the answered count and satisfied sum, and
three item-by-item cross-product matrices. For an unweighted, unstratified
sample these give exactly what :func:`analysis.estimate` gives from the rows.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Sequence

import numpy as np
import pandas as pd

from .aggregate import aggregated_over
from .design import check_lonely, group_rows, group_sum
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

    def __post_init__(self) -> None:
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
        both = self._with(lambda f: np.concatenate([getattr(self, f), getattr(other, f)]),
                          pd.concat([self.keys, other.keys], ignore_index=True))
        return both.regroup(list(self.keys.columns))

    def _with(self, array: Callable[[str], np.ndarray], keys: pd.DataFrame) -> "SufficientStats":
        """The same items and method with each of ``_ARRAYS`` given by ``array(name)``."""
        n, answered, satisfied, aa, ay, yy = (array(f) for f in _ARRAYS)
        return SufficientStats(self.codes, n, answered, satisfied, aa, ay, yy, keys=keys, method=self.method)

    def subset(self, keep: np.ndarray) -> "SufficientStats":
        """The groups where the boolean mask ``keep`` is true."""
        keep = np.asarray(keep, dtype=bool)
        return self._with(lambda f: getattr(self, f)[keep], self.keys[keep].reset_index(drop=True))

    def regroup(self, columns: Sequence[str] = ()) -> "SufficientStats":
        """Coarser groups: sum the groups that share ``columns`` of the keys.

        ``regroup(["field"])`` turns per-service statistics into per-field
        ones; ``regroup()`` gives the total. Sums over respondents, so exact.
        """
        gid, keys = group_rows(self.keys, list(columns))

        def add(name: str) -> np.ndarray:
            # bincount over (group, entry) adds in row order from 0.0, the
            # same sums as np.add.at to the bit, at a fraction of its cost
            arr = getattr(self, name)
            flat = arr.reshape(len(arr), int(np.prod(arr.shape[1:])))
            m = flat.shape[1]
            where = (gid[:, None] * m + np.arange(m)).ravel()
            out = np.bincount(where, weights=flat.ravel(), minlength=len(keys) * m)
            return out.reshape((len(keys),) + arr.shape[1:])
        return self._with(add, keys)


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
                        ci: str = "wilson", level: float = 0.95, min_n: int = 30,
                        by: Sequence[str] | None = None, strata: str | None = None,
                        lonely: str = "adjust", dof: str = "degf",
                        aggregation: str = "pooled", service: str = "service",
                        unit: str = "unit") -> pd.DataFrame:
    """The table of :func:`analysis.estimate` from sufficient statistics.

    The sample is taken as unweighted, as the union of the groups in
    ``stats``, and stratified by the key column ``strata`` when given. The
    result has one group per value of the ``by`` key columns (default: all
    of them), each a domain of that sample, as ``estimate(df, by=by,
    strata=strata, aggregation=...)`` on the same responses gives.

    Parameters
    ----------
    by : sequence of str, optional
        Key columns of ``stats`` to group the result by.
    strata : str, optional
        Key column of ``stats`` holding the stratum. ``strata="service"``
        makes each service its own sample (the annual plan draws a quota per
        procedure): a per-service figure then has the service's own ``n/(n -
        1)`` factor, as R ``svydesign(ids = ~1, strata = ~service)`` or a
        design per service gives.
    lonely, dof, aggregation, service, unit
        As in :func:`analysis.estimate`; ``mean_of_services`` and
        ``mean_of_units`` need the ``service`` or ``unit`` key column.

    Notes
    -----
    With ``R_j = Y_j / X_j`` the ratios of a domain ``d`` and, over the
    domain's part of a stratum ``h`` (a sum of groups), ``s1 = sum_i r_i``
    and ``s2 = sum_i r_i²`` of the influence ``r_j = (y_j - R_j a_j) / X_j``
    of an estimate ``sum_j c_j R_j``:

        s1 = sum_j c_j (Y_hj - R_j A_hj) / X_j,
        s2 = sum_jk c_j c_k (yy_jk - R_k ay_kj - R_j ay_jk
                             + R_j R_k aa_jk) / (X_j X_k),

    and the design variance is ``sum_h n_h/(n_h - 1) (s2 - s1² / n_h)``
    (``n_h`` all responses of the stratum; one stratum of ``N`` when none is
    given, where ``s1 = 0``). The simple-random-sampling variance in a
    domain of ``m`` is ``m/(m-1) sum_h s2``. A mean of domain indices has
    per-stratum moments ``sum_f c_f s1_f`` and ``sum_f c_f² s2_f``
    (:mod:`analysis.aggregate`).
    """
    scheme = scheme or Scheme.sipas_service_delivery()
    check_common(ci, level, min_n, dof)
    d = domain_fit(stats, scheme, by, strata, lonely, aggregation, service, unit)
    return table(d.keys, d.labels, d.n, d.n.astype(float), d.est, d.var, d.vsrs, degf=d.degf,
                 design_based=d.design_based, dof=dof, method=stats.method, ci=ci, level=level,
                 min_n=min_n, aggregation=aggregation, lonely=lonely, lonely_strata=d.lonely_strata)


@dataclass(frozen=True)
class DomainFit:
    """Estimates and design variances per domain, before they become the published table.

    ``labels`` and ``t`` as :func:`analysis.results.layout` gives them, with
    any ``extra`` rows of :func:`domain_fit` appended; ``var`` already holds
    the lonely rule's factor; ``degf`` is None without strata (``n - 1``).
    """

    keys: pd.DataFrame
    labels: list[tuple[str, str]]
    t: np.ndarray
    n: np.ndarray
    est: np.ndarray
    var: np.ndarray
    vsrs: np.ndarray
    degf: np.ndarray | None
    design_based: bool
    lonely_strata: np.ndarray


def domain_fit(stats: SufficientStats, scheme: Scheme, by: Sequence[str] | None = None,
               strata: str | None = None, lonely: str = "adjust", aggregation: str = "pooled",
               service: str = "service", unit: str = "unit",
               extra: Sequence[tuple[tuple[str, str], np.ndarray]] = ()) -> DomainFit:
    """What :func:`estimate_from_stats` publishes, as arrays; ``extra``: more linear estimates.

    Each extra estimate is ``(label, c)`` with ``c`` its coefficients over the
    published estimates (the layout's labels): ``c @ est`` with its design
    variance, as R ``svycontrast`` gives for that linear combination.
    """
    check_lonely(lonely)
    k_crit = len(scheme.criteria)
    if stats.codes[:k_crit] != scheme.criteria:
        raise ValueError("stats do not start with the scheme's criteria")
    by = list(stats.keys.columns) if by is None else list(by)
    over = aggregated_over(aggregation, by, service, unit)
    for col in [*by, *([strata] if strata else []), *([over] if over else [])]:
        if col not in stats.keys.columns:
            raise ValueError(f"column {col!r} is not a key of the statistics")
    labels, t = layout(scheme, stats.codes, k_crit)
    if extra:
        labels = [*labels, *(label for label, _c in extra)]
        t = np.vstack([t, np.array([np.asarray(c, dtype=float) @ t for _l, c in extra])])
    is_item = np.array([lv in ("criterion", "expectation") for lv, _ in labels])
    item_col = np.argmax(t, axis=1)
    fine = [*by, over] if over else by
    dom = stats.regroup(fine)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratios = dom.satisfied / dom.answered
    est = combine(ratios, t)
    s1, s2, cell_dom, cell_h, n_h, cell_answered = _cell_moments(stats, dom, fine, strata,
                                                                 ratios, t)
    n = np.where(is_item, dom.answered[:, item_col], dom.n[:, None])
    keys = dom.keys
    responses = dom.n[:, None]
    if over:
        parent, keys = group_rows(dom.keys, by)
        defined = ~np.isnan(est)
        count = np.zeros((len(keys), est.shape[1]))
        np.add.at(count, parent, defined.astype(float))
        with np.errstate(divide="ignore", invalid="ignore"):
            coef = np.where(defined, 1 / count[parent], 0.0)
        mean = np.zeros(count.shape)
        np.add.at(mean, parent, np.where(defined, est, 0.0) * coef)
        mean[count == 0] = np.nan
        est, s1, s2 = mean, s1 * coef[cell_dom], s2 * coef[cell_dom] ** 2
        cell_dom = parent[cell_dom]
        total = np.zeros((len(keys),) + n.shape[1:])
        np.add.at(total, parent, n)
        n = total
        responses = np.zeros((len(keys), 1))
        np.add.at(responses, parent, dom.n[:, None])
    var, vsrs, lonely_touched, factor = _variances(s1, s2, cell_dom, cell_h, n_h, len(keys),
                                                   lonely, responses)
    degf = None
    if strata:
        degf = np.maximum(n - _strata_per_group(cell_dom, cell_h, cell_answered, len(keys),
                                                is_item, item_col), 0)
    return DomainFit(keys, labels, t, n, est, var * factor, vsrs, degf,
                     over is not None or strata is not None, lonely_touched)


def _cell_moments(stats: SufficientStats, dom: SufficientStats, fine: list[str],
                  strata: str | None, ratios: np.ndarray, t: np.ndarray
                  ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Per (domain, stratum) cell: ``s1``, ``s2`` (C, P), the cell's domain and
    stratum, and every stratum's size."""
    if strata is None:
        cells, cell_dom, cell_h = dom, np.arange(len(dom.n)), np.zeros(len(dom.n), dtype=np.intp)
        n_h = np.array([stats.n.sum()])
    else:
        if strata in fine:  # each domain lies in one stratum: the cells are the domains
            cells, cell_dom = dom, np.arange(len(dom.n))
        else:
            cells = stats.regroup([*fine, strata])
            cell_dom, _ = group_rows(cells.keys, fine)
        cell_h, levels = pd.factorize(cells.keys[strata], sort=True)
        n_h = np.zeros(len(levels))
        np.add.at(n_h, cell_h, cells.n)
    x = dom.answered[cell_dom]
    rz = np.nan_to_num(ratios)[cell_dom]
    with np.errstate(divide="ignore", invalid="ignore"):
        q = (cells.yy - rz[:, None, :] * cells.ay.transpose(0, 2, 1)
             - rz[:, :, None] * cells.ay + rz[:, :, None] * rz[:, None, :] * cells.aa)
        q = np.nan_to_num(q / (x[:, :, None] * x[:, None, :]))
        size = np.nan_to_num((cells.yy + rz[:, None, :] * cells.ay.transpose(0, 2, 1)
                              + rz[:, :, None] * cells.ay + rz[:, :, None] * rz[:, None, :]
                              * cells.aa) / (x[:, :, None] * x[:, None, :]))
        lin = np.nan_to_num((cells.satisfied - rz * cells.answered) / x)
    s2 = np.einsum("pj,gjk,pk->gp", t, q, t)
    # The quadratic form cancels; what is left of a true zero (every answer
    # alike) is rounding. Below 1e-12 of the size of its terms, call it zero.
    s2[s2 <= 1e-12 * np.einsum("pj,gjk,pk->gp", np.abs(t), size, np.abs(t))] = 0.0
    s1 = lin @ t.T
    return s1, s2, cell_dom, cell_h, n_h, cells.answered


def _strata_per_group(cell_dom: np.ndarray, cell_h: np.ndarray, answered: np.ndarray,
                      n_groups: int, is_item: np.ndarray, item_col: np.ndarray) -> np.ndarray:
    """Strata with answers behind each estimate of each group (for R's degf)."""
    pairs, where = np.unique(cell_dom.astype(np.int64) * (cell_h.max() + 1) + cell_h,
                             return_inverse=True)
    seen = np.zeros((len(pairs), answered.shape[1]))
    np.add.at(seen, where, answered)
    group = (pairs // (cell_h.max() + 1)).astype(np.intp)
    items = np.zeros((n_groups, answered.shape[1]))
    np.add.at(items, group, (seen > 0).astype(float))
    strata = np.bincount(group, minlength=n_groups).astype(float)
    return np.where(is_item, items[:, item_col], strata[:, None])


def _variances(s1: np.ndarray, s2: np.ndarray, cell_dom: np.ndarray, cell_h: np.ndarray,
               n_h: np.ndarray, n_groups: int, lonely: str, n: np.ndarray
               ) -> tuple[np.ndarray, np.ndarray, np.ndarray, float]:
    """Design and SRS variances per group, lonely strata touched, the "average" factor."""
    nh = n_h[cell_h][:, None]
    lonely_h = n_h == 1
    if lonely == "fail" and lonely_h.any():
        raise ValueError("a stratum has only one response: no variance estimate (lonely rule "
                         "'fail'; choose certainty, adjust or average)")
    with np.errstate(divide="ignore", invalid="ignore"):
        scale = np.where(nh > 1, nh / (nh - 1), 0.0)
        per_cell = scale * (s2 - s1 * s1 / nh)
    if lonely == "adjust":  # centred at the grand mean, 0: see analysis.design
        per_cell = np.where(nh == 1, s2, per_cell)
    var = np.zeros((n_groups, s1.shape[1]))
    np.add.at(var, cell_dom, per_cell)
    ssq = np.zeros(var.shape)
    np.add.at(ssq, cell_dom, s2)
    touched = np.zeros(n_groups, dtype=np.int64)
    np.add.at(touched, cell_dom, lonely_h[cell_h].astype(np.int64))
    factor = 1.0
    if lonely == "average" and lonely_h.any():
        ok = int((~lonely_h).sum())
        factor = len(n_h) / ok if ok else float("nan")
    m = np.asarray(n, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        vsrs = m / (m - 1) * ssq
    return var, vsrs, touched, factor
