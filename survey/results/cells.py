"""Cells: sums of feature vectors per (unit, service, counter, channel, flagged, day)."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from survey.results.layout import Layout
from survey.results.packed import Packed

KEYS = ("unit", "service", "point", "channel", "flagged", "day")
SLICE = 8192  # responses per feature block: bounds memory to SLICE x layout.size doubles


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


def aggregate(p: Packed, layout: Layout) -> Cells:
    """Sum the responses' feature vectors per cell, SLICE responses at a time."""
    if not len(p.unit):
        return Cells.empty(layout)
    frame = pd.DataFrame({"unit": p.unit, "service": p.service, "point": p.point,
                          "channel": p.channel, "flagged": p.flagged, "day": p.day})
    gid = frame.groupby(list(KEYS), sort=False).ngroup().to_numpy()
    _, first = np.unique(gid, return_index=True)
    keys = frame.iloc[first]
    order = np.argsort(gid, kind="stable")
    gid, values = gid[order], p.values[order]
    sums = np.zeros((len(keys), layout.size))
    for lo in range(0, len(gid), SLICE):
        g = gid[lo:lo + SLICE]
        starts = np.flatnonzero(np.r_[True, g[1:] != g[:-1]])
        sums[g[starts]] += np.add.reduceat(layout.features(values[lo:lo + SLICE]), starts, axis=0)
    return Cells(keys.reset_index(drop=True), np.bincount(gid, minlength=len(keys)).astype(float), sums)


def group_sum(gid: np.ndarray, values: np.ndarray, groups: int) -> np.ndarray:
    """Row sums of `values` per group id (sort, then one reduceat)."""
    out = np.zeros((groups,) + values.shape[1:])
    if len(gid):
        order = np.argsort(gid, kind="stable")
        g = gid[order]
        starts = np.flatnonzero(np.r_[True, g[1:] != g[:-1]])
        out[g[starts]] = np.add.reduceat(values[order], starts, axis=0)
    return out
