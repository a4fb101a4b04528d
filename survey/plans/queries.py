"""Read plans: which is open for a unit today, a plan's responses, listings."""
from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from survey.models import Plan
from survey.plans.calendar import today
from survey.questionnaire.definition import QuestionnaireDefinition
from survey.questionnaire.loader import shipped
from survey.results.config import Method
from survey.results.filters import Filters, Period
from survey.results.forms import same_form

# Paper forms are keyed in after the fieldwork ends; they still belong to the plan.
PAPER_GRACE_DAYS = 45


def is_open(plan: Plan, on: date | None = None) -> bool:
    """Tell whether a plan's fieldwork is running on a (local) date."""
    on = on or today()
    return plan.start_date <= on <= plan.end_date


def unit_plans(s: Session, unit_id: int) -> list[Plan]:
    return list(s.scalars(select(Plan).where(Plan.unit_id == unit_id)
                          .order_by(Plan.start_date.desc(), Plan.id.desc())))


def form_state(s: Session, unit_id: int, on: date | None = None) -> tuple[bool, Plan | None]:
    """Return (accepting, open plan) for a unit's citizen form.

    The rule: a unit without any plan keeps its form open all year (a
    counter QR works from day one); once a unit has plans, the form is open
    only while one of them is running, and uses that plan's questionnaire.
    """
    plans = unit_plans(s, unit_id)
    if not plans:
        return True, None
    running = [p for p in plans if is_open(p, on)]
    return (True, running[0]) if running else (False, None)


def definition(plan: Plan) -> QuestionnaireDefinition:
    """Return the questionnaire a plan uses."""
    return shipped()[(plan.questionnaire_code, plan.questionnaire_version)]


def results_filters(s: Session, plan: Plan) -> Filters:
    """The selection of a plan's responses, in the form survey/results and the exports take.

    Period: the plan's dates plus PAPER_GRACE_DAYS for paper forms keyed in
    afterwards (the online form is closed then, so only those fall there),
    cut short where the unit's next plan starts.
    """
    end = plan.end_date + timedelta(days=PAPER_GRACE_DAYS)
    later = s.scalar(select(func.min(Plan.start_date)).where(
        Plan.unit_id == plan.unit_id, Plan.start_date > plan.end_date))
    if later is not None:
        end = min(end, later - timedelta(days=1))
    f = Filters(unit_ids=(plan.unit_id,), period=Period("custom", plan.start_date, end))
    # Every version of the plan's form answered in its period counts (a reworded next version).
    return f.narrowed(questionnaires=same_form(s, f, (plan.questionnaire_code, plan.questionnaire_version)))


def results_method(plan: Plan) -> Method:
    """The index and interval settings recorded on the plan."""
    return Method(index=plan.index_method, interval=plan.interval_method, level=plan.conf_level,
                  min_n=Method.from_config().min_n)


def plans_for_units(s: Session, unit_ids: set[int]) -> list[Plan]:
    return list(s.scalars(select(Plan).where(Plan.unit_id.in_(unit_ids))
                          .order_by(Plan.start_date.desc(), Plan.id.desc())))
