"""The report as a Nghị định 30/2020 administrative document, read back with python-docx."""
from __future__ import annotations

import io
import math
import re
from datetime import date

from docx import Document
from docx.oxml.ns import qn
from docx.shared import Mm
from scipy.stats import norm

from survey import db
from survey.models import Plan
from survey.plans.operations import ReportSettings
from survey.report.data import gather
from survey.report.document import build
from survey.results.method_text import p_text
from tests.report.helpers import plan_with, respond
from tests.staff.conftest import csrf_from, login, staff  # noqa: F401  (fixture)

TNR = "Times New Roman"
A, B, FEW = "1.001193", "1.000894", "2.000815"
# Code names and English words that must not reach an administrative document.
BANNED = re.compile(r"top2box|mean_pct|\bwilson\b|\bexact\b|jeffreys|newcombe|\bholm\b|logit|lineari[sz]ation|"
                    r"per_service|proportional|\byamane\b|\bkiosk\b|\bqr\b|\bpaper\b|invitation|\bseed\b|"
                    r"\bindex\b|\binterval\b|\bservice\b|\bsample\b|\bplan\b|\bthe\b|n_eff|\bNaN\b|\bnan\b|None")


def _report(app, plan_id: int, on=date(2026, 1, 15)):
    with app.app_context():
        s = db.session()
        return Document(io.BytesIO(build(gather(s, s.get(Plan, plan_id), on))))


def _all_text(doc) -> str:
    parts = [p.text for p in doc.paragraphs]
    parts += [c.text for t in doc.tables for row in t.rows for c in row.cells]
    return "\n".join(parts)


def _lines(cell) -> list[str]:
    return [p.text for p in cell.paragraphs]


def _runs(cell, text: str):
    return next(p.runs[0] for p in cell.paragraphs if p.text == text)


def _signed_plan(app, demo) -> int:
    settings = ReportSettings(number="12", office="Phòng Văn hóa – Xã hội", signer_title="Phó Chủ tịch",
                              signer_name="Nguyễn Văn An", recipients="Chủ tịch UBND xã\n- Văn phòng HĐND và UBND xã;")
    plan_id = plan_with(app, demo, "Kế hoạch đo lường năm 2025", date(2025, 7, 1), date(2025, 12, 31),
                        [A, B, FEW], settings)
    respond(app, demo, A, date(2025, 9, 10), 60, 20)
    respond(app, demo, B, date(2025, 9, 11), 80, 0)
    respond(app, demo, FEW, date(2025, 9, 12), 9, 3)
    return plan_id


def test_page_fonts_and_page_numbers_follow_decree_30(app, demo):
    doc = _report(app, _signed_plan(app, demo))
    section = doc.sections[0]
    assert abs(section.page_width - Mm(210)) < Mm(0.5) and abs(section.page_height - Mm(297)) < Mm(0.5)
    def within(value, low, high):  # DOCX stores twentieths of a point: allow their rounding
        return Mm(low - 0.05) <= value <= Mm(high + 0.05)
    assert within(section.top_margin, 20, 25) and within(section.bottom_margin, 20, 25)
    assert within(section.left_margin, 30, 35) and within(section.right_margin, 15, 20)
    # Page numbers from page 2, top centre: a PAGE field in the header, none on the first page.
    assert section.different_first_page_header_footer
    header_xml = section.header._element.xml
    assert "PAGE" in "".join(t.text for t in section.header._element.iter(qn("w:instrText")))
    assert section.header.paragraphs[0].alignment == 1  # centre
    assert "PAGE" not in section.first_page_header._element.xml and "fldChar" in header_xml
    # Times New Roman for every script in the defaults and every style, no theme font left to override it.
    defaults = doc.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    assert defaults.find(qn("w:rFonts")).get(qn("w:ascii")) == TNR
    used = {p.style.name for p in doc.paragraphs} | {"Normal", "Heading 1", "Heading 2", "Table Grid"}
    for name in used:
        fonts = doc.styles[name].element.find(qn("w:rPr")).find(qn("w:rFonts"))
        assert {fonts.get(qn(f"w:{a}")) for a in ("ascii", "hAnsi", "eastAsia", "cs")} == {TNR}, name
        assert not any(k.endswith("Theme") for k in fonts.attrib), name
    runs = [r for p in doc.paragraphs for r in p.runs]
    runs += [r for t in doc.tables for row in t.rows for c in row.cells for p in c.paragraphs for r in p.runs]
    assert runs and all(r.font.name in (None, TNR) for r in runs)


