"""Sections V (administrative-reform figures beside satisfaction) and VI (conclusions drafted from the data)."""
from __future__ import annotations

import math

from docx.document import Document

from survey.report import charts
from survey.report.data import ReportData
from survey.report.docx_helpers import for_people, interval, num, picture, table
from survey.report.results_section import names_of
from survey.report.wording import (
    change_sentence,
    index_name,
    index_short,
    low_n_sentence,
    lowest_items,
    lowest_procedure,
    pct,
    reform_sentence,
)

REFORM_HEADERS = ["Mã thủ tục", "Thủ tục", "Số hồ sơ", "Chưa trả (quá hạn)", "Đúng hạn (%)", "Trước hạn (%)",
                  "Trễ hạn (%)", "Trực tuyến toàn trình (%)", "Thanh toán trực tuyến (%)", "Chỉ số hài lòng (%)"]


def _correlation_text(data: ReportData) -> str:
    c = data.late_vs_sipas
    if c.r is None:
        return (f"Có {c.k} thủ tục đủ số liệu; chưa đủ để tính hệ số tương quan giữa tỷ lệ trễ hạn và "
                "mức độ hài lòng (cần ít nhất 3 thủ tục có số liệu khác nhau).")
    text = (f"Hệ số tương quan Pearson giữa tỷ lệ hồ sơ trễ hạn và chỉ số hài lòng của {c.k} thủ tục: "
            f"r = {num(c.r, 2)}")
    if c.low is None:
        return text + ". Với dưới 4 thủ tục không tính được khoảng tin cậy; kết quả chỉ mang tính tham khảo."
    return (text + f" (khoảng tin cậy {pct(data.method.level)} theo biến đổi Fisher: {num(c.low, 2)} đến "
            f"{num(c.high, 2)}). Số thủ tục ít và mỗi chỉ số theo thủ tục có sai số riêng, nên hệ số này "
            "chỉ gợi ý xu hướng, không chứng minh quan hệ nhân quả.")


def _reform(doc: Document, data: ReportData) -> None:
    doc.add_heading("V. KẾT QUẢ CẢI CÁCH HÀNH CHÍNH THEO DANH SÁCH HỒ SƠ", level=1)
    doc.add_paragraph("Tính trên các hồ sơ tiếp nhận trong kỳ. Đúng hạn gồm cả trước hạn; tỷ lệ đúng/trước/trễ "
                      "hạn tính trên hồ sơ đã trả kết quả và có ngày hẹn trả; hồ sơ chưa trả kết quả được đếm riêng "
                      f"(quá hạn: đã qua ngày hẹn trả tính đến ngày {data.on:%d/%m/%Y}); tỷ lệ nộp trực tuyến toàn "
                      "trình và thanh toán trực tuyến tính trên hồ sơ có thông tin.")
    sipas = data.service_sipas()
    rows = [[r.code, r.name, str(r.dossiers), f"{r.pending} ({r.overdue})", num(r.on_time), num(r.early),
             num(r.late), num(r.online_full), num(r.paid_online), num(sipas.get(r.code))] for r in data.reform]
    table(doc, REFORM_HEADERS, rows, numeric=set(range(2, 10)))
    doc.add_paragraph(_correlation_text(data))
    points = [(r.code, r.late, sipas.get(r.code)) for r in data.reform
              if r.late is not None and r.code in sipas]
    if len(points) >= 2:
        codes, late, index = (list(x) for x in zip(*points))
        picture(doc, charts.late_vs_sipas(codes, late, index, index_short(data.q)), 12)


def conclusions(data: ReportData) -> list[str]:
    """The findings the figures support, each a sentence with its uncertainty."""
    overall = data.overall()
    out = []
    if "SIPAS" in overall.index and overall.loc["SIPAS", "estimate"] == overall.loc["SIPAS", "estimate"]:
        top = overall.loc["SIPAS"]
        out.append(f"Kết quả chung: {index_name(data.q)} đạt {num(top.estimate)} % (khoảng tin cậy "
                   f"{pct(data.method.level)}: {interval(top.ci_low, top.ci_high)} %), trên {int(top.n)} phiếu.")
        for c in data.comparisons:
            out.append(change_sentence(c, "chỉ số hài lòng chung", "", "SIPAS", data.method.level))
    else:
        out.append("Chưa có phiếu khảo sát hợp lệ trong kỳ, nên chưa có kết quả để kết luận.")
        return out
    out += lowest_items(data.items_versus_rest, names_of(data), data.method.level)
    summary = data.summary()
    ranked = [r for r in summary if r.code and r.estimate is not None]
    if ranked:
        low = min(ranked, key=lambda r: r.estimate if r.estimate is not None else math.inf)
        sentence = lowest_procedure(summary, data.versus_rest_of(low.code), data.method.level)
        if sentence:
            out.append(sentence)
    out.append(low_n_sentence(summary, data.method.min_n))
    par = reform_sentence(data.reform, data.service_sipas())
    if par:
        out.append(par)
    return out


def write(doc: Document, data: ReportData) -> None:
    _reform(doc, data)
    doc.add_heading("VI. KẾT LUẬN VÀ KIẾN NGHỊ", level=1)
    doc.add_heading("1. Kết luận", level=2)
    for sentence in conclusions(data):
        doc.add_paragraph(sentence)
    doc.add_heading("2. Những tồn tại, hạn chế và nguyên nhân", level=2)
    for_people(doc, "Phần do Phòng Văn hóa – Xã hội viết: nguyên nhân của các mức thấp nêu trên, "
                    "đối chiếu với ý kiến của người dân ở mục III.6")
    doc.add_heading("3. Giải pháp, kiến nghị", level=2)
    for_people(doc, "Phần do Phòng Văn hóa – Xã hội viết: giải pháp và kiến nghị với cấp trên")
