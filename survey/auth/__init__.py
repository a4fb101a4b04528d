"""Staff authentication: Flask-Login setup, the login/logout/password pages.

Other staff blueprints build on ``survey.auth.access`` (``requires`` with an action of
``survey.auth.policy.TABLE``,
``visible_unit_ids``, ``require_visible_unit``) and put their landing view in
the menu with ``survey.auth.nav.nav_item``.
"""
from __future__ import annotations

from flask import Blueprint, Flask
from flask_babel import lazy_gettext as _l
from flask_login import LoginManager

from survey import db
from survey.auth import throttle

bp = Blueprint("auth", __name__, url_prefix="/staff")
login_manager = LoginManager()

ROLE_NAMES = {
    "admin": _l("Quản trị viên"),
    "analyst": _l("Chuyên viên phân tích"),
    "viewer": _l("Người xem"),
}


@login_manager.user_loader
def _load_user(session_id: str):
    from survey.auth import sessions
    from survey.auth.queries import user_by_session_id

    if not sessions.still_valid():
        return None
    return user_by_session_id(db.session(), session_id)


def init_app(app: Flask) -> None:
    """Attach Flask-Login, the login throttle and the menu helper to the app."""
    from survey.auth.nav import may, staff_nav

    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Vui lòng đăng nhập để tiếp tục.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"
    login_manager.init_app(app)
    throttle.init_app(app)
    app.jinja_env.globals["staff_nav"] = staff_nav
    app.jinja_env.globals["may"] = may
    app.jinja_env.globals["role_names"] = ROLE_NAMES

