"""Annual measurement plans: staff pages under /staff/plans."""
from flask import Blueprint

bp = Blueprint("plans", __name__, url_prefix="/staff/plans")
