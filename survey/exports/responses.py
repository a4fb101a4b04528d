"""The raw-responses table (one row per response) and its data dictionary."""
from __future__ import annotations

from flask_babel import gettext as _

from survey import db
from survey.exports.writer import Table
from survey.results import sql
from survey.results.filters import Filters
from survey.results.forms import Form, definitions


def all_versions(found: list[Form]) -> tuple[tuple[str, str], ...]:
    return tuple(v for form in found for v in form.versions)


def union_codes(found: list[Form]) -> tuple[str, ...]:
    """Every item any version asks, the first form's order first: one column each."""
    codes: dict[str, None] = {}
    for form in found:
        for q in definitions(form.versions):
            codes.update(dict.fromkeys(q.item_codes()))
    return tuple(codes)


def _meta_headers() -> list[tuple[str, str]]:
    """(header, meaning) of the columns before the item codes."""
    return [
        (_("Mã phiếu"), _("Số thứ tự của phiếu trong hệ thống")),
        (_("Thời điểm gửi"), _("Ngày giờ gửi phiếu, giờ Việt Nam (UTC+7)")),
        (_("Mã bảng hỏi"), _("Mã bảng hỏi của phiếu")),
        (_("Phiên bản bảng hỏi"), _("Phiên bản bảng hỏi của phiếu")),
        (_("Mã đơn vị"), _("Mã đơn vị hành chính")),
        (_("Đơn vị"), _("Tên đơn vị hành chính")),
        (_("Lĩnh vực"), _("Lĩnh vực của thủ tục")),
        (_("Mã thủ tục"), _("Mã thủ tục hành chính quốc gia")),
        (_("Thủ tục"), _("Tên thủ tục hành chính")),
        (_("Quầy"), _("Quầy/điểm phục vụ nơi quét mã QR (trống nếu không rõ)")),
        (_("Cách gửi phiếu"), _("qr: mã QR tại quầy; kiosk: máy tính bảng tại quầy; paper: phiếu giấy nhập lại; invitation: mã mời")),
        (_("Bị gắn cờ"), _("Phiếu nghi vấn (không bị xóa; mặc định không tính vào chỉ số)")),
        (_("Lý do gắn cờ"), _("Lý do phiếu bị gắn cờ")),
    ]


def _tail_headers() -> list[tuple[str, str]]:
    return [(_("Góp ý"), _("Ý kiến góp ý tự do của người dân")),
            (_("Yếu tố của góp ý"), _("Mã yếu tố do chuyên viên gắn cho góp ý"))]


def responses_table(f: Filters, found: list[Form]) -> Table:
    """One row per response of every form in `found`, item codes as columns, streamed from the database.

    Raw data keeps flagged responses (marked in their own column) whatever
    the index filters say: an analyst reviewing flags needs to see them.
    An item a response's questionnaire does not ask is left empty.
    """
    f = f.narrowed(include_flagged=True, questionnaires=all_versions(found))
    codes = union_codes(found)
    headers = [h for h, _m in _meta_headers()] + list(codes) + [h for h, _m in _tail_headers()]

    yes, no = _("Có"), _("Không")  # translated once, not per row
    flag = [h for h, _m in _meta_headers()].index(_("Bị gắn cờ"))

    def rows():
        for row in sql.response_rows(db.session(), f, codes):  # local time, no zone: spreadsheets have none
            row[flag] = yes if row[flag] else no
            yield row
    meta = len(_meta_headers())
    # Names, codes, the channel, the flag reason, the comment and its element
    # can hold text typed by someone; the item columns hold numbers only.
    text = (*range(2, flag), flag + 1, meta + len(codes), meta + len(codes) + 1)
    return Table(_("Phiếu khảo sát"), headers, rows(), text_columns=text)


def dictionary_table(found: list[Form]) -> Table:
    """What every column of the responses table means, with its coded values."""
    asked: dict[str, list[str]] = {}
    meaning: dict[str, tuple[str, str]] = {}
    every = [q for form in found for q in definitions(form.versions)]
    for q in every:  # newest version of each form first: its wording is kept
        sat = "; ".join(f"{o.value} = {o.label.vi}" for o in q.satisfaction_scale)
        exp = "; ".join(f"{o.value} = {o.label.vi}" for o in q.expectation_scale)
        items = [(c.code, f"{e.title.vi}: {c.text.vi}", sat) for e in q.elements for c in e.criteria]
        items += [(e.code, f"{q.expectation_prompt.vi} {e.text.vi}", exp) for e in q.expectations]
        items += [(c.code, c.text.vi, "; ".join(f"{o.value} = {o.label.vi}" for o in c.options))
                  for c in q.choices]
        for code, text, values in items:
            meaning.setdefault(code, (text, values))
            asked.setdefault(code, []).append(f"{q.code} {q.version}")
    rows = [(h, m, "") for h, m in _meta_headers()]
    for code in union_codes(found):
        text, values = meaning[code]
        if len(asked[code]) < len(every):
            text += " " + _("(chỉ có trong: %(forms)s)", forms=", ".join(sorted(asked[code])))
        rows.append((code, text, values))
    rows += [(h, m, "") for h, m in _tail_headers()]
    for q in every:
        rows.append(("", _("Bảng hỏi: %(code)s phiên bản %(version)s (%(basis)s)",
                           code=q.code, version=q.version, basis=q.basis), ""))
    return Table(_("Từ điển dữ liệu"), [_("Cột"), _("Ý nghĩa"), _("Giá trị")], rows, widths=(12, 50, 60))
