"""Look up an invitation code and say whether it can still open a form."""
from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from survey.models import Invitation, Plan
from survey.plans.calendar import today
from survey.plans.queries import is_open


def find(s: Session, code: str | None) -> Invitation | None:
    return s.scalar(select(Invitation).where(Invitation.code == code)) if code else None


def refusal(s: Session, invitation: Invitation | None) -> str | None:
    """Return why the code cannot be used (Vietnamese), or None when it can.

    One answer for an unknown, a used and an expired code: telling them apart
    would let anyone probe which codes were issued or already answered.
    """
    if invitation is None or invitation.used:
        return refused_message()
    plan = s.get(Plan, invitation.plan_id)
    if invitation.expires_on < today() or plan is None or not is_open(plan):
        return refused_message()
    return None


def refused_message() -> str:
    """The one refusal text for any code that cannot be used."""
    return _("Mã khảo sát này không dùng được: mã không đúng, đã được sử dụng hoặc đợt khảo sát đã kết thúc. "
             "Vui lòng kiểm tra lại các ký tự trên phiếu mời.")


def counts(s: Session, plan_id: int) -> dict[int, tuple[int, int]]:
    """Per service: (invitations issued, invitations used)."""
    rows = s.execute(select(Invitation.service_id, func.count(),
                            func.sum(case((Invitation.used.is_(True), 1), else_=0)))
                     .where(Invitation.plan_id == plan_id).group_by(Invitation.service_id)).all()
    return {sid: (int(n), int(used or 0)) for sid, n, used in rows}


def unused(s: Session, plan_id: int, service_id: int | None = None) -> list[Invitation]:
    stmt = select(Invitation).where(Invitation.plan_id == plan_id, Invitation.used.is_(False))
    if service_id is not None:
        stmt = stmt.where(Invitation.service_id == service_id)
    return list(s.scalars(stmt.order_by(Invitation.service_id, Invitation.code)))
