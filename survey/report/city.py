"""The city report DOCX: the commune report's official layout around the comparison of communes."""
from __future__ import annotations

import io
import math
from dataclasses import dataclass

from docx import Document
from flask_babel import force_locale

from survey.models import Unit
from survey.questionnaire.definition import QuestionnaireDefinition
from survey.report import charts, form
from survey.report.docx_helpers import (
    LOW_N_MARK,
    a4_portrait,
    interval,
    note,
    num,
    page_numbers_from_page_two,
    paragraph,
    picture,
    table,
    use_times_everywhere,
)
from survey.report.wording import index_method, index_name, index_short, interval_method, pct, settings_text
from survey.results import city_wording
from survey.results.city import CityView
from survey.results.filters import Filters, Period

SUMMARY = ("Kết quả đo lường sự hài lòng của người dân, tổ chức đối với sự phục vụ của cơ quan hành chính "
           "nhà nước tại các xã, phường, đặc khu")
DIRECTION = {"above": "Cao hơn", "below": "Thấp hơn", "": "Không khác biệt rõ"}


@dataclass(frozen=True)
class Letter:
    """What the official form asks of a plan, for a city (number and signer left to be filled in)."""

    unit: Unit
    report_office: str = ""
    report_number: str = ""
    report_recipients: str = "Các xã, phường, đặc khu;"
    signer_title: str = "Chủ tịch"
    signer_name: str = ""


def _signed(value: float) -> str:
    return "" if math.isnan(value) else f"{'+' if value > 0 else ''}{num(value)}"


def _method(doc, view: CityView, period: Period, q: QuestionnaireDefinition) -> None:
    m = view.method
    doc.add_heading("I. PHẠM VI VÀ PHƯƠNG PHÁP", level=1)
    doc.add_paragraph(
        f"Ủy ban nhân dân {form.in_sentence(view.city.name)} tổng hợp kết quả đo lường sự hài lòng của "
        f"{len(view.rows)} xã, phường, đặc khu trong thời gian từ ngày {period.start:%d/%m/%Y} đến ngày "
        f"{period.end:%d/%m/%Y}, theo phiếu khảo sát “{q.title.vi}” (phiên bản {q.version}); tổng số "
        f"{view.n} phiếu.")
    with force_locale("vi"):
        rule, adjust = city_wording.rule_text(view.rule), city_wording.adjustment_text(view.adjustment, m.level)
    doc.add_paragraph(
        f"Chỉ số của mỗi tiêu chí là {index_method(m.index)}; chỉ số của mỗi yếu tố là trung bình các tiêu chí "
        f"của yếu tố đó; {index_name(q)} là trung bình năm yếu tố. Mỗi tỷ lệ kèm "
        f"{interval_method(m.interval, m.level)}; khoảng tin cậy của chỉ số yếu tố và chỉ số chung tính bằng "
        f"phương pháp tuyến tính hóa Taylor. Chỉ số dựa trên dưới {m.min_n} phiếu được đánh dấu {LOW_N_MARK}.")
    doc.add_paragraph(rule)
    doc.add_paragraph(adjust)
    with force_locale("vi"):  # the communes' own figures: the same rules as a commune's report
        for text in settings_text(m):
            doc.add_paragraph(text)


def _results(doc, view: CityView, q: QuestionnaireDefinition) -> None:
    short = index_short(q)
    city = view.city_figures["SIPAS"]
    doc.add_heading("II. KẾT QUẢ CỦA THÀNH PHỐ", level=1)
    doc.add_paragraph(f"{index_name(q)[:1].upper()}{index_name(q)[1:]} của {form.in_sentence(view.city.name)}: {num(city.estimate)} % "
                      f"(khoảng tin cậy {pct(view.method.level)}: {interval(city.ci_low, city.ci_high)}).")
    rows = [[e, num(view.city_figures[e].estimate), interval(view.city_figures[e].ci_low, view.city_figures[e].ci_high)]
            for e in view.elements]
    table(doc, ["Yếu tố", "Chỉ số (%)", f"Khoảng tin cậy {pct(view.method.level)}"], rows, numeric={1, 2})
    note(doc, "Các yếu tố: " + "; ".join(f"{e.code} – {e.title.vi}" for e in q.elements) + ".")
    doc.add_heading("III. KẾT QUẢ TỪNG XÃ, PHƯỜNG, ĐẶC KHU", level=1)
    headers = ["Đơn vị", "Số phiếu", f"{short} (%)", "Khoảng tin cậy", "Hiệu so với TP (điểm %)",
               "So với thành phố", *view.elements]
    body = []
    for r in view.rows:
        x = r.sipas
        label = f"{r.name} {LOW_N_MARK}" if x.low_n and x.n else r.name
        body.append([label, str(x.n), num(x.estimate), interval(x.ci_low, x.ci_high), _signed(r.difference),
                     DIRECTION[r.direction] if x.n else "–", *(num(r.figures[e].estimate) for e in view.elements)])
    table(doc, headers, body, numeric=set(range(1, len(headers))) - {5}, size=9)
    note(doc, f"{LOW_N_MARK} Dưới {view.method.min_n} phiếu: ước lượng kém tin cậy, chỉ dùng để tham khảo.")
    above = [r.name for r in view.rows if r.direction == "above"]
    below = [r.name for r in view.rows if r.direction == "below"]
    doc.add_paragraph(f"Cao hơn thành phố có ý nghĩa thống kê: {', '.join(above) if above else 'không có đơn vị nào'}.")
    doc.add_paragraph(f"Thấp hơn thành phố có ý nghĩa thống kê: {', '.join(below) if below else 'không có đơn vị nào'}.")
    shown = [r for r in view.rows if not math.isnan(r.sipas.estimate)]
    if shown:
        picture(doc, charts.dots_against(
            [r.name[:40] for r in shown], [r.sipas.estimate for r in shown], [r.sipas.ci_low for r in shown],
            [r.sipas.ci_high for r in shown], [r.direction for r in shown],
            (city.estimate, city.ci_low, city.ci_high),
            f"{short} từng đơn vị và của thành phố (nét đứt; dải xám: khoảng tin cậy)"))


def city_report(view: CityView, f: Filters, q: QuestionnaireDefinition) -> bytes:
    """Return the city report as DOCX bytes (`f` has a period: pages always set one)."""
    if f.period is None:
        raise ValueError("a city report needs a period")
    letter = Letter(view.city)
    doc = Document()
    use_times_everywhere(doc)
    section = doc.sections[0]
    a4_portrait(section)
    page_numbers_from_page_two(section)
    form.header(doc, letter, f.period.end.year, SUMMARY, to="Bộ Nội vụ")  # type: ignore[arg-type]
    _method(doc, view, f.period, q)
    _results(doc, view, q)
    form.signature(doc, letter)  # type: ignore[arg-type]
    paragraph(doc, "")
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()
