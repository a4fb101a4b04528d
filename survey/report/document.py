"""Build the report DOCX: basis and plan, method and sample, then sections III–V."""
from __future__ import annotations

import io

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt

from survey.report import reform_section, results_section
from survey.report.data import ReportData
from survey.report.docx_helpers import num, table

SIZING = {"yamane": "công thức Yamane n = N ÷ (1 + N·e²)",
          "cochran": "công thức Cochran có hiệu chỉnh tổng thể hữu hạn",
          "wilson": "cỡ mẫu để khoảng tin cậy Wilson đạt sai số mục tiêu"}
CHANNELS = {"qr": "Mã QR tại quầy", "kiosk": "Máy tính bảng tại quầy", "paper": "Phiếu giấy",
            "invitation": "Phiếu mời (mã dùng một lần)"}


def _header(doc, data: ReportData) -> None:
    p = doc.add_paragraph()
    p.add_run(f"UBND {data.plan.unit.name.upper()}\n").bold = True
    p.add_run("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập – Tự do – Hạnh phúc").bold = True
    title = doc.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = title.add_run("BÁO CÁO\nKết quả đo lường sự hài lòng của người dân, tổ chức đối với sự phục vụ "
                        f"của cơ quan hành chính nhà nước – {data.plan.title}")
    run.bold, run.font.size = True, Pt(14)


def _basis(doc, data: ReportData) -> None:
    plan, q = data.plan, data.q
    doc.add_heading("I. CĂN CỨ VÀ KẾ HOẠCH", level=1)
    doc.add_paragraph(f"Căn cứ {q.basis}" + (f"; {plan.basis}" if plan.basis else "") + ".")
    doc.add_paragraph(f"Kế hoạch: {plan.title}. Thời gian khảo sát: từ {plan.start_date:%d/%m/%Y} "
                      f"đến {plan.end_date:%d/%m/%Y}. Phiếu khảo sát: {q.title.vi} (phiên bản {q.code} {q.version}).")


def _method(doc, data: ReportData) -> None:
    plan, m = data.plan, data.method
    doc.add_heading("II. PHƯƠNG PHÁP VÀ MẪU KHẢO SÁT", level=1)
    doc.add_paragraph(
        f"Cỡ mẫu mỗi thủ tục tính theo {SIZING[plan.sizing_method]}, sai số mục tiêu e = {num(plan.target_margin * 100, 1)}%, "
        f"độ tin cậy {num(plan.conf_level * 100, 0)}%"
        + (", phân bổ theo tỷ lệ số hồ sơ" if plan.allocation == "proportional" else ", tính riêng cho từng thủ tục")
        + f". Mẫu hồ sơ được chọn ngẫu nhiên từ danh sách hồ sơ của Bộ phận Một cửa (hạt giống ngẫu nhiên {plan.seed}).")
    doc.add_paragraph(
        "Chỉ số tiêu chí = số người trả lời Hài lòng hoặc Rất hài lòng ÷ số trả lời hợp lệ (phương pháp "
        f"{m.index}); chỉ số yếu tố là trung bình các tiêu chí; SIPAS là trung bình các yếu tố"
        + ("; SIPAS chung là trung bình chỉ số hai nhóm" if len(data.q.groups) > 1 else "")
        + f". Khoảng tin cậy {num(m.level * 100, 0)}%: phương pháp {m.interval} cho tỷ lệ; tuyến tính hóa Taylor "
        "(có tính hiệp phương sai giữa các tiêu chí) cho chỉ số gộp. Chỉ số dựa trên dưới "
        f"{m.min_n} phiếu cần đọc thận trọng.")
    rows = [[p.code, p.name, str(p.frame_size), str(p.target), str(p.responses), num(p.done, 1),
             f"{p.invitations_used}/{p.invitations}", num(p.response_rate, 1)] for p in data.progress]
    table(doc, ["Mã thủ tục", "Thủ tục", "Số hồ sơ (N)", "Cỡ mẫu", "Số phiếu thu", "Đạt (%)",
                "Mã mời dùng/phát", "Tỷ lệ phản hồi (%)"], rows, [1.8, 4.2, 1.6, 1.4, 1.5, 1.3, 1.8, 1.6])
    doc.add_paragraph("Số phiếu theo hình thức: " + "; ".join(
        f"{CHANNELS.get(c, c)}: {n}" for c, n in sorted(data.channels.items())) + ".")


def build(data: ReportData) -> bytes:
    """Return the report as DOCX bytes."""
    doc = Document()
    doc.styles["Normal"].font.name = "Times New Roman"
    doc.styles["Normal"].font.size = Pt(12)
    _header(doc, data)
    _basis(doc, data)
    _method(doc, data)
    results_section.write(doc, data)
    reform_section.write(doc, data)
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()
