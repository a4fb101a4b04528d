"""The city view: every commune side by side, its workbook and its report (/staff/results/city)."""
from __future__ import annotations

import io

from flask import abort, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _

from survey import audit, charts, db, params
from survey.auth.access import current_user, requires, visible_unit_ids
from survey.catalogue.queries import lineage_ids
from survey.dashboard import bp, city_page
from survey.dashboard.queries import choices
from survey.exports.city import city_workbook
from survey.exports.operations import describe
from survey.models import Unit
from survey.results import city_wording, forms
from survey.results.city import CityView, city_view, communes_of, sorted_rows
from survey.results.config import Method, definition, overall_label, overall_short
from survey.results.filters import parse_filters
from survey.results.forms import item_names
from survey.results.wording import method_lines

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


class NotACity(Exception):
    """The user's own unit has no communes below it: its own results page is the page to show."""


def _city() -> Unit:
    """The city asked for (?thanh_pho=id, a visible unit with communes), else the user's own unit."""
    s = db.session()
    asked = params.identifier(params.arg("thanh_pho"), _("Thành phố"))
    wanted = asked or current_user.unit_id
    unit = s.get(Unit, wanted) if wanted in visible_unit_ids(current_user) else None
    if unit is None or not communes_of(s, unit.id):
        if asked is None:
            raise NotACity()
        abort(404)
    return unit


@bp.errorhandler(NotACity)
def _own_results(_error):
    return redirect(url_for("dashboard.index", **request.args))


def _view() -> tuple[CityView, object, dict]:
    s = db.session()
    city = _city()
    f, choice = forms.choose(s, parse_filters(request.args, tuple(sorted(visible_unit_ids(current_user)))),
                             request.args.get("bang_hoi"))
    q = definition(f.questionnaire)
    view = city_view(s, city, f, Method.from_config(), [e.code for e in q.elements])
    names = item_names(f.questionnaires or ())
    names["SIPAS"] = overall_label(q)
    return view, f, {"choice": choice, "names": names, "q": q}


@bp.get("/city")
@requires("view_results")
def city():
    view, f, extra = _view()
    key = params.text(params.arg("sap_xep"), _("Sắp xếp"), 40) or "name"  # an unknown column sorts by name
    descending = params.choice(params.arg("chieu"), _("Chiều sắp xếp"), ("asc", "desc"),
                               "desc" if key not in ("name", "code") else "asc") == "desc"
    rows = sorted_rows(view.rows, key, descending)
    names = extra["names"]
    sort_options = [("name", _("Tên đơn vị")), ("SIPAS", names["SIPAS"]),
                    ("difference", _("Chênh lệch so với thành phố")), ("n", _("Số phiếu")),
                    *((e, names.get(e, e)) for e in view.elements)]
    return render_template(
        "dashboard/city.html", view=view, rows=rows, f=f, sort=key, sort_options=sort_options, descending=descending,
        choices=choices(db.session(), tuple(sorted(visible_unit_ids(current_user))),
                        visible_unit_ids(current_user) | lineage_ids(current_user.unit)),
        chart=city_page.chart(view, rows, _("Chỉ số từng đơn vị và chỉ số thành phố")),
        rule_text=city_wording.rule_text(view.rule), overall_short=overall_short(extra["q"]),
        method_lines=method_lines(view.method, len(extra["q"].groups)),
        adjustment_text=city_wording.adjustment_text(view.adjustment, view.method.level),
        direction_label=city_wording.direction_label, kind_label=city_wording.kind_label, pct=charts.pct, **extra)


def _download_name(view: CityView, f, ext: str) -> str:
    return f"sipas-thanh-pho-{view.city.code}-{f.period.start:%Y%m%d}-{f.period.end:%Y%m%d}.{ext}"


@bp.post("/city.xlsx")
@requires("export_figures")
@db.commits
def city_xlsx():
    view, f, extra = _view()
    audit.record("export", "city.xlsx", describe("city", "xlsx", f))
    return send_file(city_workbook(view, f, extra["names"]), mimetype=XLSX, as_attachment=True,
                     download_name=_download_name(view, f, "xlsx"))


@bp.post("/city.docx")
@requires("export_figures")
@db.commits
def city_docx():
    # deferred: a worker that never prints need not hold the PDF, DOCX and image libraries
    from survey.report.city import city_report

    view, f, extra = _view()
    audit.record("export", "city.docx", describe("city", "docx", f))
    return send_file(io.BytesIO(city_report(view, f, extra["q"])), mimetype=DOCX, as_attachment=True,
                     download_name=_download_name(view, f, "docx"))
