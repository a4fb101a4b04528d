"""Build the report DOCX: the administrative form around sections I–V."""
from __future__ import annotations

import io

from docx import Document
from flask_babel import force_locale

from survey.report import comparison_section, form, reform_section, results_section
from survey.report.data import ReportData
from survey.report.docx_helpers import (
    a4_portrait,
    num,
    page_numbers_from_page_two,
    paragraph,
    table,
    use_times_everywhere,
)
from survey.report.wording import CHANNELS, SIZING, index_method, index_name, interval_method, pct, settings_text

SUMMARY = "Kết quả đo lường sự hài lòng của người dân, tổ chức đối với sự phục vụ của cơ quan hành chính nhà nước"


def _basis(doc, data: ReportData) -> None:
    plan, q = data.plan, data.q
    doc.add_heading("I. CĂN CỨ VÀ KẾ HOẠCH", level=1)
    doc.add_paragraph(f"Căn cứ {q.basis}" + (f"; {plan.basis}" if plan.basis else "") + ".")
    doc.add_paragraph(f"Thực hiện {plan.title}, Ủy ban nhân dân {form.in_sentence(plan.unit.name)} báo cáo kết quả đo lường sự hài "
                      f"lòng trong thời gian từ ngày {plan.start_date:%d/%m/%Y} đến ngày {plan.end_date:%d/%m/%Y}, "
                      f"theo phiếu khảo sát “{q.title.vi}” (phiên bản {q.version}), như sau:")


def _method(doc, data: ReportData) -> None:
    plan, m = data.plan, data.method
    doc.add_heading("II. PHƯƠNG PHÁP VÀ MẪU KHẢO SÁT", level=1)
    doc.add_paragraph(
        f"Cỡ mẫu mỗi thủ tục tính theo {SIZING[plan.sizing_method]}, sai số mục tiêu {num(plan.target_margin * 100)} %, "
        f"độ tin cậy {pct(plan.conf_level)}"
        + (", phân bổ theo tỷ lệ số hồ sơ" if plan.allocation == "proportional" else ", tính riêng cho từng thủ tục")
        + ". Hồ sơ được chọn ngẫu nhiên từ danh sách hồ sơ của Bộ phận Một cửa"
        + (f" (số khởi tạo ngẫu nhiên {plan.seed}, để chọn lại được đúng mẫu này)." if plan.seed is not None else "."))
    doc.add_paragraph(
        f"Chỉ số của mỗi tiêu chí là {index_method(m.index)}; chỉ số của mỗi yếu tố là trung bình các tiêu chí "
        f"của yếu tố đó; {index_name(data.q)} là trung bình năm yếu tố"
        + ("; chỉ số chung là trung bình chỉ số hai nhóm" if len(data.q.groups) > 1 else "")
        + f". Mỗi tỷ lệ kèm {interval_method(m.interval, m.level)}; khoảng tin cậy của chỉ số yếu tố và chỉ số chung "
        "tính bằng phương pháp tuyến tính hóa Taylor, có tính đến tương quan giữa các tiêu chí của cùng một "
        f"người trả lời. Chỉ số dựa trên dưới {m.min_n} phiếu được đánh dấu {LOW_N} và cần đọc thận trọng. "
        "So sánh giữa hai kỳ dùng khoảng tin cậy Newcombe cho hiệu hai tỷ lệ; mức ý nghĩa được hiệu chỉnh cho "
        "nhiều phép so sánh (Holm cho chỉ số chung và các yếu tố; Benjamini–Hochberg khi so sánh nhiều thủ tục).")
    doc.add_paragraph(
        "Để kết luận yếu tố hay tiêu chí thấp nhất có thực sự thấp hơn các nội dung khác, mỗi yếu tố (tiêu chí) "
        "được so sánh với trung bình các yếu tố (tiêu chí) còn lại bằng kiểm định Wald, với sai số chuẩn theo "
        "thiết kế mẫu có tính đến tương quan giữa các câu trả lời của cùng một người; vì nội dung thấp nhất được "
        "chọn ra từ chính số liệu, mức ý nghĩa được hiệu chỉnh Holm cho mọi nội dung cùng cấp. Không kết luận "
        "chỉ bằng cách xem hai khoảng tin cậy có chồng lên nhau hay không.")
    overall = data.estimates[data.estimates.scope == "overall"]
    for text in settings_text(m, int(overall.lonely_strata.max()) if len(overall) else 0):
        doc.add_paragraph(text)
    rows = [[p.code, p.name, str(p.frame_size), str(p.target), str(p.responses), num(p.done),
             f"{p.invitations_used}/{p.invitations}", num(p.response_rate)] for p in data.progress]
    table(doc, ["Mã thủ tục", "Thủ tục", "Số hồ sơ (N)", "Cỡ mẫu", "Số phiếu thu", "Đạt (%)",
                "Mã mời dùng/phát", "Tỷ lệ phản hồi (%)"], rows, numeric={2, 3, 4, 5, 6, 7})
    doc.add_paragraph("Số phiếu theo hình thức: " + "; ".join(
        f"{CHANNELS.get(c, 'Khác')}: {n}" for c, n in sorted(data.channels.items())) + ".")


LOW_N = "(*)"


def build(data: ReportData) -> bytes:
    """Return the report as DOCX bytes (a Vietnamese document whatever the reader's language)."""
    with force_locale("vi"):
        return _build(data)


def _build(data: ReportData) -> bytes:
    doc = Document()
    use_times_everywhere(doc)
    section = doc.sections[0]
    a4_portrait(section)
    page_numbers_from_page_two(section)
    form.header(doc, data.plan, data.on.year, SUMMARY)
    _basis(doc, data)
    _method(doc, data)
    results_section.write(doc, data)
    comparison_section.write(doc, data)
    reform_section.write(doc, data)
    form.signature(doc, data.plan)
    paragraph(doc, "")
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()
