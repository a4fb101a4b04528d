"""Read plans: which is open for a unit today, a plan's responses, listings."""
from __future__ import annotations

from datetime import date

from sqlalchemy import Select, and_, select
from sqlalchemy.orm import Session

from survey.models import Plan, Questionnaire, Response
from survey.plans.calendar import today, utc_bounds
from survey.questionnaire.definition import QuestionnaireDefinition
from survey.questionnaire.loader import shipped

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


def response_filter(plan: Plan):
    """The SQL condition selecting a plan's responses (one place, used everywhere)."""
    lo, hi = utc_bounds(plan.start_date, plan.end_date)
    _, paper_hi = utc_bounds(plan.start_date, plan.end_date.fromordinal(
        plan.end_date.toordinal() + PAPER_GRACE_DAYS))
    in_period = and_(Response.submitted_at >= lo, Response.submitted_at < hi)
    paper_late = and_(Response.channel == "paper", Response.submitted_at >= lo,
                      Response.submitted_at < paper_hi)
    return and_(Response.unit_id == plan.unit_id,
                Questionnaire.code == plan.questionnaire_code,
                Questionnaire.version == plan.questionnaire_version,
                Response.flagged.is_(False),
                in_period | paper_late)


def responses_query(plan: Plan, *columns) -> Select:
    """A select over the plan's responses, joined to their questionnaire."""
    return (select(*columns).select_from(Response)
            .join(Questionnaire, Questionnaire.id == Response.questionnaire_id)
            .where(response_filter(plan)))


def get(s: Session, plan_id: int) -> Plan | None:
    return s.get(Plan, plan_id)
