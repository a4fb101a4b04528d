"""Sections IV (administrative-reform figures beside satisfaction) and V (left for staff)."""
from __future__ import annotations

from docx.document import Document

from survey.report import charts
from survey.report.data import ReportData
from survey.report.docx_helpers import num, picture, table

REFORM_HEADERS = ["Mã thủ tục", "Thủ tục", "Số hồ sơ", "Chưa trả (quá hạn)", "Đúng hạn (%)", "Trước hạn (%)",
                  "Trễ hạn (%)", "Trực tuyến toàn trình (%)", "Thanh toán trực tuyến (%)", "SIPAS (%)"]


def _correlation_text(data: ReportData) -> str:
    c = data.late_vs_sipas
    if c.r is None:
        return (f"Có {c.k} thủ tục đủ số liệu; chưa đủ để tính hệ số tương quan giữa tỷ lệ trễ hạn và "
                "mức độ hài lòng (cần ít nhất 3 thủ tục có số liệu khác nhau).")
    text = f"Hệ số tương quan Pearson giữa tỷ lệ hồ sơ trễ hạn và SIPAS của {c.k} thủ tục: r = {num(c.r)}"
    if c.low is None:
        return text + ". Với dưới 4 thủ tục không tính được khoảng tin cậy; kết quả chỉ mang tính tham khảo."
    return (text + f" (khoảng tin cậy {num(data.method.level * 100, 0)}% theo biến đổi Fisher: {num(c.low)} đến "
            f"{num(c.high)}). Số thủ tục ít và mỗi SIPAS theo thủ tục có sai số riêng, nên hệ số này "
            "chỉ gợi ý xu hướng, không chứng minh quan hệ nhân quả.")


def write(doc: Document, data: ReportData) -> None:
    doc.add_heading("IV. KẾT QUẢ CẢI CÁCH HÀNH CHÍNH THEO DANH SÁCH HỒ SƠ", level=1)
    doc.add_paragraph("Tính trên các hồ sơ tiếp nhận trong kỳ. Đúng hạn gồm cả trước hạn; tỷ lệ đúng/trước/trễ "
                      "hạn tính trên hồ sơ đã trả kết quả và có ngày hẹn trả; hồ sơ chưa trả kết quả được đếm riêng "
                      f"(quá hạn: đã qua ngày hẹn trả tính đến ngày {data.on:%d/%m/%Y}); tỷ lệ nộp trực tuyến toàn "
                      "trình và thanh toán trực tuyến tính trên hồ sơ có thông tin.")
    sipas = data.service_sipas()
    rows = [[r.code, r.name, str(r.dossiers), f"{r.pending} ({r.overdue})", num(r.on_time), num(r.early),
             num(r.late), num(r.online_full), num(r.paid_online), num(sipas.get(r.code))] for r in data.reform]
    table(doc, REFORM_HEADERS, rows, [1.8, 3.2, 1.2, 1.4, 1.3, 1.3, 1.3, 1.5, 1.5, 1.3])
    doc.add_paragraph(_correlation_text(data))
    points = [(r.code, r.late, sipas.get(r.code)) for r in data.reform
              if r.late is not None and r.code in sipas]
    if len(points) >= 2:
        picture(doc, charts.late_vs_sipas(*(list(x) for x in zip(*points))), 12)

    doc.add_heading("V. KẾT LUẬN VÀ KIẾN NGHỊ", level=1)
    for heading in ("1. Kết luận", "2. Những tồn tại, hạn chế và nguyên nhân", "3. Giải pháp, kiến nghị"):
        doc.add_heading(heading, level=2)
        doc.add_paragraph("[Phòng Văn hóa – Xã hội điền nội dung.]")
