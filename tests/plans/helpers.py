"""Shared set-up for plan tests: a plan over the demo commune's services."""
from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from survey import db
from survey.models import Service
from survey.plans.calendar import today
from survey.plans.operations import PlanSettings, save_plan, set_services


def make_plan(app, demo, *, start: date | None = None, end: date | None = None,
              questionnaire=("sipas-dv", "2024.1"), services: list[str] | None = None, **kw) -> int:
    """Create a plan for the demo commune, open today unless dates are given; return its id."""
    start = start or today() - timedelta(days=30)
    end = end or today() + timedelta(days=60)
    codes = services or sorted({c for p in demo.points for c in p.services})
    with app.app_context():
        s = db.session()
        plan = save_plan(s, demo.unit_id, PlanSettings("Kế hoạch 2025", start, end, questionnaire, **kw))
        ids = s.scalars(select(Service.id).where(Service.code.in_(codes)).order_by(Service.code)).all()
        set_services(s, plan, list(ids))
        s.commit()
        return plan.id


def add_responses(app, plan_id: int, service_code: str, satisfied: int, unsatisfied: int = 0) -> None:
    """Store responses to a plan's service, each answering every criterion alike.

    A satisfied respondent answers 4 to all criteria, an unsatisfied one 2,
    so each respondent's SIPAS is 1 or 0 and the service's SIPAS is the
    plain share satisfied/(satisfied + unsatisfied): easy to compute by hand.
    Stored without a counter (channel "paper"), so no duplicate flagging.
    """
    import uuid

    from survey.citizen.operations import record_response
    from survey.models import Plan
    from survey.plans.queries import definition
    from survey.questionnaire.sync import ensure_row

    with app.app_context():
        s = db.session()
        plan = s.get(Plan, plan_id)
        q = definition(plan)
        service = s.scalars(select(Service).where(Service.code == service_code)).one()
        for value in [4] * satisfied + [2] * unsatisfied:
            record_response(s, questionnaire_id=ensure_row(s, q).id, point_id=None, unit_id=plan.unit_id,
                            service_id=service.id, channel="paper", answers={c.code: value for c in q.criteria}, comment="",
                            submission_key=uuid.uuid4().hex)
