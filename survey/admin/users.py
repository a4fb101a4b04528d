"""Accounts of the administrator's units: list, create, change role, disable, reset password."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from survey import audit, db
from survey.admin import bp
from survey.admin.forms import text, visible_unit_from_form
from survey.auth import passwords
from survey.auth.access import current_user, require_visible_unit, requires, visible_unit_ids, visible_units
from survey.auth.nav import nav_item
from survey.auth.operations import AccountError, create_user, set_active, set_password, update_user
from survey.auth.queries import users
from survey.forms_text import form_text
from survey.models import User

ERRORS = {
    "username": _l("Không dùng được tên đăng nhập này; hãy chọn tên khác (1–80 ký tự, không có khoảng trắng)."),
    "role": _l("Vai trò không hợp lệ."),
    # Names are unique across every unit: saying "taken" would tell a commune
    # administrator which accounts exist elsewhere, so it reads like a bad name.
    "exists": _l("Không dùng được tên đăng nhập này; hãy chọn tên khác (1–80 ký tự, không có khoảng trắng)."),
    "weak": _l("Mật khẩu phải có ít nhất 10 ký tự và không chứa tên đăng nhập."),
}


def _visible_user(user_id: int) -> User:
    user = db.session().get(User, user_id)
    if user is None:
        abort(404)
    require_visible_unit(user.unit_id)
    return user


@bp.get("/users")
@nav_item(_l("Tài khoản"), order=80)
@requires("manage_users")
def users_list():
    """List the accounts of the units the administrator sees, with a form for a new one."""
    return render_template(
        "admin/users.html",
        users=users(db.session(), visible_unit_ids(current_user)),
        units=visible_units(current_user),
    )


@bp.post("/users")
@requires("manage_users")
@db.commits
def users_create():
    """Create an account with a generated password shown once."""
    unit = visible_unit_from_form()
    password = passwords.generate_password()
    try:
        user = create_user(db.session(), form_text("username", User.username, _("Tên đăng nhập")), text("role", 12), unit, password)
    except AccountError as exc:
        db.session().rollback()
        flash(ERRORS[exc.code], "error")
        return redirect(url_for("admin.users_list"))
    audit.record("user_create", f"user:{user.id}", f"role={user.role} unit={unit.code}")
    # Shown in the page, never flashed: the session cookie is signed, not encrypted.
    return render_template("admin/new_password.html", user=user, password=password, created=True)


@bp.post("/users/<int:user_id>/role")
@requires("manage_users")
@db.commits
def users_update(user_id: int):
    """Change an account's role and unit."""
    user = _visible_user(user_id)
    unit = visible_unit_from_form()
    try:
        update_user(user, text("role", 12), unit)
    except AccountError as exc:
        db.session().rollback()
        flash(ERRORS[exc.code], "error")
        return redirect(url_for("admin.users_list"))
    audit.record("user_update", f"user:{user.id}", f"role={user.role} unit={unit.code}")
    flash(_("Đã cập nhật tài khoản %(name)s.", name=user.username), "ok")
    return redirect(url_for("admin.users_list"))


@bp.post("/users/<int:user_id>/active")
@requires("manage_users")
@db.commits
def users_active(user_id: int):
    """Disable or re-enable an account (never one's own)."""
    user = _visible_user(user_id)
    if user.id == current_user.id:
        flash(_("Không thể tự khóa tài khoản của chính mình."), "error")
        return redirect(url_for("admin.users_list"))
    set_active(user, not user.active)
    audit.record("user_enable" if user.active else "user_disable", f"user:{user.id}")
    return redirect(url_for("admin.users_list"))


@bp.post("/users/<int:user_id>/password")
@requires("manage_users")
@db.commits
def users_reset_password(user_id: int):
    """Give an account a new generated password, shown once; its sessions end."""
    user = _visible_user(user_id)
    password = passwords.generate_password()
    set_password(user, password)
    audit.record("password_reset", f"user:{user.id}")
    return render_template("admin/new_password.html", user=user, password=password, created=False)
