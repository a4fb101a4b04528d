"""Turn an overview into what the dashboard template draws: charts and table rows."""
from __future__ import annotations

from typing import Any, Mapping, Sequence

import pandas as pd
from flask import url_for
from flask_babel import gettext as _

from survey.charts import Point, interval_bars, pct, trend
from survey.results.comparison import Comparison, lines
from survey.results.config import definition, overall_short
from survey.results.filters import Filters, Period
from survey.results.forms import Form, FormChoice, item_names
from survey.results.overview import Overview
from survey.results.wording import lowest_lines, method_lines


def points(table, label) -> list[Point]:
    return [Point(label(r), r.estimate, r.ci_low, r.ci_high, int(r.n), bool(r.low_n))
            for r in table.itertuples(index=False)]


def months_of(period: Period | None, present: list[str]) -> list[str]:
    """Every month of the period (empty ones too), or the months with data."""
    if period is None:
        return sorted(present)
    out: list[str] = []
    y, m = period.start.year, period.start.month
    while (y, m) <= (period.end.year, period.end.month) and len(out) < 60:
        out.append(f"{y:04d}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def form_links(choice: FormChoice, args: Mapping[str, str], endpoint: str) -> list[tuple[Form, str]]:
    """Each form of the selection with the link that shows it, the other filters kept."""
    kept: dict[str, Any] = {k: v for k, v in args.items() if k not in ("bang_hoi", "trang")}
    return [(fm, url_for(endpoint, **{**kept, "bang_hoi": fm.key})) for fm in choice.forms]


def signed(x: float | None) -> str:
    """A difference in points for a page: `+2,1`, `−3,4`, `0,0` (no sign where it rounds to zero)."""
    text = pct(None if x is None else abs(x))
    if x is None or text == "0,0":
        return text
    return ("+" if x > 0 else "−") + text


def dashboard_page(o: Overview, f: Filters, comparisons: Sequence[Comparison] = ()) -> dict:
    """Template variables of the dashboard."""
    q = definition(f.questionnaire)
    names = item_names(f.questionnaires or ())
    short = overall_short(q)
    note = _("* ít hơn %(n)s phiếu: ước lượng chưa tin cậy", n=o.method.min_n)
    headline = pd.concat([o.level("overall"), o.level("element")])  # SIPAS first, then elements
    by_month = {r.month: r for r in o.months.itertuples(index=False)}
    month_points = [Point(m[5:] + "/" + m[2:4], *(
        (r.estimate, r.ci_low, r.ci_high, int(r.n), bool(r.low_n)) if (r := by_month.get(m))
        else (float("nan"), float("nan"), float("nan"), 0, True))) for m in months_of(f.period, list(by_month))]
    services = o.services
    # one pass over the rows, grouped by code in sorted order as groupby("service_code") would
    of_service: dict[str, list] = {}
    for r in services.itertuples(index=False) if len(services) else ():
        if not pd.isna(r.service_code):
            of_service.setdefault(r.service_code, []).append(r)
    pivot = [(code, rows[0].service_name, {r.code: r for r in rows})
             for code, rows in sorted(of_service.items(), key=lambda item: item[0])]
    return {
        "o": o, "q": q, "names": names, "low_n_note": note, "overall_short": short,
        "headline_chart": interval_bars(points(headline, lambda r: names.get(r.code, r.code)),
                                        _("Chỉ số chung (%(name)s) và các yếu tố", name=short), note),
        "trend_chart": trend(month_points, _("Chỉ số chung (%(name)s) theo tháng", name=short)),
        "criteria": o.level("criterion"),
        "expectations": o.expectations_ranked(),
        "service_rows": pivot,
        "elements": [e.code for e in q.elements],
        "method_lines": method_lines(o.method, len(q.groups)),
        "comparisons": [(c, lines(c)) for c in comparisons],
        "signed": signed,
        "lowest_lines": lowest_lines(o.versus_rest, names, o.method.level),
    }
