"""Shares of the options of categorical questions (perceptions, channel)."""
from __future__ import annotations

from typing import Sequence

import numpy as np
import pandas as pd

from .design import group_rows, group_sum
from .intervals import critical_value, proportion_interval
from .validate import InputError, design_columns


def shares(df: pd.DataFrame, columns: Sequence[str], by: Sequence[str] = (),
           weight: str | None = None, ci: str = "wilson", level: float = 0.95,
           min_n: int = 30) -> pd.DataFrame:
    """Share of each option of each categorical question, with its interval.

    Parameters
    ----------
    df : DataFrame
        One row per response; missing values are "not answered" and left
        out of the denominator.
    columns : sequence of str
        Categorical questions, e.g. ``["harassment", "informal_payment",
        "channel"]``.
    by, weight, ci, level, min_n
        As in :func:`analysis.estimate`.

    Returns
    -------
    DataFrame
        One row per group, question and option seen in the data (options
        unseen in a group get a 0 % row): the ``by`` columns, ``question``,
        ``option``, ``count`` (answers of that option), ``n`` (answers to the
        question), ``n_eff``, ``estimate``, ``ci_low``, ``ci_high`` (in %),
        ``interval``, ``conf_level``, ``low_n``.

    Notes
    -----
    The share is ``sum w [x = option] / sum w [x answered]``; the interval is
    the chosen binomial interval with ``p n_eff`` successes in ``n_eff``
    trials. Unweighted, ``n_eff = n`` (the plain interval). Weighted, it is
    the design's effective size ``p (1 - p) / Var`` as R ``svyciprop`` uses
    it, ``Var`` being the variance of R ``svymean(~I(x == option),
    subset(svydesign(ids = ~1, weights = ~w, data = df), !is.na(x)))``:
    ``N/(N - 1) sum_i r_i²`` with ``r_i = w_i ([x_i = option] - p) / sum w``
    over the answers and ``N`` every response; Kish's ``(sum w)² / sum w²``
    stands in at 0 or 100 %. ``low_n`` is judged on ``n_eff``.
    """
    critical_value(level)
    gid, keys = group_rows(df, by)
    w, _, _ = design_columns(df, weight, None, None)
    w = np.ones(len(df)) if w is None else w
    g = len(keys)
    parts = []
    for col in columns:  # few questions; groups and options are vectorised
        if col not in df.columns:
            raise InputError(col, None, "not in the data")
        answered = df[col].notna().to_numpy()
        codes, options = pd.factorize(df[col], sort=True)
        k = len(options)
        cell = (gid * k + codes)[answered]
        wa = w[answered]
        count = np.bincount(cell, minlength=g * k).reshape(g, k)
        sw = np.bincount(cell, weights=wa, minlength=g * k).reshape(g, k)
        sw2 = np.bincount(cell, weights=wa * wa, minlength=g * k).reshape(g, k)
        n = group_sum(gid[answered], np.ones(answered.sum()), g)
        tot = group_sum(gid[answered], wa, g)
        tot2 = group_sum(gid[answered], wa * wa, g)
        with np.errstate(divide="ignore", invalid="ignore"):
            p = sw / tot[:, None]
            n_eff = np.broadcast_to((tot * tot / tot2)[:, None], p.shape)
            if weight is not None:
                big_n = len(df)
                ssq = ((1 - p) ** 2 * sw2 + p * p * (tot2[:, None] - sw2)) / (tot * tot)[:, None]
                design_n = p * (1 - p) / (big_n / (big_n - 1) * ssq)
                n_eff = np.where(np.isfinite(design_n) & (design_n > 0), design_n, n_eff)
        low, high = proportion_interval(p * n_eff, n_eff, ci, level)
        part = keys.loc[np.repeat(np.arange(g), k)].reset_index(drop=True)
        part["question"] = col
        part["option"] = np.tile(np.asarray(options, dtype=object), g)
        part["count"] = count.ravel()
        part["n"] = np.repeat(n, k).astype(np.int64)
        part["n_eff"] = n_eff.ravel()
        part["estimate"] = 100 * p.ravel()
        part["ci_low"] = 100 * low.ravel()
        part["ci_high"] = 100 * high.ravel()
        parts.append(part)
    out = pd.concat(parts, ignore_index=True)
    out["interval"] = ci
    out["conf_level"] = level
    out["low_n"] = ~(out["n_eff"] >= min_n)
    return out
