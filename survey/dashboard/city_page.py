"""The city page's chart: one dot and interval per commune over the city figure."""
from __future__ import annotations

from flask_babel import gettext as _

from survey.charts import Dot, dot_intervals
from survey.results.city import CityView, CommuneRow


def chart(view: CityView, rows: list[CommuneRow], title: str) -> str:
    city = view.city_figures["SIPAS"]
    dots = [Dot(r.name, r.sipas.estimate, r.sipas.ci_low, r.sipas.ci_high, r.direction, r.sipas.low_n)
            for r in rows]
    note = _("Nét đứt: chỉ số thành phố; dải xám: khoảng tin cậy của nó; xanh: cao hơn, đỏ: thấp hơn; "
             "* dưới %(n)s phiếu.", n=view.method.min_n)
    return dot_intervals(dots, (city.estimate, city.ci_low, city.ci_high), title, note)
