"""Find a plan for a staff view: 404 when missing or of a unit the user may not see."""
from __future__ import annotations

from flask import abort

from survey import db
from survey.auth.access import require_visible_unit
from survey.models import Plan


def plan_or_404(plan_id: int) -> Plan:
    """Return the plan; a plan of another unit is as absent as one that does not exist."""
    plan = db.session().get(Plan, plan_id)
    if plan is None:
        abort(404)
    require_visible_unit(plan.unit_id)
    return plan
