"""Section III of the report: the main table per procedure, elements, criteria, expectations, perceptions, comments."""
from __future__ import annotations

from docx.document import Document

from survey.report import charts
from survey.report.data import ReportData
from survey.report.docx_helpers import LOW_N_MARK, interval, note, num, picture, table
from survey.report.wording import index_short, pct

INDEX_NUMERIC = {2, 3, 4}


def index_headers(level: float) -> list[str]:
    return ["Mã", "Nội dung", "Số phiếu", "Chỉ số (%)", f"Khoảng tin cậy {pct(level)}"]


def _marked(text: str, low_n: bool) -> str:
    return f"{text} {LOW_N_MARK}" if low_n else text


def _index_rows(rows, names) -> list[list[str]]:
    return [[r.code, _marked(names.get(r.code, r.code), bool(r.low_n)), str(int(r.n)), num(r.estimate),
             interval(r.ci_low, r.ci_high)] for r in rows.itertuples()]


def low_n_note(doc: Document, data: ReportData, any_low: bool) -> None:
    if any_low:
        note(doc, f"{LOW_N_MARK} Dưới {data.method.min_n} phiếu trả lời: ước lượng kém tin cậy, chỉ dùng để tham khảo.")


def _summary(frame):
    """Overall index first, then groups, then elements."""
    part = frame[frame.level.isin(["overall", "group", "element"])]
    return part.sort_values("level", key=lambda s: s.map({"overall": 0, "group": 1, "element": 2}), kind="stable")


def names_of(data: ReportData) -> dict[str, str]:
    q = data.q
    names = {"SIPAS": f"Chỉ số hài lòng chung ({index_short(q)})"}
    names.update({g.code: f"Nhóm: {g.title.vi}" for g in q.groups})
    names.update({e.code: e.title.vi for e in q.elements})
    names.update({c.code: c.text.vi for c in q.criteria})
    names.update({m.code: m.text.vi for m in q.expectations})
    return names


def main_table(doc: Document, data: ReportData) -> None:
    """One row per procedure: n, the index with its interval, the five elements; the pasteable table."""
    elements = [e.code for e in data.q.elements]
    rows = [[r.code, _marked(r.name, r.low_n), str(r.n), num(r.estimate), interval(r.ci_low, r.ci_high),
             *(num(v) for v in r.elements)] for r in data.summary()]
    headers = ["Mã thủ tục", "Thủ tục", "Số phiếu", f"{index_short(data.q)} (%)",
               f"Khoảng tin cậy {pct(data.method.level)}", *elements]
    table(doc, headers, rows, numeric=set(range(2, len(headers))))
    note(doc, "Chỉ số các yếu tố (%): " + "; ".join(f"{e.code} – {e.title.vi}" for e in data.q.elements) + ".")
    low_n_note(doc, data, any(r.low_n for r in data.summary() if r.code))


def write(doc: Document, data: ReportData) -> None:
    names = names_of(data)
    overall = data.estimates[data.estimates.scope == "overall"]
    doc.add_heading("III. KẾT QUẢ ĐO LƯỜNG", level=1)
    for line in data.notes:  # nothing left out without saying so (survey/report/data.py)
        note(doc, line)
    doc.add_heading("1. Kết quả theo từng thủ tục", level=2)
    main_table(doc, data)

    doc.add_heading("2. Chỉ số hài lòng chung và các yếu tố", level=2)
    summary = _summary(overall)
    table(doc, index_headers(data.method.level), _index_rows(summary, names), numeric=INDEX_NUMERIC)
    low_n_note(doc, data, bool(summary.low_n.any()))
    if len(summary) and summary.estimate.notna().all():
        picture(doc, charts.indices_with_intervals(
            [names[c][:45] for c in summary.code], list(summary.estimate), list(summary.ci_low),
            list(summary.ci_high), "Chỉ số chung và các yếu tố (khoảng tin cậy)"))
    doc.add_heading("3. Chỉ số theo tiêu chí", level=2)
    criteria = overall[overall.level == "criterion"]
    table(doc, index_headers(data.method.level), _index_rows(criteria, names), numeric=INDEX_NUMERIC)
    low_n_note(doc, data, bool(criteria.low_n.any()))

    doc.add_heading("4. Mong muốn của người dân", level=2)
    doc.add_paragraph("Tỷ lệ người trả lời “Mong muốn” hoặc “Rất mong muốn” đối với từng nội dung cải thiện.")
    expectations = overall[overall.level == "expectation"]
    table(doc, index_headers(data.method.level), _index_rows(expectations, names), numeric=INDEX_NUMERIC)
    low_n_note(doc, data, bool(expectations.low_n.any()))

    doc.add_heading("5. Nhận xét về công chức và cách thực hiện thủ tục", level=2)
    rows = [[c.code, c.text, label, str(count), num(pct_) if c.total else "–"]
            for c in data.shares for _v, label, count, pct_ in c.options]
    table(doc, ["Mã", "Câu hỏi", "Lựa chọn", "Số phiếu", "Tỷ lệ (%)"], rows, numeric={3, 4})

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
