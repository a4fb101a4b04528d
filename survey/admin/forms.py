"""Small helpers the admin views share for reading form input."""
from __future__ import annotations

from flask import abort, request

from survey import db
from survey.auth.access import current_user, require_visible_unit
from survey.forms_text import clean
from survey.models import Unit


def text(name: str, limit: int = 500) -> str:
    """Return a trimmed choice or id field without control characters, cut to ``limit`` characters.

    Free text an officer types goes through survey.forms_text.form_text instead,
    which refuses an over-long value with a message rather than cutting it.
    """
    return clean(request.form.get(name) or "").strip()[:limit]


def int_list(name: str) -> list[int]:
    """Return the whole numbers among a multi-valued form field."""
    return [int(v) for v in request.form.getlist(name) if v.isdigit()]


def visible_unit_from_form(name: str = "unit_id") -> Unit:
    """Return the unit chosen in the form, if the user may see it (else 404)."""
    raw = request.form.get(name, "")
    if not raw.isdigit():
        abort(400)
    unit_id = int(raw)
    require_visible_unit(unit_id, current_user)
    unit = db.session().get(Unit, unit_id)
    if unit is None:
        abort(404)
    return unit
