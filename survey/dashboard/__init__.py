"""Staff results: the dashboard, comments and downloads under /staff/results/."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("dashboard", __name__, url_prefix="/staff/results")


@bp.record_once
def _install_search(state) -> None:
    from survey.dashboard.search import install_sqlite_fold

    install_sqlite_fold(state.app.extensions["sipas.engine"])

