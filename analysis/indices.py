"""SIPAS indices with design-based uncertainty, from one row per response."""
from __future__ import annotations

import warnings
from typing import Sequence

import numpy as np
import pandas as pd

from .bootstrap import bootstrap_estimates, quantiles
from .design import Design, group_rows
from .results import check_common, combine, layout, table
from .scheme import Scheme
from .scoring import answered_satisfied_from, item_scores

VARIANCES = ("linearization", "bootstrap")
_CHUNK = 1 << 15  # rows per slice: ~5 MB per (rows, estimates) temporary


def estimate(df: pd.DataFrame, scheme: Scheme | None = None, by: Sequence[str] = (),
             weight: str | None = None, strata: str | None = None, fpc: str | None = None,
             method: str = "top2box", ci: str = "wilson", level: float = 0.95,
             min_n: int = 30, variance: str = "linearization", replicates: int = 1000,
             seed=None) -> pd.DataFrame:
    """Criterion, element, group, overall and expectation indices per group.

    Parameters
    ----------
    df : DataFrame
        One row per response; criterion and expectation columns named by
        code, NaN where not answered. Every criterion of ``scheme`` must be a
        column; expectation columns are used when present.
    scheme : Scheme, optional
        Defaults to :meth:`Scheme.sipas_service_delivery`.
    by : sequence of str
        Grouping columns (service, field, period, ...). Each group is a
        domain of the whole design, as in R ``svyby``.
    weight, strata, fpc : str, optional
        Columns holding the sampling weight, the stratum and the stratum's
        population size (finite-population correction). With ``fpc`` but no
        ``weight`` the weight is ``N_h / n_h``.
    method : {"top2box", "mean_pct"}
        Criterion index: share answering 4-5, or ``(mean score - 1) / 4``.
    ci : {"wilson", "exact", "jeffreys"}
        Interval for indices that are proportions.
    level : float
        Confidence level.
    min_n : int
        Estimates from fewer answers get ``low_n = True``.
    variance : {"linearization", "bootstrap"}
        Taylor linearisation (R ``survey``'s estimator) or a respondent
        bootstrap within (group, stratum) cells.
    replicates, seed
        Bootstrap resamples and the seed that makes them reproducible.

    Returns
    -------
    DataFrame
        One row per group and estimate: the ``by`` columns, ``level``,
        ``code``, ``n``, ``n_eff``, ``deff``, ``estimate``, ``se``,
        ``ci_low``, ``ci_high`` (in %), ``interval``, ``conf_level``,
        ``index_method``, ``low_n``.

    Notes
    -----
    A criterion index is the ratio ``R_j = sum w y_j / sum w a_j`` (R
    ``svyratio``) with influence values ``r_ij = (y_ij - R_j a_ij) / sum w
    a_j``; it counts only the respondents who answered it (item
    non-response). A composite ``sum_j c_j R_j`` has influence ``sum_j c_j
    r_ij`` (the delta method of R ``svycontrast``), so the covariance between
    criteria answered by the same respondent is carried in full. The design
    variance of ``sum w r`` is described in :mod:`analysis.design`.

    ``n`` is the number of answers for a criterion or expectation and the
    number of responses in the group for a composite. ``n_eff`` is Kish's
    ``(sum w)² / sum w²`` over the same rows: it equals ``n`` without
    weights, so the intervals then are the textbook ones, and it stays
    defined at 0 and 100 % where ``p(1 - p) / Var`` is 0/0. It reflects
    unequal weighting only; stratification and fpc gains show in ``se`` and
    ``deff``. ``deff`` is the design variance over the simple-random-sampling
    variance of the same linearised values, as R ``svyratio(deff =
    "replace")`` (with replacement) or ``deff = TRUE`` (without, when ``fpc``
    is given) defines it.

    Proportion intervals use ``x = p n_eff`` successes in ``n_eff`` trials.
    Composite and ``mean_pct`` intervals are built on the logit scale from the
    linearised standard error (``interval = "logit-linearization"``) so they
    stay within 0-100; at 0 or 100 % they fall back to Wilson with ``n_eff``
    (``"wilson-boundary"``).

    References
    ----------
    Lumley, T. (2010). Complex Surveys: A Guide to Analysis Using R. Wiley.
    Kish, L. (1965). Survey Sampling. Wiley.
    """
    scheme = scheme or Scheme.sipas_service_delivery()
    check_common(ci, level, min_n)
    if variance not in VARIANCES:
        raise ValueError(f"variance must be one of {VARIANCES}, got {variance!r}")
    if len(df) == 0:
        raise ValueError("no responses to analyse")
    codes, k_crit, x = item_scores(df, scheme, method)
    gid, keys = group_rows(df, by)
    design, order = Design.from_frame(df, gid, len(keys), weight, strata, fpc).in_cell_order()
    if order is not None:
        x = _take_rows(x, order)
        gid = design.gid
    labels, t = layout(scheme, codes, k_crit)
    tot = _totals(x, design, k_crit, method)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratios = tot["y"] / tot["x"]
        kish_items = tot["x"] ** 2 / tot["x2"]
    est = combine(ratios, t)
    m = np.bincount(gid, minlength=len(keys)).astype(float)
    kish_all = design.sum(design.w) ** 2 / design.sum(design.w ** 2)
    is_item = np.array([lv in ("criterion", "expectation") for lv, _ in labels])
    item_col = np.argmax(t, axis=1)
    n = np.where(is_item, tot["count"][:, item_col], m[:, None])
    n_eff = np.where(is_item, np.nan_to_num(kish_items)[:, item_col], kish_all[:, None])
    # an item nobody in a group answered has a = y = 0 there: zero influence
    answered = tot["x"] > 0
    ratio0 = np.where(answered, ratios, 0.0).T
    inv_x = np.where(answered, 1 / np.where(answered, tot["x"], 1.0), 0.0).T
    # Items are rows of identity in t: their influence values are r itself,
    # and only composites need a product. einsum rather than matmul: on a
    # busy machine OpenBLAS threads make thin products many times slower.
    comp = ~is_item
    n_items = len(codes)
    moments = np.zeros((3, len(design.cell_group), n_items + comp.sum()))
    for rows in _chunks(len(x)):
        a, y = answered_satisfied_from(x[rows], k_crit, method)
        g = gid[rows]
        # (rows, items) gathers, transposed twice to stay column-major
        r = (y - ratio0[:, g].T * a) * inv_x[:, g].T
        design.add_moments(moments[..., :n_items], r, rows)
        if comp.any():
            design.add_moments(moments[..., n_items:],
                               np.einsum("nk,pk->pn", r, t[comp]).T, rows)
    # back to label order: items by their column, composites after them
    label_col = np.where(is_item, item_col, n_items + np.cumsum(comp) - 1)
    var, vsrs = design.variances(moments[..., label_col])
    common = dict(method=method, ci=ci, level=level, min_n=min_n)
    if variance == "linearization":
        return table(keys, labels, n, n_eff, est, var, vsrs, **common)
    a, y = answered_satisfied_from(x, k_crit, method)
    w = design.w[:, None]
    reps = bootstrap_estimates(design, w * a, w * y, t, replicates, seed)
    with warnings.catch_warnings():  # a group whose every replicate is undefined
        warnings.simplefilter("ignore", RuntimeWarning)
        var = np.nanvar(reps, axis=0, ddof=1)
    alpha = (1 - level) / 2
    bounds = tuple(quantiles(reps, [alpha, 1 - alpha]))
    return table(keys, labels, n, n_eff, est, var, vsrs, bounds=bounds,
                 composite_interval="percentile-bootstrap", **common)


