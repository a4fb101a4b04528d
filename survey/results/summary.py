"""The report's main table: one row per procedure (n, the index with its interval, each element), then all.

The report (survey/report) and the workbook's first sheet (survey/exports)
both lay it out from these rows, so a table pasted from Excel is the table
the report prints.
"""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd


@dataclass(frozen=True)
class SummaryRow:
    code: str  # procedure code; "" for the row of every procedure together
    name: str
    n: int
    estimate: float | None
    ci_low: float | None
    ci_high: float | None
    elements: tuple[float | None, ...]  # in the questionnaire's element order
    low_n: bool


def _value(x) -> float | None:
    return None if x is None or pd.isna(x) else float(x)


def _row(code: str, name: str, part: pd.DataFrame, elements: list[str]) -> SummaryRow:
    by_code = part.set_index("code")
    top = by_code.loc["SIPAS"]
    return SummaryRow(code, name, int(top.n), _value(top.estimate), _value(top.ci_low), _value(top.ci_high),
                      tuple(_value(by_code.estimate.get(e)) for e in elements), bool(top.low_n))


def summary_rows(estimates: pd.DataFrame, elements: list[str], overall_name: str) -> list[SummaryRow]:
    """Rows from a scoped estimate table (survey.results.scopes): procedures by code, then the total."""
    rows = []
    services = estimates[(estimates.scope == "service") & estimates.level.isin(("overall", "element"))]
    for code, part in services.groupby("scope_code", sort=True):
        rows.append(_row(code, part.scope_name.iloc[0], part, elements))
    overall = estimates[(estimates.scope == "overall") & estimates.level.isin(("overall", "element"))]
    if len(overall) and "SIPAS" in set(overall.code):
        rows.append(_row("", overall_name, overall, elements))
    return rows
