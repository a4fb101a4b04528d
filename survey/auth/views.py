"""Login, logout, the staff home page and password change."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from survey import audit, db, params
from survey.auth import bp, sessions
from survey.auth.access import current_user, requires
from survey.auth.nav import nav_item
from survey.auth.operations import AccountError, authenticate, change_password
from survey.auth.queries import user_by_username
from survey.forms_text import clean

LOGIN_ERRORS = {
    "invalid": _l("Tên đăng nhập hoặc mật khẩu không đúng."),
    # The same words as a wrong password: the page must not tell which accounts exist or are disabled.
    "disabled": _l("Tên đăng nhập hoặc mật khẩu không đúng."),
    "locked": _l("Đăng nhập sai quá nhiều lần. Vui lòng thử lại sau 15 phút."),
}
PASSWORD_ERRORS = {
    "current": _l("Mật khẩu hiện tại không đúng."),
    "weak": _l("Mật khẩu mới phải có ít nhất 10 ký tự và không chứa tên đăng nhập."),
    "mismatch": _l("Hai lần nhập mật khẩu mới không khớp."),
}


def _safe_next(target: str | None) -> str:
    # Only a path on this site: an absolute or scheme-relative URL would be an open redirect.
    parts = urlsplit(target or "")
    if target and clean(target) == target and not parts.scheme and not parts.netloc and target.startswith("/") and not target.startswith("//"):
        return target
    return url_for("auth.home")


@bp.route("/login", methods=["GET", "POST"])
@requires("sign_in")
@db.commits
def login():
    """Show the login form, or check the credentials."""
    if current_user.is_authenticated:
        return redirect(_safe_next(params.arg("next")))
    error = None
    # Cut, not refused: the login page answers a wrong name the same whatever its length.
    username = clean(params.field("username") or "").strip()[:80]
    if request.method == "POST":
        user, outcome = authenticate(db.session(), username, request.form.get("password", ""),
                                     request.remote_addr or "")
        if user is not None:
            sessions.start(user)
            audit.record("login", f"user:{user.id}", user=user)
            return redirect(_safe_next(params.arg("next")))
        known = user_by_username(db.session(), username)
        audit.record(f"login_{outcome}", f"user:{known.id}" if known else (username or None))
        error = LOGIN_ERRORS[outcome]
    status = 429 if error == LOGIN_ERRORS["locked"] else (401 if error else 200)
    return render_template("staff/login.html", error=error, username=username), status


@bp.post("/logout")
@requires("own_account")
@db.commits
def logout():
    """End the session."""
    audit.record("logout", f"user:{current_user.id}")
    sessions.end(current_user._get_current_object())
    flash(_("Bạn đã đăng xuất."), "info")
    return redirect(url_for("auth.login"))


@bp.get("/")
@nav_item(_l("Trang chủ"), order=0)
@requires("own_account")
def home():
    """The landing page: who is logged in and where to go."""
    return render_template("staff/home.html")


@bp.route("/account/password", methods=["GET", "POST"])
@requires("own_account")
@db.commits
def password():
    """Let the logged-in user change their own password."""
    error = None
    if request.method == "POST":
        new = request.form.get("new_password", "")
        try:
            if new != request.form.get("confirm_password", ""):
                raise AccountError("mismatch")
            change_password(current_user, request.form.get("current_password", ""), new)
        except AccountError as exc:
            error = PASSWORD_ERRORS[exc.code]
        else:
            audit.record("password_change", f"user:{current_user.id}")
            sessions.start(current_user._get_current_object())  # the password change ended the old one
            flash(_("Đã đổi mật khẩu."), "ok")
            return redirect(url_for("auth.home"))
    return render_template("staff/password.html", error=error), 400 if error else 200
