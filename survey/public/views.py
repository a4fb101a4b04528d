"""GET /cong-khai/<unit code>: the unit's published satisfaction indices."""
from __future__ import annotations

from flask import abort, render_template, request, url_for

from survey import charts, db
from survey.auth.access import requires
from survey.public import bp
from survey.public.cache import cacheable
from survey.public.queries import city_publication, publication, unit_by_code
from survey.results import city_wording
from survey.results.city import communes_of
from survey.results.config import Method, definition, overall_label, overall_short
from survey.results.filters import parse_period
from survey.results.forms import item_names
from survey.results.wording import method_lines


@bp.get("/<unit_code>")
@requires("read_public_pages")
def unit_page(unit_code: str):
    s = db.session()
    unit = unit_by_code(s, unit_code)
    if unit is None:
        abort(404)
    period = parse_period({"ky": "year", "nam": request.args.get("nam", "")})
    pub = publication(s, unit, period, Method.from_config(), request.args.get("bang_hoi"))
    links = [(fm, url_for("public.unit_page", unit_code=unit.code, nam=period.start.year, bang_hoi=fm.key))
             for fm in pub.choice.others]
    city_url = url_for("public.city_page", unit_code=unit.code, nam=period.start.year) \
        if communes_of(s, unit.id) else None
    return render_template("public/unit.html", pub=pub, city_url=city_url, names=item_names(pub.choice.shown.versions),
                           pct=charts.pct, other_forms=links, method_lines=method_lines(pub.method, len(pub.choice.shown.definition.groups)))


@bp.get("/<unit_code>/cac-don-vi")
@requires("read_public_pages")
def city_page(unit_code: str):
    """Every commune's published figures of the year, for anonymous visitors (cached by proxies)."""
    s = db.session()
    city = unit_by_code(s, unit_code)
    if city is None or not communes_of(s, city.id):
        abort(404)
    period = parse_period({"ky": "year", "nam": request.args.get("nam", "")})
    view, choice = city_publication(s, city, period, Method.from_config(), request.args.get("bang_hoi"))
    names = item_names(choice.shown.versions)
    names["SIPAS"] = overall_label(definition(choice.shown.versions[-1]))
    body = render_template("public/city.html", view=view, shown=view.rows, hidden=view.left_out,
                           period=period, names=names, choice=choice, pct=charts.pct,
                           rule_text=city_wording.rule_text(view.rule), kind_label=city_wording.kind_label,
                           overall_short=overall_short(choice.shown.definition),
                           method_lines=method_lines(view.method, len(choice.shown.definition.groups)))
    return cacheable(body)
