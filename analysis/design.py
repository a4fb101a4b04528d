"""Sampling design arithmetic: groups, strata cells and design variances.

Everything is vectorised over groups: sums per group or per (group, stratum)
cell go through ``np.bincount``, never a Python loop per group.

The variance is R ``survey``'s with-replacement (ultimate cluster) estimator
with each respondent as its own primary sampling unit: for a domain ``d``
(a ``by`` group) and influence values ``u_i`` (zero outside the domain),

    V = sum_h (1 - n_h/N_h) n_h/(n_h - 1) sum_{i in h} (u_i - ubar_h)²,

where ``n_h`` counts every response of stratum ``h`` (not only the domain's),
so ``sum_{i in h} (u_i - ubar_h)² = S2_dh - S1_dh² / n_h`` with ``S1``, ``S2``
the sums of ``u`` and ``u²`` over the domain's part of the stratum. This is
what ``svyby(..., svyratio)`` computes on ``svydesign(ids = ~1, strata,
weights, fpc)``.

A stratum with a single response has no variance estimate of its own; the
rule for it is a setting with R's names (``options(survey.lonely.psu =
...)``, survey 4.1's ``onestrat``/``onestage``):

- ``fail``: refuse (R's default), naming the stratum;
- ``certainty``: the stratum adds nothing, as if sampled in full;
- ``adjust`` (this package's default, the conservative one): the stratum's
  value is centred at the grand mean instead of its own, adding
  ``(1 - 1/N_h) u_i²`` (``u`` sums to zero over the sample, so its grand
  mean is zero);
- ``average``: the stratum is left out and the sum over the others scaled
  by ``strata / strata with a variance``.

A census stratum (``n_h = N_h``) adds nothing whatever the rule, as in R.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Sequence

import numpy as np
import pandas as pd

from .validate import design_columns, nfc

LONELY_RULES = ("fail", "certainty", "adjust", "average")


def check_lonely(rule: str) -> None:
    if rule not in LONELY_RULES:
        raise ValueError(f"lonely must be one of {LONELY_RULES}, got {rule!r}")


def group_sum(ids: np.ndarray, values: np.ndarray, size: int) -> np.ndarray:
    """Sum the rows of ``values`` (n, m) by ``ids`` into a ``(size, m)`` array."""
    values = np.asarray(values, dtype=float)
    if values.ndim == 1:
        return np.bincount(ids, weights=values, minlength=size)
    out = np.empty((size, values.shape[1]))
    # Loops over columns, not groups. A column of a Fortran-ordered array is
    # contiguous, which makes bincount about five times faster: the callers
    # keep their (rows, items) arrays in that order.
    for j in range(values.shape[1]):
        out[:, j] = np.bincount(ids, weights=values[:, j], minlength=size)
    return out


def group_rows(df: pd.DataFrame, by: Sequence[str]) -> tuple[np.ndarray, pd.DataFrame]:
    """Return each row's group number and the table of group keys (sorted)."""
    by = list(by)
    if not by:
        return np.zeros(len(df), dtype=np.intp), pd.DataFrame(index=range(1))
    missing = [c for c in by if c not in df.columns]
    if missing:
        raise ValueError(f"grouping column(s) not in the data: {', '.join(missing)}")
    if any(nfc(df[c]) is not df[c] for c in by):  # one name however it is spelled
        df = df.assign(**{c: nfc(df[c]) for c in by})
    fast = _factorized_groups(df, by)
    if fast is not None:
        return fast
    grouped = df.groupby(by, sort=True, dropna=False, observed=True)
    gid = grouped.ngroup().to_numpy(dtype=np.intp)
    keys = grouped.size().index.to_frame(index=False)[by]
    return gid, keys


