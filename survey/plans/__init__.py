"""Annual measurement plans; staff pages under /staff/plans (survey.plans.views)."""
from flask import Blueprint

bp = Blueprint("plans", __name__, url_prefix="/staff/plans")
