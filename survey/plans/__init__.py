"""Annual measurement plans: staff pages under /staff/plans."""
from flask import Blueprint

bp = Blueprint("plans", __name__, url_prefix="/staff/plans")

from survey.plans import views  # noqa: E402,F401  (routes attach to bp)