def _factorized_groups(df: pd.DataFrame, by: list[str]) -> tuple[np.ndarray, pd.DataFrame] | None:
    """:func:`group_rows` for plain NumPy columns without ``groupby``, or None for other columns.

    ``groupby`` costs about a millisecond whatever the size, and a page forms
    a few dozen groupings of a hundred cells. Its own steps, done directly:
    each column factorised sorted with missing values last, the codes
    combined and numbered in sorted order, which is the groupby order.
    tests/analysis/test_group_rows.py holds it to ``groupby`` on every dtype
    it takes.
    """
    columns = [df[c] for c in by]
    if not len(df) or not all(isinstance(col.dtype, np.dtype) and col.dtype.kind in "biufO" for col in columns):
        return None
    codes, uniques = [], []
    for col in columns:
        code, unique = pd.factorize(col.to_numpy(), sort=True, use_na_sentinel=False)
        codes.append(code.astype(np.int64))
        uniques.append(unique)
    if len(codes) == 1:
        gid, first = codes[0].astype(np.intp), None
        size = len(uniques[0])
    else:
        radix = [len(u) for u in uniques]
        if float(np.prod(np.array(radix, dtype=float))) >= 2.0 ** 62:
            return None
        combined = np.zeros(len(df), dtype=np.int64)
        for code, r in zip(codes, radix):
            combined = combined * r + code
        _, first, inverse = np.unique(combined, return_index=True, return_inverse=True)
        gid, size = inverse.reshape(-1).astype(np.intp), len(first)
    data = {}
    for c, code, unique in zip(by, codes, uniques):
        # the dtype groupby's key index gives (inferred from objects, like pd.Index)
        level = pd.Index(list(unique)) if unique.dtype == object else pd.Index(unique)
        data[c] = level if first is None else level.take(code[first])
    keys = pd.DataFrame(data, index=range(size))
    return gid, keys


