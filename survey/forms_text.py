"""Typed reading of staff and citizen text input: control characters out, column lengths enforced.

PostgreSQL refuses a value longer than its ``String(n)`` column where SQLite
stores it, and a C0/C1 control character (a pasted vertical tab, a NUL) in a
procedure name breaks the DOCX report later. So every text input is cleaned
here once and measured against the column it is stored in, with a message
the officer can act on instead of a 500 or a silent cut.
"""
from __future__ import annotations

import re

from flask import abort, make_response, render_template, request
from flask_babel import gettext as _
from sqlalchemy.orm import InstrumentedAttribute

# C0 controls except tab/newline/CR (dropped separately), DEL and C1 controls.
_CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_LINE_BREAKS = re.compile("[\t\r\n]")


def clean(value: str, multiline: bool = False) -> str:
    """Strip control characters; a multi-line text keeps its line breaks (as \\n)."""
    value = _CONTROLS.sub("", value)
    if multiline:
        return value.replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ")
    return _LINE_BREAKS.sub(" ", value)


def column_length(column: InstrumentedAttribute | int) -> int | None:
    """Return the ``String(n)`` length of a model column (or the number given)."""
    if isinstance(column, int):
        return column
    return getattr(column.property.columns[0].type, "length", None)


def too_long_message(label: str, limit: int) -> str:
    """The message an officer or citizen reads when a text exceeds its column."""
    return _("%(label)s dài quá %(limit)d ký tự. Vui lòng rút gọn rồi lưu lại.", label=label, limit=limit)


def refuse(message: str, status: int = 400):
    """Stop the request with the error page carrying this message (nothing is saved)."""
    page = render_template("errors/error.html", status=status, error=None, detail=message)
    abort(make_response(page, status))


def form_text(name: str, column: InstrumentedAttribute | int, label: str, multiline: bool = False) -> str:
    """Return a cleaned, trimmed form field; a value longer than its column answers 400 with a message."""
    value = clean(request.form.get(name) or "", multiline).strip()
    limit = column_length(column)
    if limit is not None and len(value) > limit:
        refuse(too_long_message(label, limit))
    return value
