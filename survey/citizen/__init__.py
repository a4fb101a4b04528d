"""The citizen side: the survey form reached from a counter's QR code."""
from flask import Blueprint

bp = Blueprint("citizen", __name__)

from survey.citizen import views  # noqa: E402,F401  (routes attach to bp)
