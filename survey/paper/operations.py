"""Store keyings; when two by different clerks agree (or a supervisor resolves), count the form."""
from __future__ import annotations

import json
import uuid
from datetime import datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from survey.citizen.operations import record_response
from survey.models import PaperEntry, PaperForm, Plan
from survey.models.types import utcnow
from survey.paper.keying import differences
from survey.plans.calendar import utc_bounds
from survey.plans.queries import definition
from survey.questionnaire.sync import ensure_row


class KeyingError(ValueError):
    """The keying cannot be accepted; the message is shown to the clerk."""


def _count(s: Session, plan: Plan, form: PaperForm, payload: str) -> None:
    data = json.loads(payload)
    service = next((ps.service for ps in plan.services if ps.service.code == data["service"]), None)
    if service is None:
        raise KeyingError(_("Thủ tục trên phiếu không thuộc kế hoạch này."))
    form.status = "counted"
    for entry in form.entries:
        entry.payload = None  # the answers now live in the response only
    s.flush()
    # Dated on a past day (keyed after the plan ended), the response rebuilds
    # that day's rollup cells in record_response's transaction.
    at = fieldwork_time(plan)
    # record_response commits the form's status and the response together.
    row = ensure_row(s, definition(plan))
    record_response(s, questionnaire_id=row.id, items=row.items, point_id=None,
                    unit_id=plan.unit_id, service_id=service.id, channel="paper",
                    answers={k: int(v) for k, v in data["answers"].items()},
                    comment=data["comment"], submission_key=uuid.uuid4().hex, submitted_at=at)


def fieldwork_time(plan: Plan, now: datetime | None = None) -> datetime:
    """When a counted paper form is dated: now, kept within the plan's dates.

    The citizen filled the sheet during the fieldwork; clerks often key it
    in later. Dated on the plan's last day, it counts in its plan (whose
    results cover exactly its dates), not among the responses outside any plan.
    """
    lo, hi = utc_bounds(plan.start_date, plan.end_date)
    return min(max(now or utcnow(), lo), hi - timedelta(seconds=1))


def key_in(s: Session, plan: Plan, number: str, user_id: int | None, payload: str) -> PaperForm:
    """Add a keying of paper form `number`; returns the form with its new status.

    First keying: pending. Second keying by another clerk: counted if equal,
    conflict otherwise. A counted form cannot be keyed again.
    """
    form = s.scalar(select(PaperForm).where(PaperForm.plan_id == plan.id, PaperForm.number == number))
    if form is None:
        form = PaperForm(plan_id=plan.id, number=number, status="pending")
        s.add(form)
    if form.status == "counted":
        raise KeyingError(_("Phiếu số %(number)s đã được nhập đủ hai lần và đã tính.", number=number))
    if form.status == "conflict":
        raise KeyingError(_("Phiếu số %(number)s đang có chênh lệch giữa hai lần nhập; cần đối chiếu trước.",
                             number=number))
    if form.entries and user_id is not None and form.entries[0].user_id == user_id:
        raise KeyingError(_("Lần nhập thứ hai phải do một người khác thực hiện."))
    form.entries.append(PaperEntry(user_id=user_id, payload=payload))
    if len(form.entries) == 2:
        if differences(form.entries[0].payload or "", form.entries[1].payload or ""):
            form.status = "conflict"
        else:
            _count(s, plan, form, payload)
            return form
    s.flush()  # the view commits (survey.db.commits)
    return form


def resolve(s: Session, plan: Plan, form: PaperForm, payload: str) -> None:
    """A supervisor keys the paper form a third time, looking at it: that keying counts."""
    if form.status != "conflict":
        raise KeyingError(_("Phiếu này không có chênh lệch cần đối chiếu."))
    _count(s, plan, form, payload)


def conflicts(s: Session, plan: Plan) -> list[tuple[PaperForm, list[str]]]:
    forms = s.scalars(select(PaperForm).where(PaperForm.plan_id == plan.id, PaperForm.status == "conflict")
                      .order_by(PaperForm.number))
    # A form in conflict keeps both keyings (payloads are erased only once counted).
    return [(f, differences(f.entries[0].payload or "", f.entries[1].payload or "")) for f in forms]