@dataclass(frozen=True)
class Design:
    """Per-row weights and (group, stratum) cells of a one-stage design."""

    n_groups: int
    gid: np.ndarray         # (n,) group of each row
    w: np.ndarray           # (n,) sampling weight
    cell: np.ndarray        # (n,) (group, stratum) cell of each row
    cell_group: np.ndarray  # (C,) group of each cell
    cell_scale: np.ndarray  # (C,) (1 - f_h) n_h / (n_h - 1); lonely: see the module notes
    cell_nh: np.ndarray     # (C,) responses in the whole stratum
    has_fpc: bool
    weighted: bool
    cell_centre: np.ndarray  # (C,) 1 to centre at the stratum mean, 0 not (adjust)
    cell_lonely: np.ndarray  # (C,) the cell's stratum has a single response
    cell_census: np.ndarray  # (C,) the cell's stratum was sampled in full
    cell_stratum: np.ndarray  # (C,) stratum number of each cell
    var_factor: float         # strata / strata with a variance ("average")
    lonely: str
    stratified: bool
    n_strata: int

    @classmethod
    def from_frame(cls, df: pd.DataFrame, gid: np.ndarray, n_groups: int,
                   weight: str | None = None, strata: str | None = None,
                   fpc: str | None = None, lonely: str = "adjust") -> "Design":
        check_lonely(lonely)
        w, h, pop = design_columns(df, weight, strata, fpc)
        n = len(df)
        if h is None:
            h = np.zeros(n, dtype=np.intp)
        if w is None:
            # R gives weights N_h / n_h when only the population is known.
            w = pop / np.bincount(h)[h] if pop is not None else np.ones(n)
        n_strata = int(h.max()) + 1 if n else 1
        n_h = np.bincount(h, minlength=n_strata).astype(float)
        f_h = np.zeros(n_strata)
        if pop is not None:
            f_h[h] = n_h[h] / pop
        census_h = f_h >= 1 - 1e-7  # R's onestrat: a census stratum adds nothing
        lonely_h = (n_h == 1) & ~census_h
        if lonely == "fail" and lonely_h.any():
            where = ""
            if strata is not None:
                label = pd.factorize(nfc(df[strata]), sort=True)[1][int(np.flatnonzero(lonely_h)[0])]
                where = f" {label!r}"
            raise ValueError(f"stratum{where} has only one response: no variance estimate "
                             "(lonely rule 'fail'; choose certainty, adjust or average)")
        with np.errstate(divide="ignore", invalid="ignore"):
            scale_h = np.where(n_h > 1, (1 - f_h) * n_h / (n_h - 1), 0.0)
        # with an fpc R's lonely stratum keeps the factor (N_h - 1) / N_h
        if lonely == "adjust":
            scale_h = np.where(lonely_h, 1 - f_h, scale_h)
        scale_h = np.where(census_h, 0.0, scale_h)
        centre_h = np.where(lonely_h & (lonely == "adjust"), 0.0, 1.0)
        factor = 1.0
        if lonely == "average" and lonely_h.any():
            factor = n_strata / (n_strata - lonely_h.sum()) if n_strata > lonely_h.sum() else np.nan
        if n_strata == 1:  # cells are the groups: spare the sort
            cells, cell = np.arange(n_groups, dtype=np.int64), gid
        else:
            cells, cell = np.unique(gid.astype(np.int64) * n_strata + h, return_inverse=True)
        cell_h = cells % n_strata
        return cls(n_groups, gid, w, cell.astype(np.intp), (cells // n_strata).astype(np.intp),
                   scale_h[cell_h], n_h[cell_h], pop is not None,
                   weight is not None or pop is not None,
                   cell_centre=centre_h[cell_h], cell_lonely=lonely_h[cell_h],
                   cell_census=census_h[cell_h], var_factor=float(factor), lonely=lonely,
                   stratified=strata is not None, cell_stratum=cell_h.astype(np.intp),
                   n_strata=n_strata)

    @property
    def given(self) -> bool:
        """Whether a design (weights, strata or a population size) was given."""
        return self.weighted or self.stratified or self.has_fpc

    def cell_counts(self) -> np.ndarray:
        """Responses of each cell."""
        return np.bincount(self.cell, minlength=len(self.cell_group)).astype(float)

    def per_group(self, cell_values: np.ndarray) -> np.ndarray:
        """Sum per-cell values (C,) or (C, m) into their groups."""
        return group_sum(self.cell_group, cell_values, self.n_groups)

    def in_cell_order(self) -> tuple["Design", np.ndarray | None]:
        """The same design with rows sorted by cell, and the sorting order.

        In cell order every slice of rows touches a contiguous run of cells
        and groups, so sums over a slice cost the same with 20 000 groups as
        with 20. The order is None when the rows are sorted already.
        """
        if np.all(self.cell[1:] >= self.cell[:-1]):
            return self, None
        order = np.argsort(self.cell, kind="stable")
        return replace(self, gid=self.gid[order], w=self.w[order], cell=self.cell[order]), order

    def sum(self, values: np.ndarray) -> np.ndarray:
        """Per-group sums of ``values``."""
        return group_sum(self.gid, values, self.n_groups)

    def add_sums(self, out: np.ndarray, values: np.ndarray, rows: slice,
                 by_cell: bool = False) -> None:
        """Add per-group (or per-cell) sums of the rows ``rows`` into ``out``.

        Needs rows in cell order (see :meth:`in_cell_order`), so that a
        slice touches only a run of groups, whatever their number.
        """
        ids = (self.cell if by_cell else self.gid)[rows]
        if len(ids):
            # sorted ids: each group is a run of rows, summed by reduceat over
            # the contiguous columns -- many times faster than bincount
            starts = np.flatnonzero(np.r_[True, ids[1:] != ids[:-1]])
            out[ids[starts]] += np.add.reduceat(values, starts, axis=0)

    def add_moments(self, out: np.ndarray, r: np.ndarray, rows: slice) -> None:
        """Add per-cell ``(sum u, sum u², sum u r)``, ``u = w r``, into ``out`` (3, C, m).

        ``r`` (rows, m) holds linearised values (zero outside a row's domain)
        of the rows ``rows``, in cell order: callers stream rows in slices.
        """
        u = self.w[rows, None] * r if self.weighted else r
        self.add_sums(out[0], u, rows, by_cell=True)
        self.add_sums(out[1], u * u, rows, by_cell=True)
        self.add_sums(out[2], u * r if self.weighted else u * u, rows, by_cell=True)

    def variances(self, moments: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Design and simple-random-sampling variances per group, from :meth:`moments`.

        Returns two ``(groups, m)`` arrays: the design variance of the module
        docstring, and the variance the same estimate would have under simple
        random sampling of the domain's size, which R ``svytotal(r, design,
        deff = TRUE)`` (``deff = "replace"`` when no population size is
        given) divides by: ``svyvar(r) * Nhat² / m``, times ``(Nhat - m) /
        Nhat`` with a finite population, where ``m`` is the domain's number
        of responses, ``Nhat`` the sum of its weights and ``svyvar(r) = m/(m
        - 1) * sum w (r - rbar)² / sum w``.
        """
        s1, s2, s3 = moments
        centre = self.cell_centre[:, None]
        per_cell = self.cell_scale[:, None] * (s2 - centre * s1 * s1 / self.cell_nh[:, None])
        var = group_sum(self.cell_group, per_cell, self.n_groups) * self.var_factor
        swr = group_sum(self.cell_group, s1, self.n_groups)
        swr2 = group_sum(self.cell_group, s3, self.n_groups)
        m = np.bincount(self.gid, minlength=self.n_groups).astype(float)[:, None]
        sw = self.sum(self.w)[:, None]
        with np.errstate(divide="ignore", invalid="ignore"):
            svyvar = (swr2 - swr * swr / sw) / sw * m / (m - 1)
            vsrs = svyvar * sw * sw / m
            if self.has_fpc:
                vsrs = vsrs * (sw - m) / sw
        return var, vsrs
