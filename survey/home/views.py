"""Routes of the front page."""
from __future__ import annotations

from flask import render_template

from survey.auth.access import requires
from survey.home import bp


@bp.get("/")
@requires("read_public_pages")
def index():
    """Say what this server is: citizens scan a counter's QR, staff log in here. Reads nothing stored."""
    return render_template("home.html")
