"""Issue invitation codes and claim one when its form is submitted."""
from __future__ import annotations

from typing import cast

from sqlalchemy import CursorResult, func, select, update
from sqlalchemy.orm import Session

from survey.citizen.operations import already_stored
from survey.invitations.codes import new_code
from survey.models import Dossier, Invitation, Plan, SampledDossier
from survey.plans.calendar import today


def issue(s: Session, plan: Plan, service_id: int, count: int, source: str = "counter") -> list[str]:
    """Create `count` fresh codes for a service of the plan; flush, the caller commits.

    No dossier is recorded on an invitation: slips are interchangeable
    within a service, so which person got which code exists nowhere.
    """
    if not 0 < count <= 5000:
        raise ValueError("count must be between 1 and 5000")
    codes: set[str] = set()
    while len(codes) < count:
        batch = {new_code() for _ in range(count - len(codes))} - codes
        taken = set(s.scalars(select(Invitation.code).where(Invitation.code.in_(batch))))
        codes |= batch - taken
    issued = today()
    s.add_all(Invitation(plan_id=plan.id, service_id=service_id, code=c, source=source,
                         issued_on=issued, expires_on=plan.end_date) for c in sorted(codes))
    s.flush()
    return sorted(codes)


def issue_for_sample(s: Session, plan: Plan) -> dict[int, int]:
    """Top up each service's sample invitations to its number of sampled dossiers."""
    drawn = dict(s.execute(select(Dossier.service_id, func.count())
                           .join(SampledDossier, SampledDossier.dossier_id == Dossier.id)
                           .where(SampledDossier.plan_id == plan.id).group_by(Dossier.service_id)).all())
    have = dict(s.execute(select(Invitation.service_id, func.count())
                          .where(Invitation.plan_id == plan.id, Invitation.source == "sample")
                          .group_by(Invitation.service_id)).all())
    made = {}
    for service_id, n in drawn.items():
        missing = n - have.get(service_id, 0)
        if missing > 0:
            made[service_id] = len(issue(s, plan, service_id, missing, "sample"))
    return made


def claim(s: Session, code: str, submission_key: str) -> bool:
    """Mark the code used, in the transaction that stores the response.

    A conditional UPDATE lets exactly one of two racing submissions win. A
    replay of the submission that already used the code passes (the
    response store then ignores it). No time of use is written.
    """
    if already_stored(s, submission_key):
        return True
    result = cast(CursorResult, s.execute(update(Invitation).where(  # an UPDATE's result carries its row count
        Invitation.code == code, Invitation.used.is_(False), Invitation.expires_on >= today()
    ).values(used=True)))
    return result.rowcount == 1
