"""SIPAS indices with design-based uncertainty, from one row per response."""
from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Any, Sequence

import numpy as np
import pandas as pd

from .aggregate import aggregated_over, check_aggregation, mean_of_domains
from .bootstrap import bootstrap_estimates, quantiles
from .design import Design, group_rows
from .results import check_common, combine, layout, table
from .scheme import Scheme
from .scoring import answered_satisfied_from, item_scores

VARIANCES = ("linearization", "bootstrap")
_CHUNK = 1 << 15  # rows per slice: ~5 MB per (rows, estimates) temporary


@dataclass(frozen=True)
class Fit:
    """What every index and its variance follow from, per group of ``by``.

    ``moments`` are the per-cell ``(sum u, sum u², sum u r)`` of each
    estimate's influence values (see :meth:`Design.add_moments`), in the
    order of ``labels``; ``answered`` the per-cell answer counts of each item.
    """

    keys: pd.DataFrame
    labels: list[tuple[str, str]]
    t: np.ndarray
    est: np.ndarray        # (G, P) fractions
    n: np.ndarray          # (G, P) answers (items) or responses (composites)
    kish: np.ndarray       # (G, P) Kish's effective size
    moments: np.ndarray    # (3, C, P)
    answered: np.ndarray   # (C, P) answers behind each estimate, per cell
    design: Design

    def variances(self) -> tuple[np.ndarray, np.ndarray]:
        return self.design.variances(self.moments)

    def degf(self) -> np.ndarray:
        """R ``degf(subset(design, group))`` per estimate: its rows minus its strata."""
        d = self.design
        return np.asarray(d.per_group(self.answered)
                          - d.per_group((self.answered > 0).astype(float)))

    def census(self) -> np.ndarray:
        """Groups whose every stratum was sampled in full."""
        d = self.design
        return np.asarray(d.per_group((~np.asarray(d.cell_census)).astype(float)) == 0)

    def lonely_strata(self) -> np.ndarray:
        """Lonely strata (a single response) each group has a response in."""
        return self.design.per_group(self.design.cell_lonely.astype(float)).astype(np.int64)


def fit(df: pd.DataFrame, scheme: Scheme, by: Sequence[str] = (), weight: str | None = None,
        strata: str | None = None, fpc: str | None = None, method: str = "top2box",
        lonely: str = "adjust") -> tuple[Fit, np.ndarray, int]:
    """Estimates and per-cell moments of every index; also the checked answers.

    Returns ``(fit, x, k_crit)``, ``x`` in the design's cell order.
    """
    if len(df) == 0:
        raise ValueError("no responses to analyse")
    codes, k_crit, x = item_scores(df, scheme, method)
    gid, keys = group_rows(df, by)
    design, order = Design.from_frame(df, gid, len(keys), weight, strata, fpc,
                                      lonely).in_cell_order()
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
    n_cells = len(design.cell_group)
    moments = np.zeros((3, n_cells, n_items + comp.sum()))
    # answers per cell, for the degrees of freedom; without strata cells are groups
    by_cell = design.n_strata > 1
    cell_answers = np.zeros((n_cells, n_items)) if by_cell else tot["count"]
    for rows in _chunks(len(x)):
        a, y = answered_satisfied_from(x[rows], k_crit, method)
        g = gid[rows]
        # (rows, items) gathers, transposed twice to stay column-major
        r = (y - ratio0[:, g].T * a) * inv_x[:, g].T
        design.add_moments(moments[..., :n_items], r, rows)
        if by_cell:
            design.add_sums(cell_answers, a, rows, by_cell=True)
        if comp.any():
            design.add_moments(moments[..., n_items:],
                               np.einsum("nk,pk->pn", r, t[comp]).T, rows)
    # back to label order: items by their column, composites after them
    label_col = np.where(is_item, item_col, n_items + np.cumsum(comp) - 1)
    cell_rows = design.cell_counts()
    answers = np.where(is_item[None, :], cell_answers[:, item_col], cell_rows[:, None])
    return Fit(keys, labels, t, est, n, n_eff, moments[..., label_col], answers, design), x, k_crit


