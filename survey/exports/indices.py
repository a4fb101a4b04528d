"""Index tables for export: the long estimate table and the workbook's sheets."""
from __future__ import annotations

from datetime import datetime

import pandas as pd
from flask_babel import gettext as _

from analysis.results import NO_ANSWER, SINGLE
from survey import db
from survey.exports.writer import Table
from survey.results import queries
from survey.results.comparison import lines, standard_comparisons
from survey.results.config import Method, overall_short
from survey.results.filters import LOCAL, Filters, Period
from survey.results.forms import Form, definitions
from survey.results.forms import item_names as item_names_of
from survey.results.method_text import index_method, interval_method, percent, settings
from survey.results.scopes import scoped_estimates
from survey.results.summary import summary_rows


def scope_labels() -> dict[str, str]:
    return {"overall": _("Toàn bộ"), "field": _("Lĩnh vực"), "service": _("Thủ tục"),
            "service_point": _("Quầy")}


def level_labels(form: Form | None = None) -> dict[str, str]:
    # plain "SIPAS" only where both groups are measured; an exit survey is SIPAS-DV
    short = overall_short(definitions(form.versions)[0]) if form is not None else "SIPAS"
    return {"criterion": _("Tiêu chí"), "element": _("Yếu tố"), "group": _("Nhóm"),
            "overall": _("Chỉ số chung (%(name)s)", name=short), "expectation": _("Mong muốn")}


def note_labels() -> dict[str, str]:
    """The reason a figure has no standard error or interval, in Vietnamese."""
    return {"": "", NO_ANSWER: _("Không có câu trả lời"),
            SINGLE: _("Chỉ một câu trả lời: không có sai số chuẩn, hệ số thiết kế và khoảng tin cậy")}


def item_names(form: Form) -> dict[str, str]:
    """Vietnamese name of every index code of a form (the newest version's wording)."""
    return item_names_of(form.versions)


def headers() -> list[str]:
    return [_("Phạm vi"), _("Mã phạm vi"), _("Tên phạm vi"), _("Cấp chỉ số"), _("Mã chỉ số"),
            _("Tên chỉ số"), _("Số phiếu (n)"), _("Chỉ số (%)"), _("Cận dưới (%)"),
            _("Cận trên (%)"), _("Sai số chuẩn (%)"), _("Ít phiếu (n dưới ngưỡng)"),
            _("Phương pháp chỉ số"), _("Khoảng tin cậy"), _("Mức tin cậy"),
            _("Mã bảng hỏi"), _("Phiên bản bảng hỏi"), _("Ngày xuất"), _("Cách tổng hợp"),
            _("Tầng một phiếu"), _("Ghi chú")]


def form_code_version(form: Form) -> tuple[str, str]:
    """The code and version cells of a form's rows: `sipas-dv`, `2024.1, 2025.1`."""
    codes = list(dict.fromkeys(code for code, _v in form.versions))
    if len(codes) == 1:
        return codes[0], ", ".join(v for _c, v in form.versions)
    return ", ".join(codes), ", ".join(f"{c} {v}" for c, v in form.versions)


def estimate_rows(parts: list[tuple[Form, pd.DataFrame]], exported: datetime):
    scopes, notes = scope_labels(), note_labels()
    for form, table in parts:
        names, (code, version) = item_names(form), form_code_version(form)
        levels = level_labels(form)
        for r in table.itertuples(index=False):
            yield [scopes[r.scope], r.scope_code or "", r.scope_name or "", levels[r.level], r.code,
                   names.get(r.code, ""), int(r.n), r.estimate, r.ci_low, r.ci_high, r.se,
                   _("Có") if r.low_n else _("Không"), r.index_method, r.interval, r.conf_level,
                   code, version, exported, r.aggregation, r.lonely_rule, notes.get(r.note, r.note)]


def estimates(f: Filters, found: list[Form], method: Method) -> list[tuple[Form, pd.DataFrame]]:
    """Every scope's estimates of every form (one scan each); tables below pick levels from them."""
    return [(form, scoped_estimates(db.session(), f.narrowed(questionnaires=form.versions), method))
            for form in found]


def indices_table(parts: list[tuple[Form, pd.DataFrame]], title: str, levels=None) -> Table:
    """The `analysis` estimates per form and scope as one long table (levels: a subset)."""
    if levels is not None:
        parts = [(form, table[table.level.isin(levels)]) for form, table in parts]
    exported = datetime.now(LOCAL).replace(tzinfo=None, microsecond=0)
    return Table(title, headers(), estimate_rows(parts, exported), decimals=(7, 8, 9, 10),
                 widths=(10, 12, 30, 14, 10, 50, 9, 9, 9, 9, 9, 10, 12, 14, 9, 12, 14, 19, 16, 14, 40))


