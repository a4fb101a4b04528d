"""Read plans: which is open for a unit today, a plan's responses, listings."""
from __future__ import annotations

from dataclasses import replace
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from survey.models import Plan
from survey.plans.calendar import today
from survey.questionnaire.definition import QuestionnaireDefinition
from survey.questionnaire.loader import shipped
from survey.results.config import Method
from survey.results.filters import Filters, Period
from survey.results.forms import same_form


def is_open(plan: Plan, on: date | None = None) -> bool:
    """Tell whether a plan's fieldwork is running on a (local) date."""
    on = on or today()
    return plan.start_date <= on <= plan.end_date


def unit_plans(s: Session, unit_id: int) -> list[Plan]:
    return list(s.scalars(select(Plan).where(Plan.unit_id == unit_id)
                          .order_by(Plan.start_date.desc(), Plan.id.desc())))


def form_plan(s: Session, unit_id: int, on: date | None = None) -> Plan | None:
    """Return the plan whose questionnaire a unit's counters show, or None for the default form.

    Plans never open or close a counter (only an administrator does, see
    ServicePoint.closed_at): a plan prepared in December for next year must
    not silence the counters now. While a plan runs its questionnaire is
    shown; between plans, the latest plan that has started keeps its form
    (the next one's may not be due yet); before any, the default form.
    """
    on = on or today()
    plans = unit_plans(s, unit_id)  # newest start first
    running = [p for p in plans if is_open(p, on)]
    started = [p for p in plans if p.start_date <= on]
    return next(iter(running or started), None)


def definition(plan: Plan) -> QuestionnaireDefinition:
    """Return the questionnaire a plan uses."""
    return shipped()[(plan.questionnaire_code, plan.questionnaire_version)]


def results_filters(s: Session, plan: Plan) -> Filters:
    """The selection of a plan's responses, in the form survey/results and the exports take.

    Period: exactly the plan's dates. Counters keep taking feedback after
    the end, and those responses belong to no plan; a paper form keyed in
    after the end is dated on the plan's last day (survey/paper/operations.py).
    """
    f = Filters(unit_ids=(plan.unit_id,), period=Period("custom", plan.start_date, plan.end_date))
    # Every version of the plan's form answered in its period counts (a reworded next version).
    return f.narrowed(questionnaires=same_form(s, f, (plan.questionnaire_code, plan.questionnaire_version)))


def results_method(plan: Plan) -> Method:
    """The index and interval settings recorded on the plan."""
    # the rules the plan does not record (aggregation, lonely strata, df,
    # per-service sample) come from the service's settings
    return replace(Method.from_config(), index=plan.index_method, interval=plan.interval_method,
                   level=plan.conf_level)


def plans_for_units(s: Session, unit_ids: set[int]) -> list[Plan]:
    return list(s.scalars(select(Plan).where(Plan.unit_id.in_(unit_ids))
                          .order_by(Plan.start_date.desc(), Plan.id.desc())))
