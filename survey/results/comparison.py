"""A period against the one before it and the same period a year earlier.

Both comparisons are of independent samples (different respondents), per
procedure and per element: the difference with Newcombe's interval
(analysis.compare_estimates) and adjusted p-values, Holm over the overall
index and its elements (a handful of planned comparisons), Benjamini–Hochberg
over procedures × elements (screening many at once).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import pandas as pd
from sqlalchemy.orm import Session

from analysis.compare import compare_estimates
from survey.results.config import Method
from survey.results.filters import Filters, Period
from survey.results.scopes import scoped_estimates

LEVELS = ("overall", "element")


def year_earlier(day: date) -> date:
    """The same day a year before (28 February for 29 February)."""
    try:
        return day.replace(year=day.year - 1)
    except ValueError:
        return day.replace(year=day.year - 1, day=28)


def previous_period(period: Period) -> Period:
    """The period of the same length just before (a month, quarter or year before for those kinds)."""
    if period.kind in ("month", "quarter", "year"):
        months = {"month": 1, "quarter": 3, "year": 12}[period.kind]
        y, m = divmod(period.start.year * 12 + period.start.month - 1 - months, 12)
        start = date(y, m + 1, 1)
        return Period(period.kind, start, period.start - timedelta(days=1))
    days = (period.end - period.start).days
    end = period.start - timedelta(days=1)
    return Period("custom", end - timedelta(days=days), end)


def last_year(period: Period) -> Period:
    return Period(period.kind, year_earlier(period.start), year_earlier(period.end))


@dataclass(frozen=True)
class Comparison:
    """One comparison: which period, and the difference table (empty when that period has no responses)."""

    kind: str  # "previous" or "last_year"
    period: Period
    table: pd.DataFrame  # scope, scope_code, scope_name, level, code, n_a, n_b, estimate_a/_b, difference, ci_low/high, p_adjusted, significant

    def row(self, scope_code: str, code: str):
        """The comparison of one index of one scope ("" overall), or None."""
        hit = self.table[(self.table.scope_code == scope_code) & (self.table.code == code)]
        return None if hit.empty else hit.iloc[0]


def _family(now: pd.DataFrame, then: pd.DataFrame, scope: str, level: float, adjust: str) -> pd.DataFrame:
    # An index without responses on a side has nothing to compare; leaving it
    # out also keeps it out of the adjustment's family.
    a, b = (t[(t.scope == scope) & t.level.isin(LEVELS) & t.estimate.notna()] for t in (now, then))
    if a.empty or b.empty:
        return pd.DataFrame()
    out = compare_estimates(a.drop(columns=["scope", "scope_name"]), b.drop(columns=["scope", "scope_name"]),
                            by=("scope_code",), level=level)
    out.insert(0, "scope", scope)
    out.insert(2, "scope_name", out.scope_code.map(dict(zip(a.scope_code, a.scope_name))))
    out["p_adjusted"] = out[adjust]
    return out[out.difference.notna()]


def compare_periods(s: Session, f: Filters, then: Filters, kind: str, method: Method,
                    now: pd.DataFrame | None = None) -> Comparison:
    """The selection `f` against `then` (the same selection in another period)."""
    now = scoped_estimates(s, f, method) if now is None else now
    before = scoped_estimates(s, then, method)
    parts = [p for p in (_family(now, before, "overall", method.level, "p_holm"),
                         _family(now, before, "service", method.level, "p_bh")) if len(p)]
    table = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(
        columns=["scope", "scope_code", "scope_name", "level", "code", "n_a", "n_b", "estimate_a",
                 "estimate_b", "difference", "ci_low", "ci_high", "p_adjusted", "low_n"])
    table["significant"] = table["p_adjusted"].astype(float) < 1 - method.level
    return Comparison(kind, then.period or Period("custom", date.min, date.min), table)


def standard_comparisons(s: Session, f: Filters, method: Method, now: pd.DataFrame | None = None,
                         previous: Filters | None = None) -> list[Comparison]:
    """The period before (or `previous`, e.g. the previous plan) and the same period a year earlier."""
    if f.period is None:
        return []
    previous = previous or f.narrowed(period=previous_period(f.period))
    return [compare_periods(s, f, previous, "previous", method, now),
            compare_periods(s, f, f.narrowed(period=last_year(f.period)), "last_year", method, now)]
