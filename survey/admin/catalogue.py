"""Fields and procedures (the national catalogue) edited in the browser.

Shared rows are edited only by a top-level admin; a commune admin adds its
own local rows (see survey.catalogue.ownership).
"""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from survey import audit, db, params
from survey.admin import bp
from survey.auth.access import current_user, requires, visible_unit_ids
from survey.auth.nav import nav_item
from survey.catalogue import operations as ops
from survey.catalogue import queries
from survey.catalogue.ownership import may_edit, owner_for_new
from survey.forms_text import form_text, refuse
from survey.models import Field, Service


def _scope() -> set[int]:
    """Units whose rows this admin sees: its own, those below and those above (their shared rows)."""
    return visible_unit_ids(current_user) | queries.lineage_ids(current_user.unit)


def _require_editable(row_unit_id: int | None, what: str) -> None:
    if not may_edit(row_unit_id, current_user.unit, visible_unit_ids(current_user)):
        refuse(_("%(what)s này dùng chung cho nhiều đơn vị; chỉ quản trị viên của đơn vị sở hữu "
                 "(thành phố/tỉnh) được sửa. Hãy thêm thủ tục riêng của đơn vị với mã khác.", what=what), 403)


@bp.get("/catalogue")
@nav_item(_l("Danh mục"), order=70)
@requires("manage_catalogue")
def catalogue():
    """List fields and procedures with forms to add or edit them."""
    s = db.session()
    scope = _scope()
    return render_template("admin/catalogue.html", fields=queries.offered_fields(s, scope),
                           services=queries.offered_services(s, scope))


@bp.post("/fields")
@requires("manage_catalogue")
@db.commits
def field_save():
    """Create a field or rename it (keyed by its code)."""
    code = form_text("code", Field.code, _("Mã lĩnh vực"))
    name = form_text("name", Field.name, _("Tên lĩnh vực"))
    if not code or not name:
        flash(_("Cần nhập cả mã và tên lĩnh vực."), "error")
        return redirect(url_for("admin.catalogue"))
    s = db.session()
    existing = queries.field_by_code(s, code)
    if existing is not None:
        _require_editable(existing.unit_id, _("Lĩnh vực"))
    field = ops.upsert_field(s, code, name, owner_for_new(current_user.unit))
    audit.record("field_save", f"field:{field.code}", name)
    flash(_("Đã lưu lĩnh vực %(name)s.", name=name), "ok")
    return redirect(url_for("admin.catalogue"))


@bp.post("/services")
@requires("manage_catalogue")
@db.commits
def service_save():
    """Create a procedure or update it (keyed by its national code)."""
    s = db.session()
    code = form_text("code", Service.code, _("Mã thủ tục"))
    name = form_text("name", Service.name, _("Tên thủ tục"))
    name_en: str | None = form_text("name_en", Service.name_en, _("Tên tiếng Anh"))
    # The add form is blank: there an empty English name keeps the stored one;
    # on a procedure's own (filled-in) edit page it removes it.
    if not name_en and not params.flag(params.field("edit"), _("Sửa")):
        name_en = None
    field_id = params.identifier(params.field("field_id"), _("Lĩnh vực"))
    field = s.get(Field, field_id) if field_id is not None else None
    if field is not None and field.unit_id is not None and field.unit_id not in _scope():
        field = None
    if not code or not name or field is None:
        flash(_("Cần nhập mã thủ tục, tên thủ tục và chọn lĩnh vực."), "error")
        return redirect(url_for("admin.catalogue"))
    existing = queries.service_by_code(s, code)
    if existing is not None:
        _require_editable(existing.unit_id, _("Thủ tục"))
    try:
        service = ops.upsert_service(s, code, name, field, name_en, owner_id=owner_for_new(current_user.unit))
    except IntegrityError:
        s.rollback()
        flash(_("Không lưu được thủ tục %(code)s.", code=code), "error")
        return redirect(url_for("admin.catalogue"))
    audit.record("service_save", f"service:{service.code}", name)
    flash(_("Đã lưu thủ tục %(code)s.", code=code), "ok")
    return redirect(url_for("admin.catalogue"))


@bp.get("/services/<int:service_id>")
@requires("manage_catalogue")
def service_edit(service_id: int):
    """Show one procedure's names and field, filled in, to edit."""
    service = _visible_service(service_id)
    return render_template("admin/service.html", service=service, fields=queries.offered_fields(db.session(), _scope()),
                           editable=may_edit(service.unit_id, current_user.unit, visible_unit_ids(current_user)))


def _visible_service(service_id: int) -> Service:
    service = db.session().get(Service, service_id)
    if service is None or (service.unit_id is not None and service.unit_id not in _scope()):
        abort(404)
    return service


@bp.post("/services/<int:service_id>/active")
@requires("manage_catalogue")
@db.commits
def service_active(service_id: int):
    """Withdraw a procedure from the forms, or bring it back."""
    service = _visible_service(service_id)
    _require_editable(service.unit_id, _("Thủ tục"))
    ops.set_service_active(service, not service.active)
    audit.record("service_enable" if service.active else "service_disable", f"service:{service.code}")
    return redirect(url_for("admin.catalogue"))
