"""The server's front page: what this server is, and the way to the staff login."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("home", __name__)
