"""Section IV of the report: the period against the previous one and the same period a year earlier."""
from __future__ import annotations

from docx.document import Document

from survey.report.data import ReportData
from survey.report.docx_helpers import LOW_N_MARK, interval, note, num, table
from survey.report.results_section import low_n_note, names_of
from survey.report.wording import COMPARISON_NAMES, pct, period_text

HEADERS = ["Mã", "Nội dung", "Kỳ này (%)", "Kỳ so sánh (%)", "Chênh lệch (điểm %)", "Khoảng tin cậy",
           "Có ý nghĩa thống kê"]


def _rows(part, names, label_of) -> list[list[str]]:
    out = []
    for r in part.itertuples():
        label = f"{label_of(r)} {LOW_N_MARK}" if r.low_n else label_of(r)
        out.append([r.code, label, num(r.estimate_a), num(r.estimate_b),
                    f"{'+' if r.difference > 0 else ''}{num(r.difference)}", interval(r.ci_low, r.ci_high),
                    "Có" if r.significant else "Không"])
    return out


def write(doc: Document, data: ReportData) -> None:
    names = names_of(data)
    doc.add_heading("IV. SO SÁNH VỚI KỲ TRƯỚC VÀ CÙNG KỲ NĂM TRƯỚC", level=1)
    doc.add_paragraph(
        "Chênh lệch tính bằng điểm phần trăm (kỳ này trừ kỳ so sánh), kèm khoảng tin cậy "
        f"{pct(data.method.level)} của chênh lệch. “Có ý nghĩa thống kê” khi mức ý nghĩa đã hiệu chỉnh cho nhiều "
        f"phép so sánh nhỏ hơn {num((1 - data.method.level) * 100, 0)} %; chênh lệch không có ý nghĩa thống kê có "
        "thể chỉ do dao động của mẫu.")
    for k, c in enumerate(data.comparisons, start=1):
        doc.add_heading(f"{k}. So với {COMPARISON_NAMES[c.kind]} ({period_text(c)})", level=2)
        if c.table.empty:
            doc.add_paragraph(f"Không có phiếu khảo sát trong {COMPARISON_NAMES[c.kind]} để so sánh.")
            continue
        overall = c.table[c.table.scope == "overall"]
        table(doc, HEADERS, _rows(overall, names, lambda r: names.get(r.code, r.code)), numeric={2, 3, 4, 5})
        low_n_note(doc, data, bool(overall.low_n.any()))
        services = c.table[c.table.scope == "service"].sort_values(["scope_code"], kind="stable")
        if len(services):
            doc.add_paragraph("Theo từng thủ tục (mức ý nghĩa hiệu chỉnh Benjamini–Hochberg):")
            rows = []
            for code, part in services.groupby("scope_code", sort=True):
                first = part.scope_name.iloc[0]
                rows += _rows(part, names, lambda r, first=first, code=code: (
                    f"{first} ({code})" if r.code == "SIPAS" else f"– {names.get(r.code, r.code)}"))
            table(doc, HEADERS, rows, numeric={2, 3, 4, 5})
            if services.low_n.any():
                note(doc, f"{LOW_N_MARK} Dưới {data.method.min_n} phiếu ở một trong hai kỳ: ước lượng kém tin cậy.")

