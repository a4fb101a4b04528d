"""The city workbook: one row per commune (and the city first), through the generic writer."""
from __future__ import annotations

import tempfile
from datetime import datetime
from typing import IO

from flask_babel import gettext as _

from survey.exports.indices import period_text, setting_rows
from survey.exports.writer import Table, write_xlsx
from survey.results.city import CityView, Figure
from survey.results.city_wording import adjustment_text, direction_label, kind_label, rule_text
from survey.results.filters import LOCAL, Filters


def _figure(x: Figure) -> list:
    return [x.estimate, x.ci_low, x.ci_high]


def city_table(view: CityView, names: dict[str, str]) -> Table:
    """Headers and rows of the comparison: the city, then every commune by name."""
    level = round(view.method.level * 100)
    headers = [_("Mã đơn vị"), _("Đơn vị"), _("Loại"), _("Số phiếu (n)"), f"{names['SIPAS']} (%)",
               _("Cận dưới (%)"), _("Cận trên (%)"), _("Ít phiếu (n dưới ngưỡng)"),
               _("Hiệu so với thành phố (điểm %)"), _("Cận dưới của hiệu"), _("Cận trên của hiệu"),
               _("p đã hiệu chỉnh (%(name)s)", name=view.adjustment), _("So với thành phố")]
    for e in view.elements:
        headers += [f"{e} (%)", f"{e} {_('cận dưới')}", f"{e} {_('cận trên')}"]
    headers += [_("Cách tổng hợp chỉ số thành phố"), _("Mức tin cậy")]
    city = view.city_figures
    rows: list[list] = [[view.city.code, view.city.name, _("Thành phố"), view.n, *_figure(city["SIPAS"]), None,
                         None, None, None, None, "", *(v for e in view.elements for v in _figure(city[e])),
                         view.rule, level / 100]]
    for r in view.rows:
        rows.append([r.code, r.name, kind_label(r.kind), r.sipas.n, *_figure(r.sipas),
                     _("Có") if r.sipas.low_n else _("Không"), r.difference, r.diff_low, r.diff_high,
                     r.p_adjusted, direction_label(r.direction) if r.sipas.n else "",
                     *(v for e in view.elements for v in _figure(r.figures[e])), view.rule, level / 100])
    figures = [4, 5, 6, 8, 9, 10, *range(13, 13 + 3 * len(view.elements))]
    return Table(_("So sánh các đơn vị"), headers, rows, text_columns=[0, 1, 2, 7, 12, len(headers) - 2],
                 decimals=figures, widths=[12, 30, 10, 9, *([11] * (len(headers) - 4))], notes=[rule_text(view.rule), adjustment_text(view.adjustment, view.method.level),
                                          _("Các yếu tố") + ": " + "; ".join(f"{e} – {names.get(e, e)}"
                                                                              for e in view.elements)])


def method_table(view: CityView, f: Filters) -> Table:
    m = view.method
    rows = [[_("Kỳ"), period_text(f.period)], [_("Cách tổng hợp chỉ số thành phố"), view.rule],
            [_("Giải thích"), rule_text(view.rule)], [_("Hiệu chỉnh so sánh nhiều đơn vị"), view.adjustment],
            [_("Phương pháp chỉ số"), m.index], [_("Khoảng tin cậy"), m.interval], [_("Mức tin cậy"), m.level],
            [_("Ngưỡng ít phiếu"), m.min_n], *([label, text] for label, text in setting_rows(m)),
            [_("Ngày xuất"), datetime.now(LOCAL).replace(tzinfo=None, microsecond=0)]]
    return Table(_("Phương pháp"), [_("Nội dung"), _("Giá trị")], rows, widths=[36, 90])


def city_workbook(view: CityView, f: Filters, names: dict[str, str]) -> IO[bytes]:
    """The workbook in an anonymous temporary file, rewound (deleted when closed)."""
    target = tempfile.TemporaryFile(suffix=".xlsx")
    heading = _("%(units)s · Kỳ: %(period)s", units=view.city.name, period=period_text(f.period))
    write_xlsx([city_table(view, names), method_table(view, f)], target, heading)
    target.seek(0)
    return target
