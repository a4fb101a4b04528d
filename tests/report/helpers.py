"""Plans with responses at chosen dates, each respondent answering every criterion alike."""
from __future__ import annotations

import uuid
from datetime import date, datetime, time, timedelta

from sqlalchemy import select

from survey import db
from survey.models import Questionnaire, Response, Service
from survey.plans.operations import PlanSettings, ReportSettings, save_plan, set_services
from survey.questionnaire.loader import shipped
from survey.questionnaire.sync import DEFAULT
from survey.results.filters import LOCAL

CRITERIA = [c.code for c in shipped()[DEFAULT].criteria]


def plan_with(app, demo, title: str, start: date, end: date, services: list[str],
              report: ReportSettings | None = None) -> int:
    with app.app_context():
        s = db.session()
        plan = save_plan(s, demo.unit_id, PlanSettings(title, start, end, DEFAULT, report=report or ReportSettings()))
        set_services(s, plan, list(s.scalars(select(Service.id).where(Service.code.in_(services)))))
        s.commit()
        return plan.id


def respond(app, demo, service_code: str, day: date, satisfied: int, unsatisfied: int) -> None:
    """`satisfied` respondents answer 4 to every criterion, `unsatisfied` answer 2: SIPAS is their share."""
    with app.app_context():
        s = db.session()
        questionnaire = s.scalar(select(Questionnaire).where(Questionnaire.code == DEFAULT[0],
                                                             Questionnaire.version == DEFAULT[1]))
        qid = questionnaire.id
        service = s.scalar(select(Service).where(Service.code == service_code))
        for k, value in enumerate([4] * satisfied + [2] * unsatisfied):
            at = datetime.combine(day, time(8), LOCAL) + timedelta(minutes=k)
            s.add(Response(submission_key=uuid.uuid4().hex, questionnaire_id=qid, unit_id=demo.unit_id,
                           service_id=service.id, channel="paper", submitted_at=at,
                           answers=questionnaire.pack(dict.fromkeys(CRITERIA, value))))
        s.commit()
