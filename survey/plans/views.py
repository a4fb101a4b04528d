"""Staff pages of a plan: list, create, progress and PAR figures, frame, sample, slips, report."""
from __future__ import annotations

import io

from flask import flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from survey import audit, db, params
from survey.auth.access import current_user, require_visible_unit, requires, visible_unit_ids, visible_units
from survey.auth.nav import nav_item
from survey.catalogue.queries import lineage_ids, offered_services
from survey.frame.operations import import_dossiers
from survey.frame.reader import FrameFileError, read_table
from survey.invitations.operations import issue, issue_for_sample
from survey.invitations.queries import unused
from survey.links import base_url
from survey.plans import bp, sampling
from survey.plans.attribution import outside_counts, plan_counts
from survey.plans.forms import report_settings_from, settings_from
from survey.plans.lookup import plan_or_404
from survey.plans.operations import PlanError, apply_report_settings, save_plan, set_services
from survey.plans.queries import plans_for_units, results_filters, results_method
from survey.questionnaire.loader import shipped
from survey.report.data import gather
from survey.results.config import overall_short
from survey.results.filters import Period
from survey.results.wording import method_lines

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@bp.get("/")
@requires("view_plans")
@nav_item(_l("Kế hoạch đo lường"), 40)
def index():
    s = db.session()
    plans = plans_for_units(s, visible_unit_ids(current_user))
    units = {p.unit_id: p.unit for p in plans}
    outside = outside_counts(s, units)
    return render_template("plans/list.html", plans=plans, received=plan_counts(s, plans),
                           outside=[(units[u], n) for u, n in outside.items()])


@bp.route("/new", methods=["GET", "POST"])
@requires("manage_plan")
@db.commits
def new():
    s = db.session()
    # Shared procedures and those of the units this account sees (or its city's): never another commune's own.
    services = offered_services(s, visible_unit_ids(current_user) | lineage_ids(current_user.unit), active_only=True)
    if request.method == "POST":
        # A city account plans for any unit it sees (its communes); others only for their own.
        unit_id = params.identifier(params.field("unit"), _("Đơn vị")) or current_user.unit_id
        require_visible_unit(unit_id)
        chosen = params.identifiers(params.fields("services"), _("Thủ tục"))
        if not set(chosen) <= {v.id for v in services}:
            raise params.refuse(_("Thủ tục đã chọn không còn trong danh mục; vui lòng tải lại trang."))
        try:
            plan = save_plan(s, unit_id, settings_from(request.form))
            set_services(s, plan, chosen)
            audit.record("plan.create", f"plan:{plan.id}", plan.title)
            return redirect(url_for("plans.detail", plan_id=plan.id), code=303)
        except PlanError as exc:
            s.rollback()
            flash(str(exc), "error")
    return render_template("plans/form.html", questionnaires=shipped().values(), services=services,
                           units=visible_units(current_user)), \
        400 if request.method == "POST" else 200


@bp.get("/<int:plan_id>")
@requires("view_plans")
def detail(plan_id: int):
    s, plan = db.session(), plan_or_404(plan_id)
    data = gather(s, plan)
    return render_template("plans/detail.html", data=data, overall_short=overall_short(data.q),
                           method_lines=method_lines(data.method, len(data.q.groups)),
                           outside=outside_counts(s, [plan.unit_id])[plan.unit_id])


@bp.post("/<int:plan_id>/frame")
@requires("manage_plan")
@db.commits
def frame(plan_id: int):
    plan, upload = plan_or_404(plan_id), request.files.get("file")
    given = {k[4:]: v for k, v in request.form.items() if k.startswith("col_") and v.strip()}
    try:
        if upload is None:
            raise FrameFileError(_("Vui lòng chọn tệp danh sách hồ sơ."))
        report = import_dossiers(db.session(), plan.unit_id, *read_table(upload.filename or "", upload.read()), given)
    except FrameFileError as exc:
        flash(str(exc), "error")
        return redirect(url_for("plans.detail", plan_id=plan_id), code=303)
    if report.ok:
        audit.record("frame.import", f"plan:{plan_id}", f"+{report.created} ~{report.updated} !{len(report.errors)}")
    return render_template("plans/import_report.html", plan=plan, report=report), 200 if report.ok else 400