def shares_table(f: Filters, found: list[Form]) -> Table:
    rows = []
    for form in found:
        code, version = form_code_version(form)
        shares = queries.shares(db.session(), f.narrowed(questionnaires=form.versions))
        rows += [(c.code, c.text, label, count, None if c.total == 0 else pct, code, version)
                 for c in shares for _v, label, count, pct in c.options]
    return Table(_("Nhận thức và kênh"), [_("Mã câu hỏi"), _("Câu hỏi"), _("Lựa chọn"), _("Số phiếu"),
                                          _("Tỷ lệ (%)"), _("Mã bảng hỏi"), _("Phiên bản bảng hỏi")], rows,
                 decimals=(4,), widths=(11, 55, 30, 10, 10, 12, 14))


def main_table(parts: list[tuple[Form, pd.DataFrame]], method: Method) -> Table:
    """The report's main table, ready to paste: one row per procedure, then all of them together.

    Of the selection's first form (the one it names); other forms have other criteria.
    """
    form, table = parts[0]
    q = definitions(form.versions)[0]
    elements = [e.code for e in q.elements]
    short = overall_short(q)
    rows = [(r.code, f"{r.name} (*)" if r.low_n and r.code else r.name, r.n, r.estimate,
             "–" if r.ci_low is None else f"{r.ci_low:.1f} – {r.ci_high:.1f}".replace(".", ","), *r.elements)
            for r in summary_rows(table, elements, _("Chung các thủ tục"))]
    headers = [_("Mã thủ tục"), _("Thủ tục"), _("Số phiếu"), f"{short} (%)",
               _("Khoảng tin cậy %(level)s", level=percent(method.level)), *elements]
    notes = [_("Chỉ số các yếu tố (%%): %(names)s.", names="; ".join(f"{e.code} – {e.title.vi}" for e in q.elements)),
             _("(*) Dưới %(n)s phiếu trả lời: ước lượng kém tin cậy, chỉ dùng để tham khảo.", n=method.min_n)]
    return Table(_("Kết quả theo thủ tục"), headers, rows, decimals=(3, *range(5, 5 + len(elements))),
                 widths=(12, 45, 9, 11, 15, *([7] * len(elements))), notes=notes)


def comparison_table(f: Filters, parts: list[tuple[Form, pd.DataFrame]], method: Method) -> Table | None:
    """The results page's comparison (the period before, the same period a year earlier), as a sheet.

    Of the selection's first form, from the estimates already made; None without a period.
    """
    if f.period is None:
        return None
    form, now = parts[0]
    names = item_names(form)
    kinds = {"previous": _("Kỳ trước"), "last_year": _("Cùng kỳ năm trước")}
    adjustments = {"holm": "Holm", "bh": "Benjamini–Hochberg"}
    scopes, empty = scope_labels(), _("Không đủ dữ liệu")
    rows: list[list] = []
    for c in standard_comparisons(db.session(), f.narrowed(questionnaires=form.versions), method, now):
        head = [kinds[c.kind], c.period.start, c.period.end]
        if not c.responses:
            rows.append([*head, *[None] * 16, _("Không đủ dữ liệu: kỳ so sánh không có phiếu nào.")])
            continue
        for r in lines(c):
            flag = None if r.significant is None else (_("Có") if r.significant else _("Không"))
            rows.append([*head, scopes[r.scope], r.scope_code, r.scope_name, r.code, names.get(r.code, ""), r.n,
                         r.estimate, r.n_other or 0, r.other, r.difference, r.ci_low, r.ci_high, r.p_adjusted,
                         adjustments[r.adjustment], flag, _("Có") if r.low_n else _("Không"),
                         empty if r.other is None else ""])
    headers = [_("So với"), _("Từ ngày"), _("Đến ngày"), _("Phạm vi"), _("Mã thủ tục"), _("Thủ tục"),
               _("Mã chỉ số"), _("Tên chỉ số"), _("Số phiếu kỳ này"), _("Kỳ này (%)"), _("Số phiếu kỳ so sánh"),
               _("Kỳ so sánh (%)"), _("Chênh lệch (điểm %)"), _("Cận dưới (điểm %)"), _("Cận trên (điểm %)"),
               _("Mức ý nghĩa đã hiệu chỉnh"), _("Cách hiệu chỉnh"), _("Có ý nghĩa thống kê"),
               _("Ít phiếu (n dưới ngưỡng)"), _("Ghi chú")]
    notes = [_("Chênh lệch = kỳ này trừ kỳ so sánh; khoảng tin cậy %(level)s của chênh lệch; “có ý nghĩa” khi "
               "mức ý nghĩa đã hiệu chỉnh nhỏ hơn %(alpha)s.", level=percent(method.level),
               alpha=percent(1 - method.level))]
    return Table(_("So sánh"), headers, rows, decimals=(9, 11, 12, 13, 14), notes=notes,
                 widths=(16, 11, 11, 10, 11, 30, 9, 30, 9, 9, 9, 9, 10, 10, 10, 11, 16, 10, 10, 30))


