"""Helpers: issue invitations for a plan and answer through them."""
from __future__ import annotations

from survey import db
from survey.invitations.operations import issue
from survey.models import Plan, Service
from tests.citizen.helpers import full_answers, open_form


def issue_codes(app, plan_id: int, service_code: str, n: int) -> list[str]:
    with app.app_context():
        s = db.session()
        plan = s.get(Plan, plan_id)
        service = s.query(Service).filter_by(code=service_code).one()
        codes = issue(s, plan, service.id, n)
        s.commit()
        return codes


def answer_invitation(client, code: str, base: int = 4, extra: dict | None = None):
    fields = open_form(client, f"/m/{code}")
    return client.post(f"/m/{code}", data={**fields, **full_answers(base), **(extra or {})})
