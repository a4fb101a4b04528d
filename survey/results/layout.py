"""What one rollup cell holds: a vector of sums over its responses.

Each response contributes a feature vector F; a cell stores sum F over its
responses, so cells add up (see docs/aggregation.md). F holds, in order:

- `a_j`, `y_j` for every scored item (criteria, then expectations);
- `a_j a_k` and `y_j y_k` for criteria j <= k (symmetric), `a_j y_k` for all
  criterion pairs: only composites of criteria need covariances;
- one indicator per option of each choice question (perception, channel).

Expectations need no cross-products: each is estimated on its own, and for
their 0/1 `y` the diagonal terms are `a_j` and `y_j` again.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd
from scipy.sparse import csc_matrix

from analysis.sufficient import SufficientStats

CHOICE_SECTIONS = ("perception", "channel")
# Stored as float32, exactly: every feature is a multiple of 1/16 in [0, 1]
# (mean_pct products), so a cell's sum is exact while its n < 2^24 / 16 ≈ 1
# million responses, and a cell is one day of one service at one counter.
PAYLOAD_DTYPE = "<f4"


@dataclass(frozen=True)
class Layout:
    codes: tuple[str, ...]                 # scored items: criteria first
    k_crit: int
    scales: tuple[tuple[int, int], ...]    # valid range of each scored item
    choices: tuple[tuple[str, tuple[int, ...]], ...]  # choice code, option values
    method: str                            # "top2box" or "mean_pct"

    @property
    def slots(self) -> list[tuple[str, int, int]]:
        """(code, lowest valid, highest valid) of every item read from the answers."""
        return ([(c, lo, hi) for c, (lo, hi) in zip(self.codes, self.scales)]
                + [(c, min(o), max(o)) for c, o in self.choices])

    @cached_property
    def _triu(self):
        return np.triu_indices(self.k_crit)

    @cached_property
    def parts(self) -> dict[str, slice]:
        k, kc = len(self.codes), self.k_crit
        t = kc * (kc + 1) // 2
        sizes = {"a": k, "y": k, "aa": t, "ay": kc * kc, "yy": t,
                 "options": sum(len(o) for _, o in self.choices)}
        out, start = {}, 0
        for name, size in sizes.items():
            out[name] = slice(start, start + size)
            start += size
        return out

    @property
    def size(self) -> int:
        return self.parts["options"].stop

    @cached_property
    def feature_names(self) -> tuple[tuple, ...]:
        """A name for every entry of F: ("a", code), ("aa", j, k), ("option", code, value)..."""
        k, kc = self.codes, self.codes[:self.k_crit]
        iu, ju = self._triu
        pairs = [(kc[i], kc[j]) for i, j in zip(iu, ju)]
        return tuple([("a", c) for c in k] + [("y", c) for c in k] + [("aa", *p) for p in pairs]
                     + [("ay", i, j) for i in kc for j in kc] + [("yy", *p) for p in pairs]
                     + [("option", c, o) for c, options in self.choices for o in options])

    def columns_in(self, target: "Layout") -> tuple[np.ndarray, np.ndarray]:
        """(own columns, target columns) of the features both layouts hold, to copy sums across."""
        where = {name: i for i, name in enumerate(target.feature_names)}
        own = [i for i, name in enumerate(self.feature_names) if name in where]
        return np.array(own, dtype=int), np.array([where[self.feature_names[i]] for i in own], dtype=int)

    def features(self, v: np.ndarray) -> np.ndarray:
        """F for each row of decoded answers `v` (rows x slots)."""
        k, kc, p = len(self.codes), self.k_crit, self.parts
        x = v[:, :k].astype(float)
        a = (x > 0).astype(float)
        y = np.empty_like(a)
        if self.method == "top2box":
            y[:, :kc] = x[:, :kc] >= 4
        else:
            y[:, :kc] = np.where(a[:, :kc] > 0, (x[:, :kc] - 1) / 4, 0.0)
        y[:, kc:] = x[:, kc:] >= 3
        iu, ju = self._triu
        f = np.empty((len(v), self.size))
        f[:, p["a"]], f[:, p["y"]] = a, y
        ac, yc = a[:, :kc], y[:, :kc]
        f[:, p["aa"]] = ac[:, iu] * ac[:, ju]
        f[:, p["ay"]] = (ac[:, :, None] * yc[:, None, :]).reshape(len(v), -1)
        f[:, p["yy"]] = yc[:, iu] * yc[:, ju]
        col = p["options"].start
        for c, (_, options) in enumerate(self.choices):
            for o in options:
                f[:, col] = v[:, k + c] == o
                col += 1
        return f

    def cell_sums(self, v: np.ndarray, cell: np.ndarray, cells: int, dtype=np.float64,
                  out: np.ndarray | None = None) -> np.ndarray:
        """Σ F over the rows of each cell: `features(v)` summed by `cell` (row -> cell id < cells), added to `out`.

        The same sums as `np.add.at(out, cell, features(v))`, without
        materialising F (rows x size): each part is one sparse product in
        C (scipy). With `M` the cells x rows indicator matrix, the linear parts
        are `M @ [a y options]`; for the cross-products, the matrix whose row
        (c, j) holds `a_j` of cell c's responses gives `Σ a_j a_k` and `Σ a_j y_k`
        for every j, k in one product with `[a y]`, and its `y_j`-weighted twin
        `Σ y_j y_k`. Every term is a multiple of 1/16 and each sum an exact
        float32 while a cell has fewer than 2^20 responses (docs/aggregation.md),
        so float32 gives the float64 sums bit for bit; float64 is exact always.
        """
        n, k, kc, p = len(v), len(self.codes), self.k_crit, self.parts
        if out is None:
            out = np.zeros((cells, self.size), dtype=dtype)
        if not n:
            return out
        x = v[:, :k]
        a = x > 0
        ac = a[:, :kc]
        if self.method == "top2box":
            yc = (x[:, :kc] >= 4).astype(dtype)
        else:
            yc = np.where(ac, (x[:, :kc].astype(dtype) - 1) / 4, 0).astype(dtype)
        options = [(c, o) for c, (_, values) in enumerate(self.choices) for o in values]
        lin = np.empty((n, 2 * k + len(options)), dtype=dtype)
        lin[:, :k] = a
        lin[:, k:k + kc] = yc
        lin[:, k + kc:2 * k] = x[:, kc:] >= 3
        for i, (c, o) in enumerate(options):
            lin[:, 2 * k + i] = v[:, k + c] == o
        cell = np.asarray(cell, dtype=np.int64)
        ones = csc_matrix((np.ones(n, dtype=dtype), cell, np.arange(n + 1)), shape=(cells, n))
        s = ones @ lin
        out[:, p["a"]] += s[:, :k]
        out[:, p["y"]] += s[:, k:2 * k]
        out[:, p["options"]] += s[:, 2 * k:]
        if not kc:
            return out
        iu, ju = self._triu
        both = np.empty((n, 2 * kc), dtype=dtype)
        both[:, :kc], both[:, kc:] = ac, yc
        for weight, right, parts in ((ac, both, ("aa", "ay")), (yc, yc, ("yy",))):
            rows, cols = np.nonzero(weight)  # row-major: each response's entries together, as CSC wants
            indptr = np.zeros(n + 1, dtype=np.int64)
            np.cumsum(np.count_nonzero(weight, axis=1), out=indptr[1:])
            m = csc_matrix((np.asarray(weight[rows, cols], dtype=dtype), cell[rows] * kc + cols, indptr),
                           shape=(cells * kc, n))
            r = (m @ right).reshape(cells, kc, right.shape[1])
            if parts == ("aa", "ay"):
                out[:, p["aa"]] += r[:, iu, ju]
                out[:, p["ay"]] += r[:, :, kc:].reshape(cells, kc * kc)
            else:
                out[:, p["yy"]] += r[:, iu, ju]
        return out

    def stats(self, n: np.ndarray, sums: np.ndarray, keys: pd.DataFrame) -> SufficientStats:
        """`analysis` statistics of groups from their summed feature vectors."""
        g, k, kc, p = len(n), len(self.codes), self.k_crit, self.parts
        iu, ju = self._triu
        answered, satisfied = sums[:, p["a"]], sums[:, p["y"]]
        aa, ay, yy = (np.zeros((g, k, k)) for _ in range(3))
        for m, part in ((aa, "aa"), (yy, "yy")):
            m[:, iu, ju] = sums[:, p[part]]
            m[:, ju, iu] = sums[:, p[part]]
        ay[:, :kc, :kc] = sums[:, p["ay"]].reshape(g, kc, kc)
        e = np.arange(kc, k)
        aa[:, e, e], ay[:, e, e], yy[:, e, e] = answered[:, kc:], satisfied[:, kc:], satisfied[:, kc:]
        return SufficientStats(self.codes, n, answered, satisfied, aa, ay, yy,
                               keys=keys, method=self.method)

    def option_counts(self, total: np.ndarray) -> list[tuple[str, int, int]]:
        """(item, option value, responses) from the summed feature vector of a selection."""
        out, col = [], self.parts["options"].start
        for code, options in self.choices:
            for o in options:
                out.append((code, o, int(round(total[col]))))
                col += 1
        return out


def layout_of(q, method: str) -> Layout:
    """The layout of a questionnaire definition for an index method."""
    sat = [o.value for o in q.satisfaction_scale]
    exp = [o.value for o in q.expectation_scale]
    codes = tuple(c.code for c in q.criteria) + tuple(e.code for e in q.expectations)
    scales = ((min(sat), max(sat)),) * len(q.criteria) + ((min(exp), max(exp)),) * len(q.expectations)
    choices = tuple((c.code, tuple(sorted(o.value for o in c.options)))
                    for section in CHOICE_SECTIONS for c in q.choices_in(section))
    return Layout(codes, len(q.criteria), scales, choices, method)