def estimate(df: pd.DataFrame, scheme: Scheme | None = None, by: Sequence[str] = (),
             weight: str | None = None, strata: str | None = None, fpc: str | None = None,
             method: str = "top2box", ci: str = "wilson", level: float = 0.95,
             min_n: int = 30, variance: str = "linearization", replicates: int = 1000,
             seed: int | np.random.SeedSequence | np.random.Generator | None = None, lonely: str = "adjust", dof: str = "degf",
             aggregation: str = "pooled", service: str = "service",
             unit: str = "unit") -> pd.DataFrame:
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
        ``weight`` the weight is ``N_h / n_h``. Per-service figures of a
        plan that draws a quota per procedure take ``strata="service"``, so
        each service has its own ``n/(n-1)`` factor.
    method : {"top2box", "mean_pct"}
        Criterion index: share answering 4-5, or ``(mean score - 1) / 4``.
    ci : {"wilson", "exact", "jeffreys"}
        Interval for indices that are proportions.
    level : float
        Confidence level.
    min_n : int
        Estimates whose effective size ``n_eff`` is below it get ``low_n``.
    variance : {"linearization", "bootstrap"}
        Taylor linearisation (R ``survey``'s estimator) or a respondent
        bootstrap within (group, stratum) cells.
    replicates, seed
        Bootstrap resamples and the seed that makes them reproducible.
    lonely : {"adjust", "certainty", "average", "fail"}
        What a stratum with a single response contributes to the variance,
        with R's names for ``options(survey.lonely.psu)`` (see
        :mod:`analysis.design`). Recorded in ``lonely_rule``; ``lonely_strata``
        counts the lonely strata a group has responses in.
    dof : {"degf", "inf"}
        Degrees of freedom of the intervals: R's default ``df =
        degf(design)`` (t quantiles; what matters for small samples) or
        ``df = Inf`` (normal quantiles).
    aggregation : {"pooled", "mean_of_services", "mean_of_units"}
        How a group above one service (or unit) gets its index: every
        respondent at once, or the mean of the indices of its services
        (column ``service``) or units (column ``unit``), each a domain of the
        design; see :mod:`analysis.aggregate`. Recorded in ``aggregation``.

    Returns
    -------
    DataFrame
        One row per group and estimate: the ``by`` columns, then
        :data:`analysis.results.COLUMNS`: ``level``, ``code``, ``n``,
        ``n_eff``, ``deff``, ``estimate``, ``se``, ``ci_low``, ``ci_high`` (in
        %), ``interval``, ``conf_level``, ``df``, ``index_method``,
        ``aggregation``, ``lonely_rule``, ``lonely_strata``, ``low_n``,
        ``note``.

    Notes
    -----
    A criterion index is the ratio ``R_j = sum w y_j / sum w a_j`` (R
    ``svyratio(~y_j, ~a_j, design)``) with influence values ``r_ij = (y_ij
    - R_j a_ij) / sum w a_j``; it counts only the respondents who answered
    it (item non-response). A composite ``sum_j c_j R_j`` has influence
    ``sum_j c_j r_ij`` (the delta method of R ``svycontrast(svytotal(~y_1 +
    ... + a_k, design), quote(...))``), so the covariance between criteria
    answered by the same respondent is carried in full. The design variance
    of ``sum w r`` is described in :mod:`analysis.design`; groups are R
    ``svyby(..., design)`` domains, i.e. ``subset(design, group)``.

    ``n`` is the number of answers for a criterion or expectation and the
    number of responses in the group for a composite. Without a design
    ``n_eff = n`` and the intervals are the textbook ones. With one
    (weights, strata or fpc) ``n_eff`` is the design's effective size
    ``p (1 - p) / Var`` (R ``svyciprop(method = "beta")``'s ``n.eff``) for
    criteria and expectations and ``n / deff`` for composites, falling back
    to Kish's ``(sum w)² / sum w²`` at 0 or 100 % (see
    :func:`analysis.results.table`). ``deff`` is the design variance over
    the simple-random-sampling variance of the same linearised values, as R
    ``svyratio(deff = "replace")`` (with replacement) or ``deff = TRUE``
    (without, when ``fpc`` is given) defines it.

    Proportion intervals use ``x = p n_eff`` successes in ``n_eff`` trials.
    Composite and ``mean_pct`` intervals are built on the logit scale from the
    linearised standard error (``interval = "logit-linearization"``; R
    ``svyciprop(method = "logit", df = degf(design))`` on a proportion) so
    they stay within 0-100; at 0 or 100 % they fall back to Wilson with
    ``n_eff`` (``"wilson-boundary"``). A group with a single answer has no
    standard error (``note``).

    References
    ----------
    Lumley, T. (2010). Complex Surveys: A Guide to Analysis Using R. Wiley.
    Kish, L. (1965). Survey Sampling. Wiley.
    """
    scheme = scheme or Scheme.sipas_service_delivery()
    check_common(ci, level, min_n, dof)
    if variance not in VARIANCES:
        raise ValueError(f"variance must be one of {VARIANCES}, got {variance!r}")
    check_aggregation(aggregation)
    common: dict[str, Any] = dict(method=method, ci=ci, level=level, min_n=min_n, dof=dof,
                                  lonely=lonely, aggregation=aggregation)
    over = aggregated_over(aggregation, by, service, unit)
    if over is not None:
        if variance != "linearization":
            raise ValueError(f"aggregation {aggregation!r} needs variance='linearization'")
        fine, _, _ = fit(df, scheme, [*by, over], weight, strata, fpc, method, lonely)
        coarse, _, _ = fit(df, scheme, by, weight, strata, fpc, method, lonely)
        return finish(mean_of_domains(fine, coarse, list(by)), design_based=True, **common)
    f, x, k_crit = fit(df, scheme, by, weight, strata, fpc, method, lonely)
    if variance == "linearization":
        return finish(f, **common)
    design = f.design
    var, vsrs = f.variances()
    a, y = answered_satisfied_from(x, k_crit, method)
    w = design.w[:, None]
    reps = bootstrap_estimates(design, w * a, w * y, f.t, replicates, seed)
    with warnings.catch_warnings():  # a group whose every replicate is undefined
        warnings.simplefilter("ignore", RuntimeWarning)
        var = np.nanvar(reps, axis=0, ddof=1)
    alpha = (1 - level) / 2
    bounds = tuple(quantiles(reps, [alpha, 1 - alpha]))
    return finish(f, var=var, vsrs=vsrs, bounds=bounds,
                  composite_interval="percentile-bootstrap", **common)


def finish(f: Fit, *, var: np.ndarray | None = None, vsrs: np.ndarray | None = None,
           design_based: bool | None = None, **options: Any) -> pd.DataFrame:
    """The published table of a fit (variances from its moments unless given)."""
    if var is None:
        var, vsrs = f.variances()
    elif vsrs is None:
        vsrs = f.variances()[1]
    if design_based is None:
        design_based = f.design.given
    return table(f.keys, f.labels, f.n, f.kish, f.est, var, vsrs, degf=f.degf(),
                 design_based=design_based, census=f.census(),
                 lonely_strata=f.lonely_strata(), **options)


def _chunks(n: int) -> list[slice]:
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


def _totals(x: np.ndarray, design: Design, k_crit: int, method: str) -> dict[str, np.ndarray]:
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
