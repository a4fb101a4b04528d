"""Indices above one service or unit: the aggregation rule.

How a commune's (or a city's) index is formed from its respondents is a
choice, not a fact, and every figure records it:

- ``pooled``: every respondent of the group at once (each criterion is one
  ratio over all of them);
- ``mean_of_services``: each service's index, then their unweighted mean;
- ``mean_of_units``: each unit's (commune's) index, then their mean -- how
  the national SIPAS treats provinces.

A mean of domain indices ``(1/S) sum_s R_s`` is linear in the domain
indices, so its influence value for a respondent of domain ``s`` is
``r_i(s) / S``: the design variance, with the covariance between domains
that share strata, follows from the domains' per-cell moments exactly (R:
``svyby(~..., ~service, design, svyratio, covmat = TRUE)`` then
``svycontrast`` with weights ``1/S``). A domain whose index is undefined
(nobody answered) is left out of that estimate's mean.
"""
from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Sequence

import numpy as np

from .design import group_rows

if TYPE_CHECKING:  # indices imports this module
    from .indices import Fit

AGGREGATIONS = ("pooled", "mean_of_services", "mean_of_units")


def check_aggregation(rule: str) -> None:
    if rule not in AGGREGATIONS:
        raise ValueError(f"aggregation must be one of {AGGREGATIONS}, got {rule!r}")


def aggregated_over(rule: str, by: Sequence[str], service: str, unit: str) -> str | None:
    """The column a group's index is averaged over, or None (pooled, or already one)."""
    check_aggregation(rule)
    column = {"pooled": None, "mean_of_services": service, "mean_of_units": unit}[rule]
    return None if column is None or column in by else column


def mean_of_domains(fine: Fit, coarse: Fit, by: Sequence[str]) -> Fit:
    """The ``coarse`` fit with each estimate the mean of its ``fine`` domains'.

    ``fine`` is a :class:`analysis.indices.Fit` grouped by ``by`` plus the
    column averaged over, ``coarse`` the fit of the same data grouped by
    ``by`` (it supplies the design of the coarse groups).
    """
    parent, _ = group_rows(fine.keys, list(by))  # both sorted: same group numbers
    defined = ~np.isnan(fine.est)
    count = np.zeros(coarse.est.shape)
    np.add.at(count, parent, defined.astype(float))
    with np.errstate(divide="ignore", invalid="ignore"):
        coef = np.where(defined, 1 / count[parent], 0.0)
    est = np.zeros(coarse.est.shape)
    np.add.at(est, parent, np.where(defined, fine.est, 0.0) * coef)
    est[count == 0] = np.nan
    fd, cd = fine.design, coarse.design
    coarse_keys = cd.cell_group.astype(np.int64) * cd.n_strata + cd.cell_stratum
    fine_keys = parent[fd.cell_group].astype(np.int64) * cd.n_strata + fd.cell_stratum
    target = np.searchsorted(coarse_keys, fine_keys)
    c = coef[fd.cell_group]
    moments = np.zeros(coarse.moments.shape)
    np.add.at(moments[0], target, fine.moments[0] * c)
    np.add.at(moments[1], target, fine.moments[1] * c * c)
    np.add.at(moments[2], target, fine.moments[2] * c * c)
    return replace(coarse, est=est, moments=moments)
