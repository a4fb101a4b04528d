"""Figures for pages and exports: sum rollup cells (selection.py), estimate with `analysis`."""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from analysis.sufficient import SufficientStats, estimate_from_stats
from analysis.versus_rest import versus_rest as analysis_versus_rest
from survey.models import Field, Service, ServicePoint, Unit
from survey.results import forms, selection, sql
from survey.results.cells import KEYS
from survey.results.config import Method
from survey.results.filters import Filters
from survey.results.stats import regroup

CELL_KEY = {"unit": "unit", "service": "service", "service_point": "point", "month": "day"}


def cell_stats(s: Session, f: Filters, names: tuple[str, ...], method: Method,
               coarse: bool = False) -> SufficientStats:
    """Sufficient statistics per group of `names`: sums of rollup cells over every version of the form.

    The columns the aggregation rule averages over (service, unit) are kept
    as keys too, so every coarser figure can be formed by the rule.
    `coarse`: read the cells summed at these groups only (a city's hundred
    communes: memory bounded by the groups, not the days); other calls on
    the same page then read their own cells, so it pays only where one
    table is all a page needs.
    """
    names = (*names, *(c for c in method.columns() if c not in names))
    grain = tuple(CELL_KEY[n] for n in names) if coarse else KEYS
    layout, cells = forms.cells_for(s, f, method.index, grain)
    return selection.grouped(layout, cells, names)


def _rules(stats: SufficientStats, method: Method, groups: tuple[str, ...]) -> dict:
    """The design arguments of a table grouped by `groups`, the same for its figures and their tests.

    A table grouped by procedure treats each procedure as its own sample
    (strata = service) unless `method.per_service` is "domain"; coarser
    tables follow `method.aggregation`.
    """
    own = method.per_service == "own" and "service" in groups
    rule = method.aggregation if all(c in stats.keys.columns for c in method.columns()) else "pooled"
    return dict(by=list(groups), strata="service" if own else None, lonely=method.lonely, dof=method.dof,
                aggregation=rule)


def estimates(stats: SufficientStats, f: Filters, method: Method,
              groups: tuple[str, ...] | None = None) -> pd.DataFrame:
    """The `analysis` estimate table of every group of `groups` (default: all keys of `stats`).

    Every row records the rules (see `_rules`).
    """
    groups = tuple(stats.keys.columns) if groups is None else groups
    return estimate_from_stats(stats, forms.form_scheme(f.questionnaires, method.index),
                               ci=method.interval, level=method.level, min_n=method.min_n,
                               **_rules(stats, method, groups))


def versus_rest(stats: SufficientStats, f: Filters, method: Method, groups: tuple[str, ...] = ()) -> pd.DataFrame:
    """Each element and criterion against the mean of the others of its level, Holm-adjusted.

    The differences are of the figures `estimates` publishes for the same
    groups (analysis.versus_rest).
    """
    return analysis_versus_rest(stats, forms.form_scheme(f.questionnaires, method.index), level=method.level,
                                **_rules(stats, method, groups))


def keyed(stats: SufficientStats, method: Method, columns: dict) -> SufficientStats:
    """Regroup onto derived key `columns` (one value per old group), keeping the rule's columns."""
    keep = {c: stats.keys[c] for c in method.columns() if c in stats.keys.columns and c not in columns}
    frame = pd.DataFrame({**{k: pd.Series(v).reset_index(drop=True) for k, v in columns.items()},
                          **{k: v.reset_index(drop=True) for k, v in keep.items()}},
                         index=range(len(stats.keys)))
    return regroup(stats, frame)


def by(stats: SufficientStats, *names: str) -> SufficientStats:
    """Coarser groups: keep only `names` of the stats' key columns."""
    return regroup(stats, stats.keys[list(names)])


@dataclass(frozen=True)
class Catalogue:
    """Names of the services, fields and counters that appear in a result."""

    services: pd.DataFrame  # service, service_code, service_name, field, field_code, field_name
    points: dict[int, str]


def catalogue(s: Session, service_ids, point_ids) -> Catalogue:
    rows = s.execute(select(Service.id, Service.code, Service.name, Field.id, Field.code, Field.name,
                            Service.name_en)
                     .join(Field, Field.id == Service.field_id)
                     .where(Service.id.in_([int(i) for i in service_ids]))).all()
    services = pd.DataFrame(rows, columns=["service", "service_code", "service_name", "field",
                                           "field_code", "field_name", "service_name_en"], dtype=object)
    ids = [int(i) for i in point_ids if i is not None and not pd.isna(i)]
    counters = s.execute(select(ServicePoint.id, ServicePoint.name, Unit.id, Unit.name)
                         .join(Unit, Unit.id == ServicePoint.unit_id)
                         .where(ServicePoint.id.in_(ids))).all() if ids else []
    several = len({unit for _i, _n, unit, _u in counters}) > 1  # counters of several communes share names
    points = {i: f"{name} – {unit}" if several else name for i, name, _id, unit in counters}
    return Catalogue(services, points)


@dataclass(frozen=True)
class ChoiceShare:
    """Counts and shares of the options of one single-choice question."""

    code: str
    text: str
    total: int
    options: tuple[tuple[int, str, int, float], ...]  # value, label, count, percent


def shares(s: Session, f: Filters, sections=("perception", "channel")) -> list[ChoiceShare]:
    """Option shares of perception and channel questions, counted by SQL."""
    choices = [c for sec in sections for c in forms.form_choices(f.questionnaires or (), sec)]
    counts: dict[tuple[str, int], int] = {}
    codes = tuple(c.code for c in choices)
    layout, cells = forms.cells_for(s, f, Method.from_config().index)
    # Perception and channel counts are in every cell; other sections are counted by SQL.
    stored = {c for c, _ in layout.choices}
    rows = (selection.option_counts(layout, cells) if set(codes) <= stored
            else sql.option_counts(s, f, codes))
    for code, value, n in rows:
        counts[(code, value)] = n
    out = []
    for c in choices:
        total = sum(counts.get((c.code, o.value), 0) for o in c.options)
        out.append(ChoiceShare(c.code, c.text.vi, total, tuple(
            (o.value, o.label.vi, counts.get((c.code, o.value), 0),
             100.0 * counts.get((c.code, o.value), 0) / total if total else float("nan"))
            for o in c.options)))
    return out
