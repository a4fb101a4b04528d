"""Administration in the browser: accounts, catalogue, counters, imports, audit log.

Each view declares its action (``requires``, roles from ``survey.auth.policy``), and
counters and accounts are scoped to the units the administrator can see.
"""
from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/staff/admin")
# QR posters and images are printed by analysts too, so they sit outside /staff/admin.
posters_bp = Blueprint("posters", __name__, url_prefix="/staff/posters")
