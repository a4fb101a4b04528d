"""Cells: sums of feature vectors per (unit, service, counter, channel, flagged, day)."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from survey.results.layout import Layout
from survey.results.packed import Packed

KEYS = ("unit", "service", "point", "channel", "flagged", "day")
SLICE = 65536  # responses per block of `Layout.cell_sums`: bounds its temporaries (~1 KB per response)


@dataclass
class Cells:
    keys: pd.DataFrame   # columns KEYS; point -1 = no counter; day = local ordinal
    n: np.ndarray
    sums: np.ndarray     # cells x layout.size

    @classmethod
    def empty(cls, layout: Layout, grain: tuple[str, ...] = KEYS) -> "Cells":
        return cls(pd.DataFrame({k: [] for k in grain}), np.zeros(0), np.zeros((0, layout.size)))

    def collapsed(self, grain: tuple[str, ...]) -> "Cells":
        """The same sums keyed by `grain` only (a subset of the keys): one cell per distinct key."""
        if not len(self.n):
            return Cells(pd.DataFrame({k: [] for k in grain}), self.n, self.sums)
        if grain:
            gid = self.keys.groupby(list(grain), sort=False).ngroup().to_numpy()
        else:
            gid = np.zeros(len(self.n), dtype=np.int64)
        groups = int(gid.max()) + 1
        _, first = np.unique(gid, return_index=True)  # ngroup numbers groups 0.. in order of appearance
        # no key at all: one cell, a frame of no columns with one row (its index says so)
        keys = self.keys.iloc[first][list(grain)].reset_index(drop=True) if grain else pd.DataFrame(index=range(groups))
        return Cells(keys, np.bincount(gid, weights=self.n, minlength=groups), group_sum(gid, self.sums, groups))

    def __add__(self, other: "Cells") -> "Cells":
        return Cells(pd.concat([self.keys, other.keys], ignore_index=True),
                     np.concatenate([self.n, other.n]), np.vstack([self.sums, other.sums]))


def cell_ids(columns: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """(cell id of each row, first row of each cell): ids numbered in order of first appearance.

    `columns` are integer arrays of equal length (the keys of a row).
    """
    n = len(columns[0])
    if not n:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    order = np.lexsort(columns[::-1])
    new = np.ones(n, dtype=bool)
    for c in columns:
        s = c[order]
        new[1:] &= s[1:] == s[:-1]
    new = ~new
    new[0] = True
    sorted_id = np.cumsum(new) - 1
    first = order[new]  # the first row of each cell in sorted order (lexsort is stable)
    rank = np.empty(len(first), dtype=np.int64)
    rank[np.argsort(first, kind="stable")] = np.arange(len(first))
    gid = np.empty(n, dtype=np.int64)
    gid[order] = rank[sorted_id]
    return gid, np.sort(first)


def aggregate(p: Packed, layout: Layout, grain: tuple[str, ...] = KEYS) -> Cells:
    """Sum the responses' feature vectors per cell, SLICE responses at a time (cells in order of first row).

    `grain`: the keys of a cell (a subset of KEYS): a city's comparison sums
    a million responses into ~1,000 (unit, service) cells, not 400,000 days.
    """
    if not len(p.unit):
        return Cells.empty(layout, grain)
    columns = {"unit": p.unit, "service": p.service, "point": p.point, "channel": p.channel,
               "flagged": p.flagged, "day": p.day}

    def code(name: str) -> np.ndarray:
        if name == "channel":
            return np.asarray(pd.factorize(p.channel)[0], dtype=np.int64)
        return columns[name].astype(np.int64)
    if grain:
        gid, first = cell_ids([code(name) for name in grain])
    else:
        gid, first = np.zeros(len(p.unit), dtype=np.int64), np.zeros(1, dtype=np.int64)
    keys = pd.DataFrame({name: columns[name][first] for name in grain}, index=range(len(first)))
    sums = np.zeros((len(first), layout.size))
    for lo in range(0, len(gid), SLICE):
        layout.cell_sums(p.values[lo:lo + SLICE], gid[lo:lo + SLICE], len(first), out=sums)
    return Cells(keys, np.bincount(gid, minlength=len(first)).astype(float), sums)


def group_sum(gid: np.ndarray, values: np.ndarray, groups: int) -> np.ndarray:
    """Row sums of `values` per group id (sort, then one reduceat)."""
    out = np.zeros((groups,) + values.shape[1:])
    if len(gid):
        order = np.argsort(gid, kind="stable")
        g = gid[order]
        starts = np.flatnonzero(np.r_[True, g[1:] != g[:-1]])
        out[g[starts]] = np.add.reduceat(values[order], starts, axis=0)
    return out
