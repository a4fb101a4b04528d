"""A period against the one before it and the same period a year earlier.

Both comparisons are of independent samples (different respondents), per
procedure and per element: the difference with Newcombe's interval
(analysis.compare_estimates) and adjusted p-values, Holm over the overall
index and its elements (a handful of planned comparisons), Benjamini–Hochberg
over procedures × elements (screening many at once). Newcombe's score
interval is that of a proportion; a composite index (an element, SIPAS-DV)
gets d ± z·se from the two linearised standard errors, with Newcombe on the
effective sizes standing in where neither side has any spread (both 100 %).
The report's section IV reads `Comparison.table`; the results page and the
indices workbook show the same comparison through `lines`.

The other periods are read like the page's own: rollup cells through
survey/results/selection.py (the selection's cells are memoised, so the
current period is not read again), one read per period.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import pandas as pd
from sqlalchemy.orm import Session

from analysis.compare import compare_estimates
from survey.results import forms
from survey.results.config import Method
from survey.results.filters import Filters, Period
from survey.results.scopes import scoped_estimates

LEVELS = ("overall", "element")
COMPARED = ("overall", "service")  # the scopes compared: the whole selection, each procedure
ADJUSTMENT = {"overall": "holm", "service": "bh"}  # which adjustment each family gets


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
    now: pd.DataFrame  # the selection's own estimates (scoped_estimates), every index the lines show
    responses: int = 0  # responses of the other period (0: nothing to compare with)

    def row(self, scope_code: str, code: str):
        """The comparison of one index of one scope ("" overall), or None."""
        hit = self.table[(self.table.scope_code == scope_code) & (self.table.code == code)]
        return None if hit.empty else hit.iloc[0]


# what compare_estimates and the names read of a scoped table: taking only
# these before the merge spares copying the twenty other columns
_COMPARED_COLUMNS = ["scope_code", "scope_name", "level", "code", "n", "n_eff", "estimate", "se", "interval",
                     "index_method", "low_n"]


def _family(now: pd.DataFrame, then: pd.DataFrame, scope: str, level: float, adjust: str) -> pd.DataFrame:
    # An index without responses on a side has nothing to compare; leaving it
    # out also keeps it out of the adjustment's family.
    a, b = (t[_COMPARED_COLUMNS][((t.scope == scope) & t.level.isin(LEVELS) & t.estimate.notna()).to_numpy()]
            for t in (now, then))
    if a.empty or b.empty:
        return pd.DataFrame()
    out = compare_estimates(a, b, by=("scope_code",), level=level)
    out.insert(0, "scope", scope)
    out.insert(2, "scope_name", out.scope_code.map(dict(zip(a.scope_code, a.scope_name))))
    out["p_adjusted"] = out[adjust]
    return out[out.difference.notna()]


def compare_periods(s: Session, f: Filters, then: Filters, kind: str, method: Method,
                    now: pd.DataFrame | None = None) -> Comparison:
    """The selection `f` against `then` (the same selection in another period).

    `then` counts every version of `f`'s form (a reworded version a year
    earlier is the same measure), never another form; versions without
    responses there add nothing, so no count of responses is needed.
    """
    now = scoped_estimates(s, f, method, COMPARED) if now is None else now
    if f.questionnaires:
        then = then.narrowed(questionnaires=forms.comparable_versions(f.questionnaire))
    before = scoped_estimates(s, then, method, COMPARED)
    parts = [p for p in (_family(now, before, "overall", method.level, "p_holm"),
                         _family(now, before, "service", method.level, "p_bh")) if len(p)]
    table = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(
        columns=["scope", "scope_code", "scope_name", "level", "code", "n_a", "n_b", "estimate_a",
                 "estimate_b", "difference", "ci_low", "ci_high", "p_adjusted", "low_n"])
    table["significant"] = table["p_adjusted"].astype(float) < 1 - method.level
    top = before[(before.scope == "overall") & (before.level == "overall")]
    return Comparison(kind, then.period or Period("custom", date.min, date.min), table, now,
                      int(top.n.max()) if len(top) else 0)


def standard_comparisons(s: Session, f: Filters, method: Method, now: pd.DataFrame | None = None,
                         previous: Filters | None = None) -> list[Comparison]:
    """The period before (or `previous`, e.g. the previous plan) and the same period a year earlier."""
    if f.period is None:
        return []
    now = scoped_estimates(s, f, method, COMPARED) if now is None else now
    previous = previous or f.narrowed(period=previous_period(f.period))
    return [compare_periods(s, f, previous, "previous", method, now),
            compare_periods(s, f, f.narrowed(period=last_year(f.period)), "last_year", method, now)]


@dataclass(frozen=True)
class Line:
    """One index of one scope in a comparison, as the results page and the workbook show it.

    ``other`` and everything after it are None where the other period has no
    responses for this scope ("không đủ dữ liệu").
    """

    scope: str  # "overall" or "service"
    scope_code: str  # "" for the whole selection
    scope_name: str
    code: str  # SIPAS or an element
    n: int  # responses of this period
    estimate: float  # this period (%)
    n_other: int | None
    other: float | None  # the other period (%)
    difference: float | None  # percentage points, this minus the other
    ci_low: float | None
    ci_high: float | None
    interval: str | None  # how the difference's interval was formed (analysis.compare)
    p_adjusted: float | None
    significant: bool | None
    low_n: bool  # fewer than the threshold on either side (or this side, without the other)
    adjustment: str  # "holm" or "bh": the family the row's p-value is adjusted in


def lines(c: Comparison) -> list[Line]:
    """The whole selection's index then its elements, then each procedure's: every index of `c.now`."""
    now = c.now.loc[c.now.scope.isin(COMPARED) & c.now.level.isin(LEVELS) & c.now.estimate.notna(),
                    ["scope", "scope_code", "scope_name", "level", "code", "n", "estimate", "low_n"]]
    rank = {"overall": 0, "service": 1}
    now = now.assign(_scope=now.scope.map(rank), _level=(now.level != "overall").astype(int),
                     _at=range(len(now))).sort_values(["_scope", "scope_code", "_level", "_at"], kind="stable")
    # itertuples costs by the column: only those a line reads
    read = ["scope", "scope_code", "code", "n_b", "estimate_b", "difference", "ci_low", "ci_high", "interval",
            "p_adjusted", "significant", "low_n"]
    found = {(r.scope, r.scope_code, r.code): r for r in c.table[read].itertuples(index=False)} if len(c.table) else {}
    out = []
    for r in now.itertuples(index=False):
        hit = found.get((r.scope, r.scope_code, r.code))
        head = (r.scope, r.scope_code or "", r.scope_name or "", r.code, int(r.n), float(r.estimate))
        if hit is None:
            out.append(Line(*head, None, None, None, None, None, None, None, None, bool(r.low_n), ADJUSTMENT[r.scope]))
        else:
            out.append(Line(*head, int(hit.n_b), float(hit.estimate_b), float(hit.difference), float(hit.ci_low),
                            float(hit.ci_high), str(hit.interval), float(hit.p_adjusted), bool(hit.significant),
                            bool(hit.low_n), ADJUSTMENT[r.scope]))
    return out