def period_text(period: Period | None) -> str:
    """`01/01/2026 – 31/12/2026`, or the whole time when no period is chosen."""
    if period is None:
        return _("Toàn bộ thời gian")
    return f"{period.start:%d/%m/%Y} – {period.end:%d/%m/%Y}"


def method_table(f: Filters, found: list[Form], method: Method, shown: Period | None = None) -> Table:
    """The method sheet, in Vietnamese; ``shown``: the period to name (a plan's own dates)."""
    period = period_text(shown or f.period)
    rows: list[tuple[str, object]] = []
    for form in found:
        for q in reversed(definitions(form.versions)):
            rows.append((_("Bảng hỏi"), _("%(title)s (phiên bản %(version)s)", title=q.title.vi, version=q.version)))
            rows.append((_("Căn cứ"), q.basis))
    if len(found) > 1:
        rows.append((_("Bảng hỏi khác nhau"), _("Các bảng hỏi có tiêu chí khác nhau được tính riêng; "
                                                 "mỗi dòng chỉ số ghi mã và phiên bản bảng hỏi của nó.")))
    rows += [
        (_("Thời kỳ"), period),
        (_("Tính cả phiếu bị gắn cờ"), _("Có") if f.include_flagged else _("Không")),
        (_("Phiếu bị gắn cờ không tính"), 0 if f.include_flagged else sum(fm.flagged for fm in found)),
        (_("Chỉ số tiêu chí"), index_method(method.index)),
        (_("Chỉ số yếu tố, chỉ số chung"), _("Trung bình các chỉ số tiêu chí / yếu tố")),
        (_("Chỉ số mong muốn"), _("Tỷ lệ trả lời 3–4 (Mong muốn, Rất mong muốn)")),
        (_("Khoảng tin cậy của tỷ lệ"), interval_method(method.interval, method.level)),
        (_("Khoảng tin cậy của chỉ số gộp"), _("Tuyến tính hóa Taylor (có tính tương quan giữa các tiêu chí của cùng một người trả lời), tính qua phép biến đổi lôgit")),
        (_("Mức tin cậy"), percent(method.level)),
        (_("Ngưỡng số phiếu tối thiểu"), method.min_n),
        *setting_rows(method),
        (_("Ngày xuất"), datetime.now(LOCAL).replace(tzinfo=None, microsecond=0)),
    ]
    return Table(_("Phương pháp"), [_("Mục"), _("Nội dung")], rows, widths=(32, 100))


def setting_rows(method: Method) -> list[tuple[str, object]]:
    """Each rule a figure depends on, the value in use and what it means (issue 13).

    The words are survey.results.method_text's, as on the pages and in the report.
    """
    return [
        *((label, f"{code} – {r.text()}") for label, code, r in settings(method)),
        (_("Cỡ mẫu hiệu dụng"), _("Theo thiết kế mẫu: p(1 − p) ÷ phương sai, như svyciprop của R; "
                                  "cờ “ít phiếu” dựa trên cỡ mẫu hiệu dụng, không phải số phiếu thô")),
        (_("Phạm vi chỉ có một câu trả lời"), _("Không có sai số chuẩn, hệ số thiết kế và khoảng "
                                                "tin cậy: ô để trống, cột Ghi chú nêu lý do")),
        (_("Tên chỉ số chung"), _("Chỉ gọi là SIPAS khi đo cả hai nhóm (chính sách và cung ứng "
                                  "dịch vụ); khảo sát tại quầy là SIPAS-DV (cung ứng dịch vụ "
                                  "hành chính công)")),
    ]