def test_header_blocks_title_addressee_and_signature(app, demo):
    doc = _report(app, _signed_plan(app, demo))
    left, right = doc.tables[0].rows[0].cells
    assert _lines(left) == ["UBND XÃ AN LÃO", "PHÒNG VĂN HÓA – XÃ HỘI", "", "Số: 12/BC-UBND"]
    assert _runs(left, "UBND XÃ AN LÃO").bold
    assert _lines(right) == ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "",
                             "An Lão, ngày … tháng … năm 2026"]
    assert _runs(right, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM").bold
    motto = _runs(right, "Độc lập - Tự do - Hạnh phúc")
    assert motto.bold and motto.underline
    assert _runs(right, "An Lão, ngày … tháng … năm 2026").italic
    texts = [p.text for p in doc.paragraphs if p.text.strip()]
    k = texts.index("BÁO CÁO")
    assert texts[k + 1].startswith("Kết quả đo lường sự hài lòng")
    assert texts[k + 2] == "Kính gửi: Sở Nội vụ thành phố Hải Phòng."
    title = next(p for p in doc.paragraphs if p.text == "BÁO CÁO")
    assert title.runs[0].bold and title.alignment == 1
    # The last table: recipients on the left, the deputy signing for the chair on the right.
    recipients, signer = doc.tables[-1].rows[0].cells
    assert _lines(recipients) == ["Nơi nhận:", "- Như trên;", "- Chủ tịch UBND xã;",
                                  "- Văn phòng HĐND và UBND xã;", "- Lưu: VT, VH-XH."]
    assert _runs(recipients, "Nơi nhận:").bold and _runs(recipients, "Nơi nhận:").italic
    lines = [t for t in _lines(signer)]
    assert lines[:3] == ["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"]
    assert lines[-1] == "Nguyễn Văn An" and lines[3:-1] == [""] * 4  # room to sign and seal


def test_unset_settings_are_left_blank_never_made_up(app, demo):
    plan_id = plan_with(app, demo, "Kế hoạch", date(2025, 7, 1), date(2025, 12, 31), [A])
    respond(app, demo, A, date(2025, 9, 10), 5, 1)
    doc = _report(app, plan_id)
    left, _right = doc.tables[0].rows[0].cells
    assert _lines(left) == ["UBND XÃ AN LÃO", "", "Số: …/BC-UBND"]
    recipients, signer = doc.tables[-1].rows[0].cells
    assert _lines(recipients) == ["Nơi nhận:", "- Như trên;", "- Lưu: VT, VH-XH."]
    assert _lines(signer)[:2] == ["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"] and "KT. CHỦ TỊCH" not in _lines(signer)
    assert _lines(signer)[-1] == "[Họ và tên người ký]"


def test_tables_one_decimal_comma_intervals_repeated_headers_low_n_footnote(app, demo):
    doc = _report(app, _signed_plan(app, demo))
    grids = [t for t in doc.tables if t.style.name == "Table Grid"]
    assert grids
    for t in grids:  # the header row repeats on each page; rows never split across pages
        assert t.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
    main = next(t for t in grids if t.rows[0].cells[0].text == "Mã thủ tục" and t.rows[0].cells[3].text == "SIPAS-DV (%)")
    head = [c.text for c in main.rows[0].cells]
    assert head == ["Mã thủ tục", "Thủ tục", "Số phiếu", "SIPAS-DV (%)", "Khoảng tin cậy 95 %",
                    "TC", "TT", "CC", "KQ", "PA"]
    rows = {r.cells[0].text: [c.text for c in r.cells] for r in main.rows[1:]}
    assert rows[A][2:4] == ["80", "75,0"] and rows[B][3] == "100,0"
    assert rows[""][1] == "Chung các thủ tục" and rows[""][2] == "172" and rows[""][3] == num(149 / 172 * 100)
    for row in rows.values():
        assert re.fullmatch(r"\d+,\d – \d+,\d", row[4]), row
        assert all(re.fullmatch(r"\d+,\d", v) for v in [row[3], *row[5:]]), row
    # The procedure with 12 responses is marked and the mark explained under the table.
    assert rows[FEW][1].endswith("(*)") and not rows[A][1].endswith("(*)")
    body = list(doc.element.body.iterchildren())
    after = body[body.index(main._tbl) + 1:body.index(main._tbl) + 4]
    notes = ["".join(t.text or "" for t in el.iter(qn("w:t"))) for el in after]
    assert any(n.startswith("(*) Dưới 30 phiếu") for n in notes), notes
    # Codes are never split: each column is at least as wide as its longest code prints.
    from survey.report.docx_helpers import CELL_PAD_CM, text_cm
    width = int(main._tbl.tblGrid.findall(qn("w:gridCol"))[0].get(qn("w:w"))) / 567
    assert width >= text_cm("1.001193") + CELL_PAD_CM - 0.01


def num(x: float) -> str:
    return f"{x:.1f}".replace(".", ",")


def test_text_is_vietnamese_without_code_names(app, demo):
    text = _all_text(_report(app, _signed_plan(app, demo)))
    assert not BANNED.findall(text), set(BANNED.findall(text))
    assert "tỷ lệ hài lòng (mức 4–5)" in text and "khoảng tin cậy Wilson 95 %" in text
    # What only people can write is marked for them.
    assert "[Phần do Phòng Văn hóa – Xã hội viết:" in text


def _se(p: float, n: int) -> float:
    """Linearised standard error of an index when every respondent answers all criteria alike: p(1-p)/(n-1)."""
    return math.sqrt(p * (1 - p) / (n - 1))


def test_conclusions_are_drafted_from_the_data(app, demo):
    plan_id = _signed_plan(app, demo)
    previous = plan_with(app, demo, "Kế hoạch 6 tháng đầu năm 2025", date(2025, 1, 1), date(2025, 6, 30), [A])
    respond(app, demo, A, date(2025, 4, 10), 40, 40)
    assert previous != plan_id
    doc = _report(app, plan_id)
    text = "\n".join(p.text for p in doc.paragraphs)
    z = norm.ppf(0.975)
    # Overall now: (60 + 80 + 9) of 172 satisfied; before: 40 of 80. Difference of two independent
    # linearised estimates, d ± z·sqrt(se_a² + se_b²) (analysis.compare, composites).
    pa, pb = 149 / 172, 0.5
    d, se = pa - pb, math.hypot(_se(pa, 172), _se(pb, 80))
    expected = (f"So với kỳ trước (từ 01/01/2025 đến 30/06/2025), chỉ số hài lòng chung tăng {num(100 * d)} điểm "
                f"phần trăm (từ 50,0 % lên {num(100 * pa)} %; khoảng tin cậy 95 % của chênh lệch: "
                f"{num(100 * (d - z * se))} – {num(100 * (d + z * se))} điểm); khác biệt có ý nghĩa thống kê.")
    assert expected in text
    assert "Không có phiếu khảo sát trong cùng kỳ năm trước (từ 01/07/2024 đến" in text
    # Lowest procedure: A at 75 % against B and FEW pooled, (80 + 9) of 92 = 96.7 %.
    # Rest has its own spread, so se = sqrt(se_A² + se_rest²) with each se from all 172 responses
    # (domain estimation): var = N/(N-1) · p(1-p)/m for a domain of m.
    rest = 89 / 92
    se_a = math.sqrt(172 / 171 * 0.75 * 0.25 / 80)
    se_r = math.sqrt(172 / 171 * rest * (1 - rest) / 92)
    dd, sd = 0.75 - rest, math.hypot(se_a, se_r)
    assert (f"Thủ tục có chỉ số thấp nhất là Đăng ký khai sinh ({A}): 75,0 %" in text
            or f"({A}): 75,0 %" in text), text
    assert (f"chênh lệch {num(100 * dd)} điểm phần trăm (khoảng tin cậy 95 %: {num(100 * (dd - z * sd))} – "
            f"{num(100 * (dd + z * sd))}): thấp hơn có ý nghĩa thống kê (p") in text
    # Holm over the 3 procedures, each against the other two pooled (same domain variances as above)
    def domain_se(p, m):
        return math.sqrt(172 / 171 * p * (1 - p) / m)

    sides = {A: (0.75, 80, 89 / 92, 92), B: (1.0, 80, 69 / 92, 92), FEW: (0.75, 12, 140 / 160, 160)}
    p_raw = {k: 2 * norm.sf(abs(pa - pr) / math.hypot(domain_se(pa, ma), domain_se(pr, mr)))
             for k, (pa, ma, pr, mr) in sides.items()}
    order = sorted(p_raw, key=p_raw.get)
    adjusted, running = {}, 0.0
    for j, k in enumerate(order):
        running = max(running, min(1.0, (3 - j) * p_raw[k]))
        adjusted[k] = running
    p_holm = adjusted[A]
    assert f"{p_text(p_holm)}, đã hiệu chỉnh Holm trên các thủ tục)." in text
    assert "Các thủ tục có dưới 30 phiếu" in text and f"({FEW}, 12 phiếu)" in text
    # The comparison section holds the same difference per element for the procedure measured in both plans.
    section = [t for t in doc.tables if len(t.columns) > 2 and t.rows[0].cells[2].text == "Kỳ này (%)"]
    assert len(section) == 2  # overall and elements; then per procedure (last year: no data, no table)
    per_procedure = {(r.cells[0].text, r.cells[1].text[:2]): [c.text for c in r.cells] for r in section[1].rows[1:]}
    row = next(v for k, v in per_procedure.items() if k[0] == "SIPAS")
    assert row[2:5] == ["75,0", "50,0", "+25,0"]


def test_plan_pages_store_the_report_settings(app, client, staff):
    login(client, "analyst1")
    page = client.get("/staff/plans/new")
    assert 'name="report_number"' in page.get_data(as_text=True)
    with app.app_context():
        from sqlalchemy import select

        from survey.models import Service
        service = db.session().scalar(select(Service.id).where(Service.code == A))
    form = {"csrf_token": csrf_from(page), "title": "Kế hoạch 2026", "start_date": "2026-01-01",
            "end_date": "2026-12-31", "questionnaire": "sipas-dv|2024.1", "services": str(service),
            "report_number": "7", "report_office": "", "signer_title": "PHÓ CHỦ TỊCH", "signer_name": "Trần Thị B",
            "report_recipients": "Văn phòng HĐND và UBND xã"}
    created = client.post("/staff/plans/new", data=form)
    assert created.status_code == 303
    plan_id = int(created.headers["Location"].rstrip("/").rsplit("/", 1)[-1])
    with app.app_context():
        plan = db.session().get(Plan, plan_id)
        assert (plan.report_number, plan.report_office, plan.signer_title, plan.signer_name,
                plan.report_recipients) == ("7", "", "PHÓ CHỦ TỊCH", "Trần Thị B", "Văn phòng HĐND và UBND xã")
    detail = client.get(f"/staff/plans/{plan_id}")
    assert 'value="Trần Thị B"' in detail.get_data(as_text=True)
    changed = client.post(f"/staff/plans/{plan_id}/report-settings", data={
        "csrf_token": csrf_from(detail), "report_number": "", "report_office": "Phòng Văn hóa – Xã hội",
        "signer_title": "CHỦ TỊCH", "signer_name": "", "report_recipients": "- Sở Tài chính;\n\n"})
    assert changed.status_code == 303
    with app.app_context():
        plan = db.session().get(Plan, plan_id)
        assert (plan.report_number, plan.report_office, plan.signer_title, plan.signer_name,
                plan.report_recipients) == ("", "Phòng Văn hóa – Xã hội", "CHỦ TỊCH", "", "Sở Tài chính")
    too_long = client.post(f"/staff/plans/{plan_id}/report-settings", data={
        "csrf_token": csrf_from(detail), "signer_title": "x", "report_number": "9" * 21})
    assert too_long.status_code == 303
    with app.app_context():
        assert db.session().get(Plan, plan_id).report_number == ""  # refused, nothing stored
    viewer = app.test_client()
    login(viewer, "viewer1")
    token = csrf_from(viewer.get(f"/staff/plans/{plan_id}"))
    assert viewer.post(f"/staff/plans/{plan_id}/report-settings", data={
        "csrf_token": token, "signer_title": "x"}).status_code == 403
