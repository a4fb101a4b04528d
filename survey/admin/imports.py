"""Import the national procedure list: upload, check the column mapping, import."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from survey import audit, db, params
from survey.admin import bp, uploads
from survey.auth.access import current_user, requires, visible_unit_ids
from survey.catalogue import importer
from survey.catalogue.ownership import may_edit, owner_for_new
from survey.uploads.limits import TableLimits

ALLOWED = (".csv", ".xlsx")


def _mapping_from_form() -> dict[str, int]:
    # "" means "not in this file": -1 keeps the guesser from picking a column.
    raw = {role: params.field(f"col_{role}") or "" for role in importer.COLUMNS}
    return {role: _column(v) for role, v in raw.items() if v != "auto"}


def _column(raw: str) -> int:
    value = params.integer(raw, _("Cột"), -1, TableLimits.max_columns, default=-1)
    return -1 if value is None else value


@bp.get("/import")
@requires("manage_catalogue")
def import_start():
    """Show the upload form."""
    return render_template("admin/import_upload.html")


@bp.post("/import")
@requires("manage_catalogue")
@db.commits
def import_upload():
    """Read the file, guess the columns and show the mapping with a preview."""
    upload = request.files.get("file")
    if upload is None or not upload.filename or not upload.filename.lower().endswith(ALLOWED):
        flash(_("Vui lòng chọn tệp .csv hoặc .xlsx."), "error")
        return render_template("admin/import_upload.html"), 400
    data = upload.read()
    try:
        headers, rows = importer.read_table(upload.filename, data)
    except importer.FrameFileError as exc:
        flash(str(exc), "error")
        return render_template("admin/import_upload.html"), 400
    return render_template(
        "admin/import_map.html", upload=uploads.save(upload.filename, data), filename=upload.filename,
        headers=headers, preview=rows[:5], total=len(rows), mapping=importer.guess_mapping(headers),
        columns=importer.COLUMNS, labels=importer.LABELS, required=importer.REQUIRED,
    )


@bp.post("/import/apply")
@requires("manage_catalogue")
@db.commits
def import_apply():
    """Import the stored file with the chosen mapping and show the row-level report."""
    name = params.field("upload") or ""
    data = uploads.load(name)
    if data is None:
        flash(_("Tệp đã hết hạn, vui lòng tải lên lại."), "error")
        return redirect(url_for("admin.import_start"))
    headers, rows = importer.read_table(name, data)
    mapping = importer.guess_mapping(headers, _mapping_from_form())
    s = db.session()
    try:
        report = importer.import_rows(
            s, rows, mapping, owner_for_new(current_user.unit),
            lambda owner: may_edit(owner, current_user.unit, visible_unit_ids(current_user)))
    except ValueError as exc:
        s.rollback()
        flash(str(exc), "error")
        return redirect(url_for("admin.import_start"))
    audit.record("catalogue_import", params.text(params.field("filename"), _("Tên tệp"), 1000)[:200] or None,
                 f"created={report.created} updated={report.updated} unchanged={report.unchanged} "
                 f"errors={len(report.errors)}")
    uploads.discard(name)
    return render_template("admin/import_report.html", report=report)
