"""GET /cong-khai/<unit code>: the unit's published satisfaction indices."""
from __future__ import annotations

from flask import abort, render_template, request

from survey import charts, db
from survey.public import bp
from survey.public.queries import publication, unit_by_code
from survey.questionnaire.sync import DEFAULT
from survey.results.config import Method, definition
from survey.results.filters import parse_period


@bp.get("/<unit_code>")
def unit_page(unit_code: str):
    s = db.session()
    unit = unit_by_code(s, unit_code)
    if unit is None:
        abort(404)
    period = parse_period({"ky": "year", "nam": request.args.get("nam", "")})
    pub = publication(s, unit, period, Method.from_config())
    q = definition(DEFAULT)
    names = {e.code: e.title.vi for e in q.elements} | {"SIPAS": "SIPAS"}
    return render_template("public/unit.html", pub=pub, names=names, pct=charts.pct)