def _chunks(n: int):
    # Rows stream through in slices: the temporaries stay small and are
    # reused, so a million responses need neither gigabytes nor the time
    # spent faulting fresh pages in. Groups stay vectorised within a slice.
    return [slice(lo, lo + _CHUNK) for lo in range(0, max(n, 1), _CHUNK)]


def _take_rows(x: np.ndarray, order: np.ndarray) -> np.ndarray:
    """``x[order]`` kept column-major, gathering column by column."""
    out = np.empty_like(x, order="F")
    for j in range(x.shape[1]):
        out[:, j] = x[order, j]
    return out


def _totals(x: np.ndarray, design: Design, k_crit: int, method: str) -> dict:
    """Per-group ``sum w a`` (x), ``sum w y`` (y), ``sum w² a`` (x2), ``sum a`` (count)."""
    names = ("x", "y", "x2", "count") if design.weighted else ("x", "y")
    out = {name: np.zeros((design.n_groups, x.shape[1])) for name in names}
    for rows in _chunks(len(x)):
        a, y = answered_satisfied_from(x[rows], k_crit, method)
        if design.weighted:
            w = design.w[rows, None]
            parts = {"x": w * a, "y": w * y, "x2": w * w * a, "count": a}
        else:
            parts = {"x": a, "y": y}
        for name, values in parts.items():
            design.add_sums(out[name], values, rows)
    if not design.weighted:
        out["x2"] = out["count"] = out["x"]
    return out
