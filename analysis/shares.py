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
    the chosen binomial interval with ``p n_eff`` successes in ``n_eff =
    (sum w)² / sum w²`` trials (Kish), which is the plain interval when
    unweighted.
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
        n = group_sum(gid[answered], np.ones(answered.sum()), g)
        tot = group_sum(gid[answered], wa, g)
        tot2 = group_sum(gid[answered], wa * wa, g)
        with np.errstate(divide="ignore", invalid="ignore"):
            p = sw / tot[:, None]
            n_eff = np.broadcast_to((tot * tot / tot2)[:, None], p.shape)
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
    out["low_n"] = out["n"] < min_n
    return out
