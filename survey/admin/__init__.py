"""Administration in the browser: accounts, catalogue, counters, imports, audit log.

Every view here is for administrators (``roles_required("admin")``), and
counters and accounts are scoped to the units the administrator can see.
"""
from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/staff/admin")

from survey.admin import audit_log, catalogue, counters, imports, users  # noqa: E402,F401
