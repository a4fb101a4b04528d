"""GET /cong-khai/<unit code>: the unit's published satisfaction indices."""
from __future__ import annotations

from flask import abort, render_template, request, url_for

from survey import charts, db
from survey.public import bp
from survey.public.queries import publication, unit_by_code
from survey.results.config import Method
from survey.results.filters import parse_period
from survey.results.forms import item_names
from survey.results.wording import method_lines


@bp.get("/<unit_code>")
def unit_page(unit_code: str):
    s = db.session()
    unit = unit_by_code(s, unit_code)
    if unit is None:
        abort(404)
    period = parse_period({"ky": "year", "nam": request.args.get("nam", "")})
    pub = publication(s, unit, period, Method.from_config(), request.args.get("bang_hoi"))
    links = [(fm, url_for("public.unit_page", unit_code=unit.code, nam=period.start.year, bang_hoi=fm.key))
             for fm in pub.choice.others]
    return render_template("public/unit.html", pub=pub, names=item_names(pub.choice.shown.versions),
                           pct=charts.pct, other_forms=links, method_lines=method_lines(pub.method, len(pub.choice.shown.definition.groups)))
