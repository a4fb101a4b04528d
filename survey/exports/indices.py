"""Index tables for export: the long estimate table and the workbook's sheets."""
from __future__ import annotations

from datetime import datetime

import pandas as pd
from flask_babel import gettext as _

from survey import db
from survey.exports.writer import Table
from survey.results import queries
from survey.results.config import Method
from survey.results.filters import LOCAL, Filters
from survey.results.forms import Form, definitions
from survey.results.forms import item_names as item_names_of
from survey.results.scopes import scoped_estimates


def scope_labels() -> dict[str, str]:
    return {"overall": _("Toàn bộ"), "field": _("Lĩnh vực"), "service": _("Thủ tục"),
            "service_point": _("Quầy")}


def level_labels() -> dict[str, str]:
    return {"criterion": _("Tiêu chí"), "element": _("Yếu tố"), "group": _("Nhóm"),
            "overall": _("Chỉ số chung (SIPAS)"), "expectation": _("Mong muốn")}


def item_names(form: Form) -> dict[str, str]:
    """Vietnamese name of every index code of a form (the newest version's wording)."""
    names = item_names_of(form.versions)
    names["SIPAS"] = _("Chỉ số hài lòng về sự phục vụ hành chính")
    return names


def headers() -> list[str]:
    return [_("Phạm vi"), _("Mã phạm vi"), _("Tên phạm vi"), _("Cấp chỉ số"), _("Mã chỉ số"),
            _("Tên chỉ số"), _("Số phiếu (n)"), _("Chỉ số (%)"), _("Cận dưới (%)"),
            _("Cận trên (%)"), _("Sai số chuẩn (%)"), _("Ít phiếu (n dưới ngưỡng)"),
            _("Phương pháp chỉ số"), _("Khoảng tin cậy"), _("Mức tin cậy"),
            _("Mã bảng hỏi"), _("Phiên bản bảng hỏi"), _("Ngày xuất")]


def form_code_version(form: Form) -> tuple[str, str]:
    """The code and version cells of a form's rows: `sipas-dv`, `2024.1, 2025.1`."""
    codes = list(dict.fromkeys(code for code, _v in form.versions))
    if len(codes) == 1:
        return codes[0], ", ".join(v for _c, v in form.versions)
    return ", ".join(codes), ", ".join(f"{c} {v}" for c, v in form.versions)


def estimate_rows(parts: list[tuple[Form, pd.DataFrame]], exported: datetime):
    scopes, levels = scope_labels(), level_labels()
    for form, table in parts:
        names, (code, version) = item_names(form), form_code_version(form)
        for r in table.itertuples(index=False):
            yield [scopes[r.scope], r.scope_code or "", r.scope_name or "", levels[r.level], r.code,
                   names.get(r.code, ""), int(r.n), r.estimate, r.ci_low, r.ci_high, r.se,
                   _("Có") if r.low_n else _("Không"), r.index_method, r.interval, r.conf_level,
                   code, version, exported]


def estimates(f: Filters, found: list[Form], method: Method) -> list[tuple[Form, pd.DataFrame]]:
    """Every scope's estimates of every form (one scan each); tables below pick levels from them."""
    return [(form, scoped_estimates(db.session(), f.narrowed(questionnaires=form.versions), method))
            for form in found]


def indices_table(parts: list[tuple[Form, pd.DataFrame]], title: str, levels=None) -> Table:
    """The `analysis` estimates per form and scope as one long table (levels: a subset)."""
    if levels is not None:
        parts = [(form, table[table.level.isin(levels)]) for form, table in parts]
    exported = datetime.now(LOCAL).replace(tzinfo=None, microsecond=0)
    return Table(title, headers(), estimate_rows(parts, exported))


def shares_table(f: Filters, found: list[Form]) -> Table:
    rows = []
    for form in found:
        code, version = form_code_version(form)
        shares = queries.shares(db.session(), f.narrowed(questionnaires=form.versions))
        rows += [(c.code, c.text, label, count, None if c.total == 0 else pct, code, version)
                 for c in shares for _v, label, count, pct in c.options]
    return Table(_("Nhận thức và kênh"), [_("Mã câu hỏi"), _("Câu hỏi"), _("Lựa chọn"), _("Số phiếu"),
                                          _("Tỷ lệ (%)"), _("Mã bảng hỏi"), _("Phiên bản bảng hỏi")], rows)


def method_table(f: Filters, found: list[Form], method: Method) -> Table:
    period = (f"{f.period.start.isoformat()} – {f.period.end.isoformat()}" if f.period else _("Toàn bộ"))
    rows = []
    for form in found:
        for q in reversed(definitions(form.versions)):
            rows.append((_("Bảng hỏi"), f"{q.code} {q.version} — {q.title.vi}"))
            rows.append((_("Căn cứ"), q.basis))
    if len(found) > 1:
        rows.append((_("Bảng hỏi khác nhau"), _("Các bảng hỏi có tiêu chí khác nhau được tính riêng; "
                                                 "mỗi dòng chỉ số ghi mã và phiên bản bảng hỏi của nó.")))
    rows += [
        (_("Thời kỳ"), period),
        (_("Tính cả phiếu bị gắn cờ"), _("Có") if f.include_flagged else _("Không")),
        (_("Phiếu bị gắn cờ không tính"), 0 if f.include_flagged else sum(fm.flagged for fm in found)),
        (_("Phương pháp chỉ số"), method.index),
        (_("Chỉ số tiêu chí"), _("top2box: tỷ lệ trả lời 4–5 trên số trả lời hợp lệ; mean_pct: (điểm trung bình − 1) ÷ 4 × 100")),
        (_("Chỉ số yếu tố, SIPAS"), _("Trung bình các chỉ số tiêu chí / yếu tố")),
        (_("Chỉ số mong muốn"), _("Tỷ lệ trả lời 3–4 (Mong muốn, Rất mong muốn)")),
        (_("Khoảng tin cậy của tỷ lệ"), method.interval),
        (_("Khoảng tin cậy của chỉ số gộp"), _("Tuyến tính hóa Taylor (có hiệp phương sai giữa các tiêu chí), trên thang logit")),
        (_("Mức tin cậy"), method.level),
        (_("Ngưỡng số phiếu tối thiểu"), method.min_n),
        (_("Ngày xuất"), datetime.now(LOCAL).replace(tzinfo=None, microsecond=0)),
    ]
    return Table(_("Phương pháp"), [_("Mục"), _("Nội dung")], rows)
