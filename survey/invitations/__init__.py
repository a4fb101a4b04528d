"""Single-use invitation codes: issue, print, and open the form from one (survey.invitations.views)."""
from flask import Blueprint

bp = Blueprint("invitations", __name__)
