"""A city's communes side by side: each commune's index and elements, the city figure, the ranking.

One scan of the cells grouped by (unit, service) gives every commune's
figures and the city's (the aggregation rule averages over either key); the
ranking compares each commune with the city figure and flags only the
differences that survive Holm's (or Benjamini-Hochberg's) adjustment over
all communes (analysis/ranking.py) — a rank alone would read noise as order.
"""
from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import pandas as pd
from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import Session

from analysis.ranking import ADJUSTMENTS, against_combination
from survey.models import Unit
from survey.results import queries
from survey.results.config import Method
from survey.results.filters import Filters
from survey.results.units import unit_and_descendants

SORT_KEYS = ("name", "code", "n", "SIPAS", "difference")


@dataclass(frozen=True)
class Figure:
    """One estimate of a commune or of the city (percent; NaN where undefined)."""

    n: int
    estimate: float
    ci_low: float
    ci_high: float
    se: float
    low_n: bool


@dataclass(frozen=True)
class CommuneRow:
    unit_id: int
    code: str
    name: str
    kind: str
    figures: dict[str, Figure]  # SIPAS and each element code
    difference: float           # SIPAS minus the city figure (percentage points)
    diff_low: float
    diff_high: float
    p_adjusted: float
    direction: str              # "above", "below" or "" (not significant after adjustment)

    @property
    def sipas(self) -> Figure:
        return self.figures["SIPAS"]


@dataclass(frozen=True)
class CityView:
    city: Unit
    rows: list[CommuneRow]
    city_figures: dict[str, Figure]  # the city's SIPAS and elements under `rule`
    elements: list[str]
    method: Method                   # the communes' own figures
    rule: str                        # how the city figure is formed
    adjustment: str                  # "holm" or "bh"
    left_out: int = 0                # communes under the public page's minimum n: in no figure

    @property
    def n(self) -> int:
        return sum(r.sipas.n for r in self.rows)


def city_rule() -> str:
    return current_app.config.get("SIPAS_CITY_AGGREGATION", "mean_of_units")


def city_adjustment() -> str:
    return current_app.config.get("SIPAS_CITY_ADJUSTMENT", "holm")


def communes_of(s: Session, city_id: int) -> list[Unit]:
    """The units below a city that have none below them (xã, phường, đặc khu), by name."""
    below = unit_and_descendants(s, city_id) - {city_id}
    parents = set(s.scalars(select(Unit.parent_id).where(Unit.parent_id.in_(below))))
    units = s.scalars(select(Unit).where(Unit.id.in_(below - parents)))
    return sorted(units, key=lambda u: (u.name, u.code))


def _figures(table: pd.DataFrame, codes: list[str]) -> dict[str, Figure]:
    found = {code: Figure(int(n), float(est), float(lo), float(hi), float(se), bool(low))
             for code, n, est, lo, hi, se, low in zip(table.code, table.n, table.estimate, table.ci_low,
                                                     table.ci_high, table.se, table.low_n)}
    return {code: found.get(code, Figure(0, np.nan, np.nan, np.nan, np.nan, True)) for code in codes}


def _weights(rule: str, n: np.ndarray, services: np.ndarray) -> np.ndarray:
    """Each commune's weight in the city figure (analysis/ranking.py)."""
    return {"mean_of_units": np.ones(len(n)), "pooled": n, "mean_of_services": services}[rule].astype(float)


def city_view(s: Session, city: Unit, f: Filters, method: Method, elements: list[str],
              rule: str | None = None, adjustment: str | None = None,
              published_min_n: int | None = None) -> CityView:
    """Every commune of `city` for the selection `f` (its unit scope is replaced by the communes).

    `published_min_n`: the public page's view. Communes under this n are
    left out of the city figure, its n and the ranking, not only hidden in
    the table: with a city figure over every commune, the published ones
    and the rule would give away a hidden commune's figure (one hidden
    commune under mean_of_units is 114 × city − the sum of the others).
    """
    rule, adjustment = rule or city_rule(), adjustment or city_adjustment()
    left_out = 0
    if adjustment not in ADJUSTMENTS:
        raise ValueError(f"unknown adjustment {adjustment!r}")
    communes = communes_of(s, city.id)
    codes = ["SIPAS", *elements]
    f = f.narrowed(unit_ids=tuple(sorted(u.id for u in communes)))
    # by service only where a rule averages services: 10x fewer groups for the estimates otherwise
    by_service = "mean_of_services" in (method.aggregation, rule)
    stats = queries.cell_stats(s, f, ("unit", "service") if by_service else ("unit",), method, coarse=True)
    city_method = replace(method, aggregation=rule)
    if len(stats.n):
        per_unit = queries.estimates(stats, f, method, ("unit",))
        per_unit = per_unit[per_unit.level.isin(("overall", "element"))]
        whole = queries.estimates(stats, f, city_method, ())
        services = stats.keys.groupby("unit")["service"].nunique() if by_service else pd.Series(dtype=int)
    else:
        per_unit = pd.DataFrame(columns=["unit", "code", "level"])
        whole = pd.DataFrame(columns=["code"])
        services = pd.Series(dtype=int)
    parts = {unit: rows for unit, rows in per_unit.groupby("unit", sort=False)} if len(per_unit) else {}
    empty = per_unit.iloc[0:0]
    figures = {u.id: _figures(parts.get(u.id, empty), codes) for u in communes}
    if published_min_n is not None:
        shown = [u for u in communes if figures[u.id]["SIPAS"].n >= published_min_n]
        if len(shown) < len(communes) and len(stats.n):
            mask = stats.keys["unit"].isin([u.id for u in shown]).to_numpy()
            whole = queries.estimates(stats.subset(mask), f, city_method, ()) if mask.any() \
                else pd.DataFrame(columns=["code"])
            if by_service:
                services = services.reindex([u.id for u in shown])
        left_out, communes = len(communes) - len(shown), shown
    sipas = [figures[u.id]["SIPAS"] for u in communes]
    n = np.array([x.n for x in sipas], dtype=float)
    ranking = against_combination([x.estimate for x in sipas], [x.se for x in sipas],
                                  _weights(rule, n, services.reindex([u.id for u in communes]).fillna(0).to_numpy()),
                                  level=method.level, adjust=adjustment)
    rows = [CommuneRow(u.id, u.code, u.name, u.kind, figures[u.id], float(r.difference), float(r.ci_low),
                       float(r.ci_high), float(r.p_adjusted), str(r.direction))
            for u, r in zip(communes, ranking.itertuples(index=False))]
    return CityView(city, rows, _figures(whole, codes), elements, method, rule, adjustment, left_out)


def sorted_rows(rows: list[CommuneRow], key: str, descending: bool) -> list[CommuneRow]:
    """Rows ordered by a column; communes without a figure always last."""
    if key not in SORT_KEYS and not any(key in r.figures for r in rows):
        key = "name"
    if key in ("name", "code"):
        return sorted(rows, key=lambda r: getattr(r, key), reverse=descending)

    def value(r: CommuneRow) -> float:
        if key == "n":
            return float(r.sipas.n)
        return r.difference if key == "difference" else r.figures[key].estimate

    known = [r for r in rows if not np.isnan(value(r))]
    unknown = [r for r in rows if np.isnan(value(r))]
    return sorted(known, key=value, reverse=descending) + sorted(unknown, key=lambda r: r.name)
