"""Typed reading of query parameters and form fields: a strange value is a 400 with a message, never a 500.

Python's own parsers are too kind for input: ``int(" ٣")`` is 3, ``"²".isdigit()``
is true yet ``int("²")`` raises, ``int`` of 5,000 digits raises, an id past
2**63-1 overflows SQLite's INTEGER and PostgreSQL's bigint, ``date(9999, 12, 31)``
overflows as soon as a day is added, and PostgreSQL refuses a NUL byte in any
text. Every view therefore reads its input through these parsers: ASCII digits
within bounds, ISO dates within the years the service can measure, choices from
a fixed set, text cleaned and measured. A bad value raises `BadParameter`, which
the error page shows with its message (survey/errors.py); an id that is well
formed but names nothing is the caller's lookup's 404.
"""
from __future__ import annotations

import builtins
import re
from collections.abc import Collection
from datetime import date

from flask import request
from flask_babel import gettext as _
from werkzeug.exceptions import BadRequest
from werkzeug.routing import IntegerConverter, UnicodeConverter

from survey.forms_text import clean, too_long_message

INT64_MAX = 2**63 - 1  # SQLite INTEGER and PostgreSQL bigint
INT32_MAX = 2**31 - 1  # PostgreSQL integer
FIRST_DAY, LAST_DAY = date(2000, 1, 1), date(2100, 12, 31)
PAGE_MAX = 100_000
_INTEGER = re.compile(r"-?[0-9]{1,19}")  # ASCII digits only: no ² ٣ １, no spaces or signs but one minus
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_TRUE, _FALSE = ("1", "on", "true", "yes"), ("", "0", "off", "false", "no")


class BadParameter(BadRequest):
    """A query parameter or form field that cannot be read; ``description`` is shown to the user."""


def refuse(message: str) -> BadParameter:
    """The 400 for a value, to raise: ``raise refuse(message)``."""
    return BadParameter(description=message)


def arg(name: str) -> str | None:
    """One query-string value (the first if repeated), or None when absent."""
    return request.args.get(name)


def field(name: str) -> str | None:
    """One form value (the first if repeated), or None when absent."""
    return request.form.get(name)


def fields(name: str) -> list[str]:
    """Every value of a repeated form field (checkboxes)."""
    return request.form.getlist(name)


def whole_number(raw: str | None, max_digits: int = 19) -> int | None:
    """Return a non-negative number written in ASCII digits, or None (for forms that list errors per field)."""
    if raw is None or not raw.isascii() or not raw.isdigit() or len(raw) > max_digits:
        return None
    return int(raw)


def integer(raw: str | None, label: str, lo: int = -INT64_MAX - 1, hi: int = INT64_MAX,
            default: int | None = None) -> int | None:
    """Read an integer within [lo, hi]; empty or absent gives ``default``."""
    if raw is None or raw == "":
        return default
    value = int(raw) if _INTEGER.fullmatch(raw) else None
    if value is None or not lo <= value <= hi:
        raise refuse(_("%(label)s phải là số nguyên từ %(lo)d đến %(hi)d.", label=label, lo=lo, hi=hi))
    return value


def identifier(raw: str | None, label: str, hi: int = INT32_MAX) -> int | None:
    """Read a database id (1 … the column's maximum); None when absent. An id naming nothing is the caller's 404."""
    if raw is None or raw == "":
        return None
    value = whole_number(raw)
    if value is None or not 1 <= value <= hi:
        raise refuse(_("%(label)s không hợp lệ.", label=label))
    return value


def identifiers(raws: list[str], label: str) -> list[int]:
    """Read every id of a repeated field (checkboxes); empty values are skipped."""
    return [i for i in (identifier(raw, label) for raw in raws) if i is not None]


def page(raw: str | None) -> int:
    """Read a page number (1 when absent)."""
    return integer(raw, _("Số trang"), 1, PAGE_MAX, default=1) or 1


def day(raw: str | None, label: str, lo: date = FIRST_DAY, hi: date = LAST_DAY) -> date | None:
    """Read an ISO date (YYYY-MM-DD) between lo and hi; None when absent."""
    if raw is None or raw == "":
        return None
    try:
        value = date.fromisoformat(raw) if _ISO_DATE.fullmatch(raw) else None
    except ValueError:
        value = None
    if value is None or not lo <= value <= hi:
        raise refuse(_("%(label)s phải là một ngày có thật dạng năm-tháng-ngày (ví dụ 2026-01-31), "
                       "từ %(lo)s đến %(hi)s.", label=label, lo=lo.isoformat(), hi=hi.isoformat()))
    return value


def choice(raw: str | None, label: str, allowed: Collection[str], default: str | None = None) -> str | None:
    """Read one of a fixed set of values; empty or absent gives ``default``."""
    if raw is None or raw == "":
        return default
    if raw not in allowed:
        raise refuse(_("%(label)s không hợp lệ; vui lòng chọn lại trong danh sách.", label=label))
    return raw


def flag(raw: str | None, label: str) -> bool:
    """Read a yes/no switch (a checkbox, ``1``/``0``)."""
    if raw is None or raw.lower() in _FALSE:
        return False
    if raw.lower() in _TRUE:
        return True
    raise refuse(_("%(label)s không hợp lệ; vui lòng chọn lại trong danh sách.", label=label))


def text(raw: str | None, label: str, limit: int, multiline: bool = False) -> str:
    """Read a text: control characters (NUL included) dropped, trimmed, at most ``limit`` characters."""
    value = clean(raw or "", multiline).strip()
    if len(value) > limit:
        raise refuse(too_long_message(label, limit))
    return value


class IdConverter(IntegerConverter):
    """``<int:…>`` in routes: ASCII digits within the id column's range, so any other number is a 404.

    Most ids are PostgreSQL ``integer`` columns: 2**31 already fails there
    ("integer out of range"), and past 2**63-1 SQLite overflows too.
    """

    regex = r"[0-9]+"
    limit = INT32_MAX

    def __init__(self, map, fixed_digits: int = 0, min: int | None = None,  # noqa: A002 - werkzeug's names
                 max: int | None = None, signed: bool = False) -> None:
        super().__init__(map, fixed_digits, min, self.limit if max is None else builtins.min(max, self.limit), signed)


class BigIdConverter(IdConverter):
    """``<bigid:…>``: an id of a ``bigint`` column (responses)."""

    limit = INT64_MAX


class TextConverter(UnicodeConverter):
    """Default ``<name>`` variables (tokens, codes): no control character, at most 200 characters.

    PostgreSQL refuses a NUL in a query; a token or code is never longer.
    """

    def __init__(self, map, minlength: int = 1, maxlength: int | None = 200, length: int | None = None) -> None:
        super().__init__(map, minlength, maxlength, length)
        self.regex = self.regex.replace("[^/]", "[^/\\x00-\\x1f\\x7f-\\x9f]")


CONVERTERS = {"int": IdConverter, "bigid": BigIdConverter, "default": TextConverter, "string": TextConverter}
