"""What a unit publishes: indices of the year so far, overall and per service above min n."""
from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from survey.models import Unit
from survey.results import forms, queries
from survey.results.city import CityView, city_view
from survey.results.config import Method, definition
from survey.results.filters import Filters, Period
from survey.results.forms import FormChoice
from survey.results.units import unit_and_descendants


class PublishedService(NamedTuple):
    """One procedure's figures; `name_en` is "" when the catalogue has no English name."""

    code: str
    name: str
    name_en: str
    rows: pd.DataFrame


@dataclass(frozen=True)
class Publication:
    unit: Unit
    period: Period
    n: int
    headline: pd.DataFrame  # SIPAS then elements; empty when n is below the minimum
    services: list[PublishedService]  # only services with n >= min_n
    hidden_services: int
    method: Method
    choice: FormChoice  # the form published here and the others with responses in the year


def unit_by_code(s: Session, code: str) -> Unit | None:
    return s.scalar(select(Unit).where(Unit.code == code)) if len(code) <= 20 else None


def publication(s: Session, unit: Unit, period: Period, method: Method, form: str | None = None) -> Publication:
    """The unit's figures for the form asked for (`code:version`), else the one with most responses."""
    f, choice = forms.choose(s, Filters(unit_ids=tuple(sorted(unit_and_descendants(s, unit.id))),
                                        period=period), form)
    cells = queries.cell_stats(s, f, ("service",), method)
    n = int(cells.n.sum())
    overall = queries.estimates(cells, f, method, ())
    headline = pd.concat([overall[overall.level == "overall"], overall[overall.level == "element"]])
    if n < method.min_n:
        headline = headline.iloc[0:0]
    services, hidden = [], 0
    if len(cells.n):
        table = queries.estimates(cells, f, method, ("service",))
        table = table[table.level.isin(("overall", "element"))]
        names = queries.catalogue(s, cells.keys["service"].unique(), []).services.set_index("service")
        for service, rows in table.groupby("service", sort=False):
            rows = pd.concat([rows[rows.level == "overall"], rows[rows.level == "element"]])
            if rows.iloc[0].n < method.min_n:
                hidden += 1
                continue
            named = names.loc[service]
            services.append(PublishedService(named["service_code"], named["service_name"],
                                             named["service_name_en"] or "", rows))
    services.sort(key=lambda v: v.code)
    return Publication(unit, period, n, headline, services, hidden, method, choice)


def city_publication(s: Session, city: Unit, period: Period, method: Method,
                     form: str | None = None) -> tuple[CityView, FormChoice]:
    """Every published commune's figures of the year; those under min n are in no figure (city_view)."""
    f, choice = forms.choose(s, Filters(unit_ids=tuple(sorted(unit_and_descendants(s, city.id))),
                                        period=period), form)
    elements = [e.code for e in definition(f.questionnaire).elements]
    return city_view(s, city, f, method, elements, published_min_n=method.min_n), choice
