"""Respondent bootstrap, vectorised over groups and resamples.

Notes
-----
Rao and Wu's rescaling bootstrap (R ``as.svrepdesign(type =
"subbootstrap")``): in every (group, stratum) cell of ``n_c`` responses,
draw ``n_c - 1`` of them with replacement and multiply each weight by
``n_c / (n_c - 1)`` times the number of times it was drawn. Its variance
matches the linearised with-replacement estimator's ``n/(n-1)`` factor. A
cell of one response keeps it as is (it adds no variance, as in the
linearised estimator). The finite-population correction is not applied.

The resample counts of a chunk of replicates are one ``bincount`` of random
positions over a (cell, replicate, position) grid, and the replicate totals
one batched matrix product of those counts with the cells' answers, padded
to the largest cell; the only Python loop is over chunks of replicates, to
bound memory. Positions come from float32 uniforms: each response's chance
of a draw is exact to within ``n_c`` * 2**-24 relative (3e-5 for 500
responses), far below the Monte Carlo error of any replicate count.

References
----------
Rao, J. N. K. and Wu, C. F. J. (1988). Resampling inference with complex
survey data. JASA 83, 231-241.
"""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from .design import Design
from .results import combine

# Draws per chunk of replicates: the chunk's arrays (about 16 MB each) stay
# under glibc's mmap threshold, so they are reused instead of faulted in anew.
_CHUNK = 1 << 21


def bootstrap_estimates(design: Design, wa: np.ndarray, wy: np.ndarray, t: np.ndarray,
                        replicates: int = 1000, seed: int | np.random.SeedSequence | np.random.Generator | None = None) -> np.ndarray:
    """Return ``(replicates, groups, estimates)`` replicate values of ``T @ R``.

    ``wa`` and ``wy`` are the weighted answered and satisfied indicators,
    shape (n, k); ``R`` is the ratio of their replicate totals.
    """
    if not isinstance(replicates, (int, np.integer)) or replicates < 2:
        raise ValueError(f"replicates must be an integer of at least 2, got {replicates!r}")
    rng = np.random.default_rng(seed)
    n_cells = len(design.cell_group)
    k = wa.shape[1]
    order = np.argsort(design.cell, kind="stable")
    cell = design.cell[order]
    sizes = np.bincount(cell, minlength=n_cells)
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    width = int(sizes.max())
    # float32: replicate totals of counts times answers lose nothing a
    # standard error could notice, and single-precision BLAS is twice as fast
    padded = np.zeros((n_cells, width, 2 * k), dtype=np.float32)
    pos = np.arange(len(order)) - starts[cell]
    padded[cell, pos, :k] = wa[order]
    padded[cell, pos, k:] = wy[order]
    draws = np.maximum(sizes - 1, 1)
    factor = (sizes / draws)[:, None, None]
    spare = np.arange(width) >= draws[:, None, None]  # positions past a cell's draws
    high = sizes.astype(np.float32)[:, None, None]
    group_starts = np.searchsorted(design.cell_group, np.arange(design.n_groups))
    out = np.empty((replicates, design.n_groups, t.shape[0]))
    per_chunk = max(1, _CHUNK // (n_cells * (width + 1)))
    spare_at = {}
    for b0 in range(0, replicates, per_chunk):
        nb = min(per_chunk, replicates - b0)
        if nb not in spare_at:
            spare_at[nb] = np.flatnonzero(np.broadcast_to(spare, (n_cells, nb, width)))
        # uniform position in each cell; a float32 product u * size with
        # u < 1 rounds to at most size - 1 for any size below 2**24
        u = rng.random((n_cells, nb, width), dtype=np.float32)
        u *= high
        picks = u.astype(np.intp)
        picks.ravel()[spare_at[nb]] = width  # to a spare slot that is dropped
        picks += np.arange(n_cells * nb).reshape(n_cells, nb, 1) * (width + 1)
        counts = np.bincount(picks.ravel(), minlength=n_cells * nb * (width + 1))
        counts = counts.reshape(n_cells, nb, width + 1)[:, :, :width].astype(np.float32)
        totals = np.matmul(counts, padded).astype(float) * factor
        totals = np.add.reduceat(totals, group_starts, axis=0)
        with np.errstate(divide="ignore", invalid="ignore"):
            ratios = totals[..., k:] / totals[..., :k]
        flat = combine(ratios.transpose(1, 0, 2).reshape(-1, k), t)
        out[b0:b0 + nb] = flat.reshape(nb, design.n_groups, -1)
    return out


def quantiles(reps: np.ndarray, probs: Sequence[float]) -> list[np.ndarray]:
    """Quantiles along the first axis ignoring NaN, as ``np.nanquantile``
    (linear interpolation) but in one sort rather than a loop per column."""
    ordered = np.sort(reps, axis=0)  # NaN sorts last
    valid = (~np.isnan(reps)).sum(axis=0)
    out = []
    for p in probs:
        pos = p * np.maximum(valid - 1, 0)
        lo = np.floor(pos).astype(np.intp)
        hi = np.minimum(lo + 1, np.maximum(valid - 1, 0))
        a = np.take_along_axis(ordered, lo[None], axis=0)[0]
        b = np.take_along_axis(ordered, hi[None], axis=0)[0]
        out.append(np.where(valid > 0, a + (pos - lo) * (b - a), np.nan))
    return out
