"""A whole year: frame → sample → invitations → online and paper answers → report = XLSX."""
from __future__ import annotations

import io
import re

from docx import Document
from openpyxl import load_workbook

from survey import db
from survey.exports.operations import xlsx_file
from survey.invitations.queries import unused
from survey.models import Plan, Response
from survey.paper.operations import key_in
from survey.plans.queries import results_filters, results_method
from tests.citizen.helpers import full_answers, open_form
from tests.plans.frames import frame_csv
from tests.plans.helpers import make_plan
from tests.plans.invite import answer_invitation
from tests.plans.test_paper import keyed

SERVICES = {"1.001193": 40, "1.000894": 25, "2.000815": 30, "2.000884": 20}
LATE = {"1.001193": 0.05, "1.000894": 0.3, "2.000815": 0.15, "2.000884": 0.5}


def _num(text: str) -> float:
    return float(text.replace(",", "."))


def _one(x: float) -> str:
    """One decimal with a decimal comma, as the report prints figures."""
    return f"{x:.1f}".replace(".", ",")


def _docx_tables(data: bytes) -> list[list[list[str]]]:
    return [[[c.text for c in row.cells] for row in t.rows] for t in Document(io.BytesIO(data)).tables]


def test_whole_year(app, client, runner, demo, tmp_path):
    plan_id = make_plan(app, demo, services=list(SERVICES))
    frame = tmp_path / "hoso.csv"
    frame.write_bytes(frame_csv(SERVICES, late_share=LATE))
    out = runner.invoke(args=["plans", "import-frame", "--unit", demo.unit_code, str(frame)])
    assert "created 115" in out.output, out.output
    out = runner.invoke(args=["plans", "draw", "--plan", str(plan_id), "--seed", "2025"])
    assert "seed 2025" in out.output, out.output

    with app.app_context():
        s = db.session()
        plan = s.get(Plan, plan_id)
        targets = {ps.service.code: ps.target for ps in plan.services}
        codes = [(i.code, i.service.code) for i in unused(s, plan_id)]
    assert targets == {"1.001193": 37, "1.000894": 24, "2.000815": 28, "2.000884": 20}  # Yamane by service
    assert len(codes) == sum(targets.values())
    for k, (code, _service) in enumerate(codes[::3]):  # a third answer their invitation online
        assert answer_invitation(client, code, base=k % 4, extra={"comment": f"Góp ý {k}"}).status_code == 303
    point = demo.points[0]
    for k in range(6):  # walk-ins by the counter QR
        measured = [c for c in point.services if c in SERVICES]
        url = f"/s/{point.token}/{measured[k % len(measured)]}"
        walk_in = app.test_client()  # six people, six phones
        assert walk_in.post(url, data={**open_form(walk_in, url), **full_answers(k)}).status_code == 303
    with app.test_request_context():  # the exports translate their headers
        s = db.session()
        plan = s.get(Plan, plan_id)
        numbering = sorted(SERVICES)
        for k in range(8):  # paper forms keyed twice
            payload = keyed(f"G{k}", str(k % 4 + 1), k % 5 + 1, numbering).payload()
            key_in(s, plan, f"G{k}", None, payload)
            key_in(s, plan, f"G{k}", None, payload)
        total = s.query(Response).count()
        f, method = results_filters(s, plan), results_method(plan)
        workbook = load_workbook(xlsx_file("indices", f, method), data_only=True)
    assert total == len(codes[::3]) + 6 + 8

    report = tmp_path / "bao-cao.docx"
    out = runner.invoke(args=["report", "--plan", str(plan_id), "--out", str(report)])
    assert out.exit_code == 0, out.output
    tables = _docx_tables(report.read_bytes())
    text = "\n".join(p.text for p in Document(str(report)).paragraphs)
    assert "VI. KẾT LUẬN VÀ KIẾN NGHỊ" in text and "Phiếu giấy: 8" in text
    assert len(Document(str(report)).inline_shapes) >= 2  # charts embedded

    # Every number of the report's index tables equals the XLSX export of the same plan.
    doc = Document(str(report))
    captioned = _captioned_tables(doc)
    xlsx = _xlsx_indices(workbook)
    names = {r[4]: r[5] for sheet in ("Tổng hợp", "Tiêu chí", "Mong muốn")
             for r in list(workbook[sheet].iter_rows(values_only=True))[2:]}  # title, header
    # table 0: the header blocks; 1: the sample; 2: the main table; 3: SIPAS and elements; 4: criteria
    summary, criteria = captioned["2. Chỉ số hài lòng chung và các yếu tố"], captioned["3. Chỉ số theo tiêu chí"]
    assert summary[1][0] == "SIPAS" and [r[0] for r in summary[2:]] == ["TC", "TT", "CC", "KQ", "PA"]
    assert _same_indices(summary, xlsx, "Toàn bộ", "", names=None) == 6  # SIPAS + 5 elements
    assert [r[0] for r in criteria[1:]] == [c for c in names if c[:2] in ("TC", "TT", "CC", "KQ", "PA") and c[2:].isdigit()]
    assert _same_indices(criteria, xlsx, "Toàn bộ", "", names) == 16
    expectations = captioned["4. Mong muốn của người dân"]
    assert _same_indices(expectations, xlsx, "Toàn bộ", "", names) == 10
    # the main table: one row per procedure with n, SIPAS-DV and its interval, then the five elements
    main = {r[0]: r for r in captioned["1. Kết quả theo từng thủ tục"][1:]}
    assert set(main) == set(SERVICES) | {""}
    for code in SERVICES:
        n, est, low, high = xlsx[("Thủ tục", code, "SIPAS")]
        assert (int(main[code][2]), main[code][3], main[code][4]) == (n, _one(est), f"{_one(low)} – {_one(high)}")
        assert main[code][5:] == [_one(xlsx[("Thủ tục", code, e)][1]) for e in ("TC", "TT", "CC", "KQ", "PA")]
    # perceptions and channels: option counts and shares equal the XLSX sheet row for row
    perceptions = captioned["5. Nhận xét về công chức và cách thực hiện thủ tục"]
    shares = list(workbook["Nhận thức và kênh"].iter_rows(values_only=True))[1:]  # under the title
    assert perceptions[0] == ["Mã", "Câu hỏi", "Lựa chọn", "Số phiếu", "Tỷ lệ (%)"] and len(perceptions) == len(shares) > 1
    for docx_row, (code, text_, label, count, pct, *_form) in zip(perceptions[1:], shares[1:]):
        assert docx_row[:4] == [code, text_, label, str(count)]
        assert docx_row[4] == ("–" if pct is None else _one(pct))
    assert {r[0] for r in perceptions[1:]} >= {"NT1", "NT2", "KENH"}
    assert sum(int(r[3]) for r in perceptions[1:] if r[0] == "NT1") > 0
    # sample table: responses per service equal the service SIPAS n
    sample = {r[0]: r for r in tables[1][1:]}
    for code in SERVICES:
        assert int(sample[code][4]) == xlsx[("Thủ tục", code, "SIPAS")][0]
        assert int(sample[code][3]) == targets[code]


