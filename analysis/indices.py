"""SIPAS indices with design-based uncertainty, from one row per response."""
from __future__ import annotations

from typing import Sequence

import numpy as np
import pandas as pd

from .bootstrap import bootstrap_estimates
from .design import Design, group_rows
from .results import check_common, combine, layout, table
from .scheme import Scheme
from .scoring import answered_satisfied

VARIANCES = ("linearization", "bootstrap")


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
    codes, k_crit, a, y = answered_satisfied(df, scheme, method)
    gid, keys = group_rows(df, by)
    design = Design.from_frame(df, gid, len(keys), weight, strata, fpc)
    labels, t = layout(scheme, codes, k_crit)
    w = design.w
    wa = w[:, None] * a
    x_tot = design.sum(wa)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratios = design.sum(w[:, None] * y) / x_tot
        r_items = np.nan_to_num((y - ratios[gid] * a) / x_tot[gid])
    est = combine(ratios, t)
    r_all = r_items @ t.T
    del r_items
    vsrs = design.srs_variance(r_all)
    m = np.bincount(gid, minlength=len(keys)).astype(float)
    sw, sw2 = design.sum(w), design.sum(w * w)
    with np.errstate(divide="ignore", invalid="ignore"):
        kish_items = x_tot ** 2 / design.sum(w[:, None] * wa)
        kish_all = sw ** 2 / sw2
    is_item = np.array([lv in ("criterion", "expectation") for lv, _ in labels])
    item_col = np.argmax(t, axis=1)
    n = np.where(is_item, design.sum(a)[:, item_col], m[:, None])
    n_eff = np.where(is_item, np.nan_to_num(kish_items)[:, item_col], kish_all[:, None])
    common = dict(k_crit=k_crit, method=method, ci=ci, level=level, min_n=min_n)
    if variance == "linearization":
        var = design.variance(w[:, None] * r_all)
        return table(keys, labels, n, n_eff, est, var, vsrs, **common)
    reps = bootstrap_estimates(design, wa, w[:, None] * y, t, replicates, seed)
    var = np.nanvar(reps, axis=0, ddof=1)
    alpha = (1 - level) / 2
    with np.errstate(invalid="ignore"):
        bounds = tuple(np.nanquantile(reps, [alpha, 1 - alpha], axis=0))
    return table(keys, labels, n, n_eff, est, var, vsrs, bounds=bounds,
                 composite_interval="percentile-bootstrap", **common)
