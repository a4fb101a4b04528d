"""Vietnamese first, English on request, through Flask-Babel."""
from __future__ import annotations

from flask import Flask, has_request_context, request, session
from flask_babel import Babel, get_locale

LOCALES = ("vi", "en")


def select_locale() -> str:
    """Pick the locale: ?lang= (remembered in the session), else Vietnamese."""
    if not has_request_context():
        return "vi"  # command-line exports and reports are Vietnamese documents
    asked = request.args.get("lang")
    if asked in LOCALES:
        session["lang"] = asked
        return asked
    return session.get("lang", "vi") if session.get("lang") in LOCALES else "vi"


def init_app(app: Flask) -> None:
    """Attach Babel with the locale selector and the translations folder."""
    Babel(app, locale_selector=select_locale, default_translation_directories="translations")
    app.jinja_env.globals["current_locale"] = current_locale


def current_locale() -> str:
    """Return the request's language code ('vi' or 'en')."""
    return str(get_locale() or "vi")
