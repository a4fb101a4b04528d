"""Gather every figure the report shows, from the same functions the XLSX export uses."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from analysis.compare import compare_estimates, holm
from survey.models import Comment, Plan, Response
from survey.plans.calendar import today
from survey.plans.progress import ServiceProgress, service_progress
from survey.plans.queries import definition, results_filters, results_method
from survey.questionnaire.definition import QuestionnaireDefinition
from survey.reform import Correlation, ReformFigures, correlation, reform_figures
from survey.results import forms, queries, sql
from survey.results.comparison import Comparison, standard_comparisons
from survey.results.config import Method
from survey.results.filters import Filters
from survey.results.scopes import scoped_estimates
from survey.results.summary import SummaryRow, summary_rows

COMMENTS_PER_ELEMENT = 3


@dataclass(frozen=True)
class ReportData:
    plan: Plan
    q: QuestionnaireDefinition
    filters: Filters
    method: Method
    estimates: pd.DataFrame  # survey.results.scopes.scoped_estimates of the plan
    shares: list[queries.ChoiceShare]
    progress: list[ServiceProgress]
    reform: list[ReformFigures]
    late_vs_sipas: Correlation
    comments: dict[str | None, tuple[int, list[str]]]  # element code → (count, examples)
    channels: dict[str, int]  # response channel → responses
    on: date
    comparisons: list[Comparison]  # the previous plan (or period) and the same period a year earlier
    versus_rest: pd.DataFrame  # each procedure's SIPAS against all other procedures together (Holm)
    items_versus_rest: pd.DataFrame  # each element and criterion against the rest of its level (Holm)
    notes: list[str]  # what the figures leave out, said before them (other forms, flagged responses)

    def summary(self) -> list[SummaryRow]:
        """The main table: one row per procedure, then all of them."""
        return summary_rows(self.estimates, [e.code for e in self.q.elements], "Chung các thủ tục")

    def versus_rest_of(self, code: str):
        hit = self.versus_rest[self.versus_rest.scope_code == code]
        return None if hit.empty else hit.iloc[0]

    def overall(self) -> pd.DataFrame:
        return self.estimates[self.estimates.scope == "overall"].set_index("code")

    def service_rows(self) -> pd.DataFrame:
        return self.estimates[self.estimates.scope == "service"]

    def service_sipas(self) -> dict[str, float]:
        """Service code → its SIPAS estimate (%)."""
        rows = self.service_rows()
        return dict(rows[rows.code == "SIPAS"].set_index("scope_code")["estimate"])


def _comments(s: Session, f: Filters) -> dict[str | None, tuple[int, list[str]]]:
    rows = s.execute(select(Comment.element_code, Comment.text).join(Response, Response.id == Comment.response_id)
                     .where(*sql.scope(f)).order_by(Response.id.desc())).all()
    out: dict[str | None, tuple[int, list[str]]] = {}
    for element, text in rows:
        n, examples = out.get(element, (0, []))
        if len(examples) < COMMENTS_PER_ELEMENT:
            examples.append(text)
        out[element] = (n + 1, examples)
    return out


def _versus_rest(s: Session, f: Filters, method: Method, cells) -> pd.DataFrame:
    """Each procedure against the others pooled (different respondents); Holm over the procedures."""
    if len(cells.n) < 2:
        return pd.DataFrame(columns=["scope_code", "difference", "ci_low", "ci_high", "p_adjusted", "significant"])
    codes = cells.keys["service"].map(queries.catalogue(s, cells.keys["service"].unique(), [])
                                      .services.set_index("service")["service_code"])
    rows = []
    for code in sorted(codes.unique()):
        table = queries.estimates(queries.keyed(cells, method, {"mine": codes == code}), f, method,
                                  ("mine",))
        table = table[table.code == "SIPAS"]
        mine, rest = (table[table.mine == flag].drop(columns="mine") for flag in (True, False))
        if len(mine) and len(rest):
            rows.append(compare_estimates(mine, rest, level=method.level).assign(scope_code=code))
    out = pd.concat(rows, ignore_index=True)
    out["p_adjusted"] = holm(out.p_value.to_numpy())
    out["significant"] = out.p_adjusted < 1 - method.level
    return out


def previous_plan(s: Session, plan: Plan) -> Plan | None:
    """The unit's latest plan that ended before this one started."""
    return s.scalars(select(Plan).where(Plan.unit_id == plan.unit_id, Plan.end_date < plan.start_date)
                     .order_by(Plan.end_date.desc(), Plan.id.desc()).limit(1)).first()


def left_out(s: Session, f: Filters) -> list[str]:
    """Sentences naming the responses of the plan's selection that its figures do not count."""
    _, choice = forms.choose(s, f, forms.text_key(f.questionnaire))
    notes = [f"Ngoài ra, trong cùng kỳ có {fm.responses} phiếu theo bảng hỏi “{fm.definition.title.vi}” "
             f"({fm.label}); bảng hỏi này có tiêu chí khác nên không gộp vào các chỉ số dưới đây "
             "(xem tệp chỉ số XLSX của kế hoạch)." for fm in choice.others if fm.responses]
    if choice.shown.flagged and not f.include_flagged:
        notes.append(f"{choice.shown.flagged} phiếu bị gắn cờ nghi vấn (ví dụ: giống hệt một phiếu khác gửi "
                     "tại cùng quầy trong vài phút) không được tính vào các chỉ số; phiếu không bị xóa.")
    return notes


def gather(s: Session, plan: Plan, on: date | None = None) -> ReportData:
    """Compute the report's figures for a plan (progress as on `on`, a Vietnamese date)."""
    on = on or today()
    f, method = results_filters(s, plan), results_method(plan)
    estimates = scoped_estimates(s, f, method)
    progress = service_progress(s, plan, estimates, on)
    reform = reform_figures(s, plan.unit_id, [ps.service_id for ps in plan.services],
                            plan.start_date, plan.end_date, on)
    sipas = {p.code: p for p in progress}
    by_code = estimates[(estimates.scope == "service") & (estimates.code == "SIPAS")].set_index("scope_code")
    pairs = [(r.late, float(by_code.loc[r.code, "estimate"])) for r in reform
             if r.code in by_code.index and r.code in sipas and r.late is not None]
    before = previous_plan(s, plan)
    comparisons = standard_comparisons(s, f, method, estimates,
                                       results_filters(s, before) if before is not None else None)
    cells = queries.cell_stats(s, f, ("service",), method)
    items = (queries.versus_rest(cells, f, method) if len(cells.n)
             else pd.DataFrame(columns=["level", "code", "lowest"]))
    channels = dict(s.execute(select(Response.channel, func.count()).where(*sql.scope(f))
                              .group_by(Response.channel)).all())
    return ReportData(plan, definition(plan), f, method, estimates, queries.shares(s, f), progress, reform,
                      correlation([p[0] for p in pairs], [p[1] for p in pairs], method.level),
                      _comments(s, f), channels, on, comparisons, _versus_rest(s, f, method, cells),
                      items, left_out(s, f))
