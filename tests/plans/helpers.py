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
