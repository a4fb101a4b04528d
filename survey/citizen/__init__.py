"""The citizen side: the survey form reached from a counter's QR code.

Like every feature, the package defines its blueprint and the views module
(survey.citizen.views) attaches the routes; create_app imports both.
"""
from flask import Blueprint

from survey.citizen import counters, page_cache

bp = Blueprint("citizen", __name__)


@bp.record_once
def _install_caches(state) -> None:
    # Per app, not per module: two apps in one process share nothing.
    counters.init_app(state.app)
    page_cache.init_app(state.app)
