"""The audit log, newest first, for administrators of the units it concerns."""
from __future__ import annotations

from flask import render_template
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from survey import audit, db, params
from survey.admin import bp
from survey.auth.access import current_user, requires, visible_unit_ids
from survey.auth.nav import nav_item
from survey.auth.queries import users


@bp.get("/audit")
@nav_item(_l("Nhật ký"), order=90)
@requires("view_audit")
def audit_events():
    """Page through the events of the accounts of the administrator's units."""
    page = params.page(params.arg("page"))
    action = params.text(params.arg("action"), _("Thao tác"), 40) or None
    s = db.session()
    # Anonymous events (failed logins) carry no unit: only city-level administrators see them.
    user_ids = {u.id for u in users(s, visible_unit_ids(current_user))}
    rows = audit.recent(s, page, action, user_ids, include_anonymous=current_user.unit.parent_id is None)
    return render_template("admin/audit.html", rows=rows[:audit.PAGE_SIZE],
                           more=len(rows) > audit.PAGE_SIZE, page=page, action=action)
