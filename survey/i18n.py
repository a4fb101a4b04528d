"""Vietnamese first, English on request, through Flask-Babel."""
from __future__ import annotations

from typing import Protocol

from flask import Flask, has_request_context, request, session
from flask_babel import Babel, get_locale

LOCALES = ("vi", "en")


def select_locale() -> str:
    """Pick the locale: ?lang= (remembered in the session), else Vietnamese."""
    if not has_request_context():
        return "vi"  # command-line exports and reports are Vietnamese documents
    asked = request.args.get("lang")  # a choice: anything but vi/en is ignored, never stored
    if asked in LOCALES:
        session["lang"] = asked
        return asked
    return session.get("lang", "vi") if session.get("lang") in LOCALES else "vi"


def init_app(app: Flask) -> None:
    """Attach Babel with the locale selector and the translations folder."""
    Babel(app, locale_selector=select_locale, default_translation_directories="translations")
    app.jinja_env.globals["current_locale"] = current_locale
    app.jinja_env.globals["local_name"] = local_name


def current_locale() -> str:
    """Return the request's language code ('vi' or 'en')."""
    return str(get_locale() or "vi")


class Named(Protocol):
    @property
    def name(self) -> str: ...
    @property
    def name_en(self) -> str: ...


def local_name(thing: Named, locale: str | None = None) -> str:
    """Return a unit's, counter's or procedure's English name in English where it has one, else its name.

    The Vietnamese name is the official one; the English name is optional
    (an empty string when the list or the administrator gave none).
    """
    english = thing.name_en or ""
    return english if (locale or current_locale()) == "en" and english else thing.name