def _captioned_tables(doc) -> dict[str, list[list[str]]]:
    """Each table under its section heading and under the last paragraph before it (a caption)."""
    from docx.table import Table
    from docx.text.paragraph import Paragraph
    out, heading, caption = {}, "", ""
    for el in doc.element.body.iterchildren():
        if el.tag.endswith("}p") and Paragraph(el, doc).text.strip():
            p = Paragraph(el, doc)
            caption = p.text.strip()
            heading = caption if p.style.name.startswith("Heading") else heading
        elif el.tag.endswith("}tbl"):
            rows = [[c.text for c in row.cells] for row in Table(el, doc).rows]
            out.setdefault(heading, rows)
            out.setdefault(caption, rows)
    return out


def _xlsx_indices(workbook) -> dict[tuple[str, str, str], tuple]:
    """(scope, scope code, index code) → (n, estimate, low, high) from the three index sheets."""
    out = {}
    for sheet in ("Tổng hợp", "Tiêu chí", "Mong muốn"):
        rows = list(workbook[sheet].iter_rows(values_only=True))[1:]  # under the title row
        head = rows[0]
        col = {name: head.index(name) for name in ("Phạm vi", "Mã phạm vi", "Mã chỉ số", "Số phiếu (n)",
                                                    "Chỉ số (%)", "Cận dưới (%)", "Cận trên (%)")}
        for r in rows[1:]:
            out[(r[col["Phạm vi"]], r[col["Mã phạm vi"]] or "", r[col["Mã chỉ số"]])] = (
                r[col["Số phiếu (n)"]], r[col["Chỉ số (%)"]], r[col["Cận dưới (%)"]], r[col["Cận trên (%)"]])
    return out


def _same_indices(table, xlsx, scope: str, scope_code: str, names: dict | None) -> int:
    """Assert each row (code, name, n, index, interval) equals the XLSX; return the rows checked."""
    assert table[0] == ["Mã", "Nội dung", "Số phiếu", "Chỉ số (%)", "Khoảng tin cậy 95 %"]
    for row in table[1:]:
        n, est, low, high = xlsx[(scope, scope_code, row[0])]
        lo_txt, hi_txt = re.split(r" – ", row[4])
        assert (int(row[2]), _num(row[3]), _num(lo_txt), _num(hi_txt)) == \
            (n, round(est, 1), round(low, 1), round(high, 1)), (scope, scope_code, row)
        if names is not None:
            assert row[1].removesuffix(" (*)") == names[row[0]]
    return len(table) - 1
