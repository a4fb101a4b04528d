"""Paper questionnaires keyed in twice by clerks; a form counts once both keyings agree."""
from flask import Blueprint

bp = Blueprint("paper", __name__, url_prefix="/staff/plans/<int:plan_id>/paper")
