"""Results routes: the dashboard, comments with tagging, and downloads."""
from __future__ import annotations

from flask import Response as HttpResponse
from flask import abort, flash, redirect, render_template, request, send_file, stream_with_context, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from survey import audit, charts, db, params
from survey.auth.access import current_user, require_visible_unit, requires, visible_unit_ids
from survey.auth.nav import nav_item
from survey.catalogue.queries import lineage_ids
from survey.dashboard import bp, city_views, queries  # noqa: F401  (city_views: its routes)
from survey.dashboard.operations import tag_comment
from survey.dashboard.present import dashboard_page, form_links
from survey.exports.contents import FORMATS, KINDS
from survey.exports.operations import csv_stream, describe, xlsx_file
from survey.questionnaire.loader import shipped
from survey.results import forms
from survey.results.city import communes_of
from survey.results.comparison import standard_comparisons
from survey.results.config import Method
from survey.results.filters import parse_filters
from survey.results.overview import overview

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def args_with(**changes) -> dict:
    """This page's query arguments with some changed (None removes one): links keep the filters."""
    args = request.args.to_dict() | changes
    return {k: v for k, v in args.items() if v is not None}


@bp.context_processor
def _helpers():
    return {"pct": charts.pct, "args_with": args_with}


def _filters(with_period: bool = True):
    unit_ids = tuple(sorted(visible_unit_ids(current_user)))
    f = parse_filters(request.args, unit_ids)
    return f if with_period or request.args.get("ky") else f.narrowed(period=None)


def _selection(with_period: bool = True):
    """The filters narrowed to the form shown (?bang_hoi=code:version), and the form choice."""
    return forms.choose(db.session(), _filters(with_period), request.args.get("bang_hoi"))


def _choices():
    visible = visible_unit_ids(current_user)
    return queries.choices(db.session(), tuple(sorted(visible)), visible | lineage_ids(current_user.unit))


@bp.get("/")
@requires("view_results")
@nav_item(_l("Kết quả"), order=20)
def index():
    f, choice = _selection()
    s, method = db.session(), Method.from_config()
    o = overview(s, f, method)
    # the period before and a year earlier, read from the rollup like the period itself
    page = dashboard_page(o, f, standard_comparisons(s, f, method) if o.n else [])
    return render_template("dashboard/index.html", f=f, choices=_choices(), choice=choice,
                           form_links=form_links(choice, request.args, ".index"),
                           city_view=bool(communes_of(s, current_user.unit_id)), **page)


@bp.get("/flagged")
@requires("view_results")
def flagged():
    """The flagged responses the figures leave out, each with its reason, to review."""
    f, choice = _selection()
    page = params.page(params.arg("trang"))
    rows, total = queries.flagged(db.session(), f, page)
    return render_template("dashboard/flagged.html", f=f, rows=rows, total=total, page=page,
                           pages=max(1, -(-total // queries.PAGE_SIZE)), choice=choice,
                           form_links=form_links(choice, request.args, ".flagged"), choices=_choices())


@bp.get("/comments")
@requires("view_comments")
def comments():
    # Comments need no criteria: every questionnaire's are listed, each tagged with its own elements.
    f = _filters(with_period=False).narrowed(questionnaires=None)
    term = params.text(params.arg("q"), _("Từ khóa"), 200)
    page = params.page(params.arg("trang"))
    rows, total = queries.comments(db.session(), f, term, page)
    known = shipped()
    elements = {r.questionnaire: known[r.questionnaire].elements for r in rows if r.questionnaire in known}
    return render_template("dashboard/comments.html", f=f, rows=rows, total=total, term=term,
                           page=page, pages=max(1, -(-total // queries.PAGE_SIZE)),
                           elements=elements, choices=_choices())


@bp.post("/comments/<bigid:response_id>/tag")
@requires("tag_comments")
@db.commits
def tag(response_id: int):
    s = db.session()
    unit, questionnaire = queries.comment_unit(s, response_id)
    require_visible_unit(unit)
    valid = {e.code for e in shipped()[questionnaire].elements} if questionnaire in shipped() else set()
    code = params.choice(params.field("element"), _("Yếu tố"), valid)
    term, page = params.text(params.field("q"), _("Từ khóa"), 200), params.page(params.field("trang"))
    tag_comment(s, response_id, code)
    flash(_("Đã gắn yếu tố cho góp ý."), "ok")
    return redirect(url_for(".comments", q=term or None, trang=page if page > 1 else None))


@bp.post("/export/<kind>.<fmt>")
@requires("export_raw_responses")
@db.commits
def export(kind: str, fmt: str):
    part = 1 if kind == "responses-dictionary" and fmt == "csv" else 0
    kind = "responses" if part else kind
    if kind not in KINDS or fmt not in FORMATS:
        abort(404)
    f, method = _filters(), Method.from_config()
    audit.record("export", f"{kind}.{fmt}", describe(kind, fmt, f))
    name = f"sipas-{kind}{'-tu-dien' if part else ''}-{f.period.start:%Y%m%d}-{f.period.end:%Y%m%d}.{fmt}"
    if fmt == "xlsx":
        return send_file(xlsx_file(kind, f, method), mimetype=XLSX, as_attachment=True, download_name=name)
    body = stream_with_context(csv_stream(kind, f, method, part))
    return HttpResponse(body, mimetype="text/csv; charset=utf-8",
                        headers={"Content-Disposition": f'attachment; filename="{name}"'})
