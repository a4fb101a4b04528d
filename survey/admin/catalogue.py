"""Fields and procedures (the national catalogue) edited in the browser."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from survey import audit, db
from survey.admin import bp
from survey.admin.forms import text
from survey.auth.access import roles_required
from survey.auth.nav import nav_item
from survey.catalogue import operations as ops
from survey.catalogue import queries
from survey.models import Field, Service


@bp.get("/catalogue")
@nav_item(_l("Danh mục"), order=70)
@roles_required("admin")
def catalogue():
    """List fields and procedures with forms to add or edit them."""
    s = db.session()
    return render_template("admin/catalogue.html", fields=queries.fields(s), services=queries.services(s))


@bp.post("/fields")
@roles_required("admin")
@db.commits
def field_save():
    """Create a field or rename it (keyed by its code)."""
    code, name = text("code", 40), text("name", 200)
    if not code or not name:
        flash(_("Cần nhập cả mã và tên lĩnh vực."), "error")
        return redirect(url_for("admin.catalogue"))
    field = ops.upsert_field(db.session(), code, name)
    audit.record("field_save", f"field:{field.code}", name)
    flash(_("Đã lưu lĩnh vực %(name)s.", name=name), "ok")
    return redirect(url_for("admin.catalogue"))


@bp.post("/services")
@roles_required("admin")
@db.commits
def service_save():
    """Create a procedure or update it (keyed by its national code)."""
    s = db.session()
    code, name = text("code", 20), text("name", 500)
    field_id = text("field_id", 12)
    field = s.get(Field, int(field_id)) if field_id.isdigit() else None
    if not code or not name or field is None:
        flash(_("Cần nhập mã thủ tục, tên thủ tục và chọn lĩnh vực."), "error")
        return redirect(url_for("admin.catalogue"))
    try:
        service = ops.upsert_service(s, code, name, field)
    except IntegrityError:
        s.rollback()
        flash(_("Không lưu được thủ tục %(code)s.", code=code), "error")
        return redirect(url_for("admin.catalogue"))
    audit.record("service_save", f"service:{service.code}", name)
    flash(_("Đã lưu thủ tục %(code)s.", code=code), "ok")
    return redirect(url_for("admin.catalogue"))


@bp.post("/services/<int:service_id>/active")
@roles_required("admin")
@db.commits
def service_active(service_id: int):
    """Withdraw a procedure from the forms, or bring it back."""
    service = db.session().get(Service, service_id)
    if service is None:
        abort(404)
    ops.set_service_active(service, not service.active)
    audit.record("service_enable" if service.active else "service_disable", f"service:{service.code}")
    return redirect(url_for("admin.catalogue"))
