"""Administrative units in the browser: their English names; a city's administrator imports its communes."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from survey import audit, db
from survey.admin import bp
from survey.auth.access import current_user, require_visible_unit, requires, visible_units
from survey.catalogue import operations as ops
from survey.forms_text import form_text
from survey.models import Unit
from survey.units.importer import import_units
from survey.uploads import UploadError, read_table

ALLOWED = (".csv", ".xlsx")


def _city():
    """The administrator's province or city; None for a commune's administrator."""
    return current_user.unit if current_user.unit.parent_id is None else None


def _not_here():
    # Only a province's or city's administrator imports units, and only its own communes.
    flash(_("Chỉ quản trị viên của tỉnh/thành phố nhập được danh sách đơn vị hành chính."), "error")
    return redirect(url_for("admin.counters"))


@bp.get("/units/import")
@requires("manage_units")
def units_import_start():
    """Show the upload form."""
    city = _city()
    if city is None:
        return _not_here()
    return render_template("admin/units_import.html", city=city, report=None)


@bp.post("/units/import")
@requires("manage_units")
@db.commits
def units_import():
    """Read the file and import every row, or none when one is refused."""
    city = _city()
    if city is None:
        return _not_here()
    upload = request.files.get("file")
    if upload is None or not upload.filename or not upload.filename.lower().endswith(ALLOWED):
        flash(_("Vui lòng chọn tệp .csv hoặc .xlsx."), "error")
        return render_template("admin/units_import.html", city=city, report=None), 400
    s = db.session()
    try:
        headers, rows = read_table(upload.filename, upload.read())
        report = import_units(s, headers, rows, within=city)
    except (UploadError, ValueError) as exc:
        s.rollback()
        flash(str(exc), "error")
        return render_template("admin/units_import.html", city=city, report=None), 400
    if report.errors:
        s.rollback()
        return render_template("admin/units_import.html", city=city, report=report), 400
    audit.record("units_import", upload.filename[:200], f"created={report.created} updated={report.updated} "
                 f"unchanged={report.unchanged}")
    return render_template("admin/units_import.html", city=city, report=report)


@bp.get("/units")
@requires("manage_units")
def units():
    """List the administrator's units with their English names, each editable."""
    return render_template("admin/units.html", units=visible_units(current_user))


@bp.post("/units/<int:unit_id>/name-en")
@requires("manage_units")
@db.commits
def unit_name_en(unit_id: int):
    """Set or clear a unit's English name (its own or one below it); the official name stays."""
    require_visible_unit(unit_id)
    unit = db.session().get(Unit, unit_id)
    if unit is None:
        abort(404)
    name_en = form_text("name_en", Unit.name_en, _("Tên tiếng Anh"))
    ops.set_unit_name_en(unit, name_en)
    audit.record("unit_name_en", f"unit:{unit.code}", name_en)
    flash(_("Đã lưu tên tiếng Anh của %(name)s.", name=unit.name), "ok")
    return redirect(url_for("admin.units"))