@bp.post("/<int:plan_id>/sample")
@requires("manage_plan")
@db.commits
def sample(plan_id: int):
    s, plan = db.session(), plan_or_404(plan_id)
    n = sampling.draw(s, plan, None)
    issue_for_sample(s, plan)
    audit.record("plan.sample", f"plan:{plan_id}", f"n={n} seed={plan.seed}")
    flash(_("Đã chọn %(n)s hồ sơ (hạt giống %(seed)s) và tạo mã mời tương ứng.", n=n, seed=plan.seed), "ok")
    return redirect(url_for("plans.detail", plan_id=plan_id), code=303)


@bp.post("/<int:plan_id>/invitations")
@requires("manage_plan")
@db.commits
def invitations(plan_id: int):
    s, plan = db.session(), plan_or_404(plan_id)
    service_id = params.identifier(params.field("service"), _("Thủ tục"))
    count = params.integer(params.field("count"), _("Số mã"), 0, 500, default=0) or 0
    if service_id not in {ps.service_id for ps in plan.services} or not 0 < count <= 500:
        flash(_("Chọn thủ tục và số mã từ 1 đến 500."), "error")
    else:
        issue(s, plan, service_id, count, "counter")
        flash(_("Đã tạo %(n)s mã mời phát tại quầy.", n=count), "ok")
    return redirect(url_for("plans.detail", plan_id=plan_id), code=303)


@bp.post("/<int:plan_id>/slips.pdf")
@requires("print_invitations")
@db.commits
def slips(plan_id: int):
    # deferred: a worker that never prints need not hold the PDF, DOCX and image libraries
    from survey.invitations.slips import slips_pdf

    plan = plan_or_404(plan_id)
    rows = [{"code": i.code, "unit": plan.unit.name, "service": i.service.name, "expires": i.expires_on}
            for i in unused(db.session(), plan.id, params.identifier(params.arg("service"), _("Thủ tục")))]
    audit.record("invitations.print", f"plan:{plan_id}", str(len(rows)))
    return send_file(io.BytesIO(slips_pdf(rows, base_url())), "application/pdf",
                     as_attachment=True, download_name=f"phieu-moi-{plan_id}.pdf")


@bp.post("/<int:plan_id>/call-list.csv")
@requires("download_call_list")
@db.commits
def call_list(plan_id: int):
    """The sampled dossiers per service (who gets a slip); never paired with codes."""
    from survey.exports.writer import Table, csv_chunks
    rows = sampling.sampled(db.session(), plan_or_404(plan_id))
    audit.record("plan.call_list", f"plan:{plan_id}", str(len(rows)))
    table = Table(_("Danh sách hồ sơ được chọn"), [_("Mã thủ tục"), _("Thủ tục"), _("Mã hồ sơ")], rows)
    return b"".join(csv_chunks(table)), 200, {"Content-Type": "text/csv; charset=utf-8",
                                             "Content-Disposition": f"attachment; filename=mau-{plan_id}.csv"}


@bp.post("/<int:plan_id>/report-settings")
@requires("manage_plan")
@db.commits
def report_settings(plan_id: int):
    """Store the report's number, drafting office, signer and recipients."""
    plan = plan_or_404(plan_id)
    try:
        apply_report_settings(plan, report_settings_from(request.form))
    except PlanError as exc:
        db.session().rollback()
        flash(str(exc), "error")
        return redirect(url_for("plans.detail", plan_id=plan_id), code=303)
    audit.record("plan.report_settings", f"plan:{plan_id}")
    flash(_("Đã lưu thể thức báo cáo."), "ok")
    return redirect(url_for("plans.detail", plan_id=plan_id), code=303)


@bp.post("/<int:plan_id>/report.docx")
@requires("download_report")
@db.commits
def report(plan_id: int):
    # deferred: a worker that never prints need not hold the PDF, DOCX and image libraries
    from survey.report.document import build

    s, plan = db.session(), plan_or_404(plan_id)
    audit.record("plan.report", f"plan:{plan_id}")
    return send_file(io.BytesIO(build(gather(s, plan))), DOCX, as_attachment=True,
                     download_name=f"bao-cao-{plan_id}.docx")


@bp.post("/<int:plan_id>/indices.xlsx")
@requires("export_raw_responses")
@db.commits
def indices(plan_id: int):
    from survey.exports.operations import xlsx_file
    s, plan = db.session(), plan_or_404(plan_id)
    audit.record("plan.export", f"plan:{plan_id}")
    shown = Period("custom", plan.start_date, plan.end_date)  # the data run on for late paper forms
    return send_file(xlsx_file("indices", results_filters(s, plan), results_method(plan), shown),
                     "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                     as_attachment=True, download_name=f"chi-so-{plan_id}.xlsx")
