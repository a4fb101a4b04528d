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
        keys = self.keys.iloc[first][list(grain)].reset_index(drop=True)
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


def aggregate(p: Packed, layout: Layout) -> Cells:
    """Sum the responses' feature vectors per cell, SLICE responses at a time (cells in order of first row)."""
    if not len(p.unit):
        return Cells.empty(layout)
    channel_code, _ = pd.factorize(p.channel)
    gid, first = cell_ids([p.unit, p.service, p.point, np.asarray(channel_code, dtype=np.int64),
                           p.flagged.astype(np.int64), p.day])
    keys = pd.DataFrame({"unit": p.unit[first], "service": p.service[first], "point": p.point[first],
                         "channel": p.channel[first], "flagged": p.flagged[first], "day": p.day[first]})
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
