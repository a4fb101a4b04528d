"""The public results page (công khai) of a unit: no login, no comments, no raw data."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("public", __name__, url_prefix="/cong-khai")
