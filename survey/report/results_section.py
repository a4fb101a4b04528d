"""Section III of the report: SIPAS, elements, criteria, services, expectations, perceptions, comments."""
from __future__ import annotations

from docx.document import Document

from survey.report import charts
from survey.report.data import ReportData
from survey.report.docx_helpers import interval, num, picture, table

INDEX_HEADERS = ["Mã", "Chỉ số", "Số phiếu", "Chỉ số (%)", "Khoảng tin cậy (%)"]


def _index_rows(rows, names) -> list[list[str]]:
    return [[r.code, names.get(r.code, r.code), str(int(r.n)), num(r.estimate), interval(r.ci_low, r.ci_high)]
            for r in rows.itertuples()]


def _summary(frame):
    """Overall index first, then groups, then elements."""
    part = frame[frame.level.isin(["overall", "group", "element"])]
    return part.sort_values("level", key=lambda s: s.map({"overall": 0, "group": 1, "element": 2}), kind="stable")


def names_of(data: ReportData) -> dict[str, str]:
    q = data.q
    names = {"SIPAS": "Chỉ số hài lòng chung (SIPAS)"}
    names.update({g.code: f"Nhóm: {g.title.vi}" for g in q.groups})
    names.update({e.code: e.title.vi for e in q.elements})
    names.update({c.code: c.text.vi for c in q.criteria})
    names.update({m.code: m.text.vi for m in q.expectations})
    return names


def write(doc: Document, data: ReportData) -> None:
    names = names_of(data)
    overall = data.estimates[data.estimates.scope == "overall"]
    doc.add_heading("III. KẾT QUẢ ĐO LƯỜNG", level=1)
    doc.add_heading("1. Chỉ số hài lòng chung và các yếu tố", level=2)
    summary = _summary(overall)
    table(doc, INDEX_HEADERS, _index_rows(summary, names), [1.6, 7.5, 1.8, 2, 3.4])
    if len(summary) and summary.estimate.notna().all():
        picture(doc, charts.indices_with_intervals(
            [names[c][:45] for c in summary.code], list(summary.estimate), list(summary.ci_low),
            list(summary.ci_high), "SIPAS và các yếu tố (khoảng tin cậy)"))
    doc.add_heading("2. Chỉ số theo tiêu chí", level=2)
    table(doc, INDEX_HEADERS, _index_rows(overall[overall.level == "criterion"], names), [1.6, 7.5, 1.8, 2, 3.4])

    doc.add_heading("3. Kết quả theo từng thủ tục", level=2)
    services = data.service_rows()
    for code, part in services.groupby("scope_code", sort=True):
        doc.add_paragraph(f"Thủ tục {code} – {part.scope_name.iloc[0]}").runs[0].bold = True
        table(doc, INDEX_HEADERS, _index_rows(_summary(part), names), [1.6, 7.5, 1.8, 2, 3.4])

    doc.add_heading("4. Mong muốn của người dân", level=2)
    doc.add_paragraph("Tỷ lệ người trả lời “Mong muốn” hoặc “Rất mong muốn” đối với từng nội dung cải thiện.")
    table(doc, INDEX_HEADERS, _index_rows(overall[overall.level == "expectation"], names), [1.6, 7.5, 1.8, 2, 3.4])

    doc.add_heading("5. Nhận xét về công chức và cách thực hiện thủ tục", level=2)
    rows = [[c.code, c.text, label, str(count), num(pct) if c.total else "–"]
            for c in data.shares for _v, label, count, pct in c.options]
    table(doc, ["Mã", "Câu hỏi", "Lựa chọn", "Số phiếu", "Tỷ lệ (%)"], rows, [1.4, 7, 4, 1.8, 2])

    doc.add_heading("6. Tổng hợp ý kiến theo yếu tố", level=2)
    if not data.comments:
        doc.add_paragraph("Không có ý kiến khác trong kỳ.")
    for element in [e.code for e in data.q.elements] + [None]:
        if element not in data.comments:
            continue
        count, examples = data.comments[element]
        title = names.get(element, "Chưa phân loại theo yếu tố") if element else "Chưa phân loại theo yếu tố"
        doc.add_paragraph(f"{title}: {count} ý kiến. Ví dụ:")
        for text in examples:
            doc.add_paragraph(f"“{text[:300]}”", style="List Bullet")
