"""Single-use invitation codes: issue, print, and open the form from one."""
from flask import Blueprint

bp = Blueprint("invitations", __name__)

from survey.invitations import views  # noqa: E402,F401  (routes attach to bp)
