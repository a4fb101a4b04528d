"""Small helpers the admin views share for reading form input."""
from __future__ import annotations

from flask import abort
from flask_babel import gettext as _

from survey import db, params
from survey.auth.access import current_user, require_visible_unit
from survey.forms_text import clean
from survey.models import Unit


def text(name: str, limit: int = 500) -> str:
    """Return a trimmed choice or id field without control characters, cut to ``limit`` characters.

    Free text an officer types goes through survey.forms_text.form_text instead,
    which refuses an over-long value with a message rather than cutting it.
    """
    return clean(params.field(name) or "").strip()[:limit]


def id_list(name: str, label: str) -> list[int]:
    """Return the ids of a multi-valued form field (checkboxes); a malformed one is a 400."""
    return params.identifiers(params.fields(name), label)


def visible_unit_from_form(name: str = "unit_id") -> Unit:
    """Return the unit chosen in the form, if the user may see it (else 404)."""
    unit_id = params.identifier(params.field(name), _("Đơn vị"))
    if unit_id is None:
        raise params.refuse(_("Vui lòng chọn đơn vị."))
    require_visible_unit(unit_id, current_user)
    unit = db.session().get(Unit, unit_id)
    if unit is None:
        abort(404)
    return unit
