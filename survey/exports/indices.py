"""Index tables for export: the long estimate table and the workbook's sheets."""
from __future__ import annotations

from datetime import datetime

import pandas as pd
from flask_babel import gettext as _

from survey import db
from survey.exports.writer import Table
from survey.results import queries
from survey.results.config import Method, definition
from survey.results.filters import LOCAL, Filters
from survey.results.scopes import scoped_estimates


def scope_labels() -> dict[str, str]:
    return {"overall": _("Toàn bộ"), "field": _("Lĩnh vực"), "service": _("Thủ tục"),
            "service_point": _("Quầy")}


def level_labels() -> dict[str, str]:
    return {"criterion": _("Tiêu chí"), "element": _("Yếu tố"), "group": _("Nhóm"),
            "overall": _("Chỉ số chung (SIPAS)"), "expectation": _("Mong muốn")}


def item_names(f: Filters) -> dict[str, str]:
    """Vietnamese name of every index code of the questionnaire."""
    q = definition(f.questionnaire)
    names = {"SIPAS": _("Chỉ số hài lòng về sự phục vụ hành chính")}
    names.update({g.code: g.title.vi for g in q.groups})
    names.update({e.code: e.title.vi for e in q.elements})
    names.update({c.code: c.text.vi for c in q.criteria})
    names.update({e.code: e.text.vi for e in q.expectations})
    return names


def headers() -> list[str]:
    return [_("Phạm vi"), _("Mã phạm vi"), _("Tên phạm vi"), _("Cấp chỉ số"), _("Mã chỉ số"),
            _("Tên chỉ số"), _("Số phiếu (n)"), _("Chỉ số (%)"), _("Cận dưới (%)"),
            _("Cận trên (%)"), _("Sai số chuẩn (%)"), _("Ít phiếu (n dưới ngưỡng)"),
            _("Phương pháp chỉ số"), _("Khoảng tin cậy"), _("Mức tin cậy"),
            _("Phiên bản bảng hỏi"), _("Ngày xuất")]


def estimate_rows(table: pd.DataFrame, f: Filters, exported: datetime):
    scopes, levels, names = scope_labels(), level_labels(), item_names(f)
    version = f"{f.questionnaire[0]} {f.questionnaire[1]}"
    for r in table.itertuples(index=False):
        yield [scopes[r.scope], r.scope_code or "", r.scope_name or "", levels[r.level], r.code,
               names.get(r.code, ""), int(r.n), r.estimate, r.ci_low, r.ci_high, r.se,
               _("Có") if r.low_n else _("Không"), r.index_method, r.interval, r.conf_level,
               version, exported]


def estimates(f: Filters, method: Method) -> pd.DataFrame:
    """Every scope's estimates (one SQL scan); tables below pick levels from it."""
    return scoped_estimates(db.session(), f, method)


def indices_table(table: pd.DataFrame, f: Filters, title: str, levels=None) -> Table:
    """The `analysis` estimates per scope as one long table (levels: a subset)."""
    if levels is not None:
        table = table[table.level.isin(levels)]
    exported = datetime.now(LOCAL).replace(tzinfo=None, microsecond=0)
    return Table(title, headers(), estimate_rows(table, f, exported))


def shares_table(f: Filters) -> Table:
    rows = [(c.code, c.text, label, count, None if c.total == 0 else pct)
            for c in queries.shares(db.session(), f) for _v, label, count, pct in c.options]
    return Table(_("Nhận thức và kênh"), [_("Mã câu hỏi"), _("Câu hỏi"), _("Lựa chọn"),
                                          _("Số phiếu"), _("Tỷ lệ (%)")], rows)


def method_table(f: Filters, method: Method) -> Table:
    q = definition(f.questionnaire)
    period = (f"{f.period.start.isoformat()} – {f.period.end.isoformat()}" if f.period else _("Toàn bộ"))
    rows = [
        (_("Bảng hỏi"), f"{q.code} {q.version} — {q.title.vi}"),
        (_("Căn cứ"), q.basis),
        (_("Thời kỳ"), period),
        (_("Tính cả phiếu bị gắn cờ"), _("Có") if f.include_flagged else _("Không")),
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
