"""The results page compares the period with the one before it and a year earlier (survey/results/comparison.py).

Expected values are computed here from the respondents' answers, independently of `analysis`:
a composite index (an element, SIPAS-DV) is a mean of per-respondent scores, its variance the
with-replacement one, s² / n; two periods are independent samples, so the difference's
interval is d ± z·sqrt(se_a² + se_b²) and its p-value 2Φ(−|d| / se). Where both periods sit at
100 % there is no spread, and Newcombe's interval stands in, checked against statsmodels
``confint_proportions_2indep(count1, nobs1, count2, nobs2, method="newcomb")``. Adjustments are
statsmodels ``multipletests(p, method="holm")`` over the overall index and its elements and
``multipletests(p, method="fdr_bh")`` over the procedures' rows, as the report does.
"""
from __future__ import annotations

import re
import uuid
from datetime import date, datetime, time, timedelta
from html.parser import HTMLParser

import numpy as np
import pytest
from scipy.stats import norm
from sqlalchemy import select
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.proportion import confint_proportions_2indep

from survey import db
from survey.charts import pct
from survey.models import Questionnaire, Response, Service
from survey.questionnaire.loader import shipped
from survey.questionnaire.sync import DEFAULT
from survey.results.filters import LOCAL
from tests.staff.conftest import login, make_user, post_download

Q = shipped()[DEFAULT]
ELEMENTS = [e.code for e in Q.elements]
A, B, FEW, NEW = "1.001193", "1.000894", "2.000815", "1.000656"
PAGE = "/staff/results/?ky=quarter&nam=2025&quy=3"  # Q3 2025; before it Q2 2025; a year earlier Q3 2024
Z = norm.ppf(0.975)


def _answer(app, demo, service_code: str, day: date, count: int, low: tuple[str, ...] = ()) -> list[np.ndarray]:
    """`count` respondents answering 4 to every criterion but those of the elements in `low` (2)."""
    with app.app_context():
        s = db.session()
        questionnaire = s.scalar(select(Questionnaire).where(Questionnaire.code == DEFAULT[0],
                                                             Questionnaire.version == DEFAULT[1]))
        qid = questionnaire.id
        service = s.scalar(select(Service.id).where(Service.code == service_code))
        for k in range(count):
            at = datetime.combine(day, time(8), LOCAL) + timedelta(minutes=k)
            s.add(Response(submission_key=uuid.uuid4().hex, questionnaire_id=qid, unit_id=demo.unit_id,
                           service_id=service, channel="paper", submitted_at=at,
                           answers=questionnaire.pack({c.code: 2 if e.code in low else 4
                                                       for e in Q.elements for c in e.criteria})))
        s.commit()
    # each respondent's element scores (1 = satisfied), in ELEMENTS order
    return [np.array([0.0 if e in low else 1.0 for e in ELEMENTS])] * count


def _mean_var(scores: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """Per element then SIPAS (mean of the elements): the estimate and its variance s² / n."""
    x = np.array(scores)
    x = np.column_stack([x, x.mean(axis=1)])
    return x.mean(axis=0), x.var(axis=0, ddof=1) / len(x)


class _Rows(HTMLParser):
    """The cells of every row of the comparison tables, by (table id, data-scope, data-code)."""

    def __init__(self):
        super().__init__()
        self.rows: dict[tuple[str, str, str], list[str]] = {}
        self.table = self.key = None
        self.cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "table":
            self.table = a.get("id")
        elif tag == "tr" and "data-code" in a and self.table:
            self.key = (self.table, a["data-scope"], a["data-code"])
            self.rows[self.key] = []
        elif tag == "td" and self.key:
            self.cell = []

    def handle_endtag(self, tag):
        if tag == "td" and self.key and self.cell is not None:
            self.rows[self.key].append(" ".join("".join(self.cell).split()))
            self.cell = None
        elif tag == "tr":
            self.key = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell.append(data)


@pytest.fixture
def periods(app, demo):
    """Q3 2025 against Q2 2025 (each respondent's scores kept); nothing in Q3 2024."""
    now, before = {}, {}
    now[A] = _answer(app, demo, A, date(2025, 8, 5), 60) + _answer(app, demo, A, date(2025, 8, 5), 20, tuple(ELEMENTS))
    before[A] = _answer(app, demo, A, date(2025, 5, 5), 30) + _answer(app, demo, A, date(2025, 5, 5), 50, tuple(ELEMENTS))
    now[B] = _answer(app, demo, B, date(2025, 8, 6), 70) + _answer(app, demo, B, date(2025, 8, 6), 10, ("PA",))
    before[B] = _answer(app, demo, B, date(2025, 5, 6), 66) + _answer(app, demo, B, date(2025, 5, 6), 14, ("PA",))
    now[FEW] = _answer(app, demo, FEW, date(2025, 9, 1), 9)  # 100 % in both periods, few responses
    before[FEW] = _answer(app, demo, FEW, date(2025, 6, 1), 12)
    now[NEW] = _answer(app, demo, NEW, date(2025, 9, 2), 40)  # nothing in Q2 to compare with
    return now, before


def _page(app, demo, client) -> dict:
    make_user(app, "xem", "viewer", demo.unit_id)
    login(client, "xem")
    page = client.get(PAGE)
    assert page.status_code == 200
    parser = _Rows()
    parser.feed(page.get_data(as_text=True))
    return parser.rows, page.get_data(as_text=True)


def _expected(now: list, before: list) -> tuple[np.ndarray, ...]:
    (pa, va), (pb, vb) = _mean_var(now), _mean_var(before)
    d, se = pa - pb, np.sqrt(va + vb)
    with np.errstate(divide="ignore", invalid="ignore"):
        p = 2 * norm.sf(np.abs(d / se))
    lo, hi = d - Z * se, d + Z * se
    for j in np.flatnonzero(se == 0):  # no spread on either side: Newcombe on the counts
        na, nb = len(now), len(before)
        lo[j], hi[j] = confint_proportions_2indep(round(pa[j] * na), na, round(pb[j] * nb), nb, method="newcomb")
    return pa, pb, d, lo, hi, np.where(se == 0, 1.0, p)


def test_the_page_shows_differences_equal_to_a_hand_computation_holm_and_bh(app, demo, client, periods):
    now, before = periods
    rows, html = _page(app, demo, client)
    codes = [*ELEMENTS, "SIPAS"]
    # The whole selection: Holm over SIPAS-DV and its five elements.
    pa, pb, d, lo, hi, p = _expected([x for v in now.values() for x in v],
                                     [x for k, v in before.items() for x in v])
    holm_reject = multipletests(p, alpha=0.05, method="holm")[0]
    for j, code in enumerate(codes):
        cells = rows[("compare-previous", "", code)]
        n_now, n_before = sum(map(len, now.values())), sum(map(len, before.values()))
        assert cells[1:5] == [str(n_now), pct(100 * pa[j]), str(n_before), pct(100 * pb[j])], code
        assert cells[5].lstrip("+−") == pct(abs(100 * d[j])), code
        assert cells[6] == f"{pct(100 * lo[j])} – {pct(100 * hi[j])}", code
        assert cells[7] == ("Có" if holm_reject[j] else "Không"), code
    assert rows[("compare-previous", "", "SIPAS")][7] == "Có"  # 40 more satisfied in A: significant
    assert rows[("compare-previous", "", "CC")][7] == "Có"
    # Each procedure's rows: Benjamini–Hochberg over all of them (A, B, and FEW's).
    family, shown = [], []
    for service in (A, B):
        e = _expected(now[service], before[service])
        family += list(e[5])
        shown += [(service, j, e) for j in range(len(codes))]
    few = FEW  # both at 100 %: a p-value of 1 in the family, and Newcombe's interval
    family += [1.0] * len(codes)
    bh_reject = multipletests(family, alpha=0.05, method="fdr_bh")[0]
    for k, (service, j, (pa, pb, d, lo, hi, _p)) in enumerate(shown):
        cells = rows[("compare-previous", service, codes[j])]
        assert cells[2] == pct(100 * pa[j]) and cells[4] == pct(100 * pb[j]), (service, codes[j])
        assert cells[5].lstrip("+−") == pct(abs(100 * d[j])), (service, codes[j])
        assert cells[6] == f"{pct(100 * lo[j])} – {pct(100 * hi[j])}", (service, codes[j])
        assert cells[7] == ("Có" if bh_reject[k] else "Không"), (service, codes[j])
    assert rows[("compare-previous", A, "SIPAS")][7] == "Có"
    # B's PA: 70 against 66 of 80 satisfied is within chance.
    assert rows[("compare-previous", B, "PA")][7] == "Không" and rows[("compare-previous", B, "PA")][5] == "+5,0"
    low, high = confint_proportions_2indep(9, 9, 12, 12, method="newcomb")
    assert rows[("compare-previous", few, "SIPAS")][6] == f"{pct(100 * low)} – {pct(100 * high)}"
    assert rows[("compare-previous", few, "SIPAS")][7] == "Không"
    assert "*" in rows[("compare-previous", few, "SIPAS")][0]  # fewer than 30 responses: flagged
    # A procedure without responses in the earlier period is listed, with nothing to compare.
    assert rows[("compare-previous", NEW, "SIPAS")][3:] == ["0", "Không đủ dữ liệu"]
    # A year earlier there is nothing at all.
    assert 'data-empty="last_year"' in html and "Không đủ dữ liệu: kỳ so sánh không có phiếu nào." in html
    assert not any(key[0] == "compare-last_year" for key in rows)
    assert re.search(r"So với cùng kỳ năm trước\s*\(01/07/2024 – 30/09/2024\)", html)
    assert re.search(r"So với kỳ trước\s*\(01/04/2025 – 30/06/2025\)", html)


def test_the_page_and_the_report_share_one_comparison(app, demo, client, periods):
    """The figures the page shows are those the report's comparison returns for the same selection."""
    from survey.results.comparison import lines, standard_comparisons
    from survey.results.config import Method
    from survey.results.filters import Filters, quarter_period

    rows, _html = _page(app, demo, client)
    with app.test_request_context():
        f = Filters(unit_ids=(demo.unit_id,), period=quarter_period(2025, 3))
        previous, _last = standard_comparisons(db.session(), f, Method.from_config())
    got = lines(previous)
    assert len(got) == len([k for k in rows if k[0] == "compare-previous"])
    for line in got:
        cells = rows[("compare-previous", line.scope_code, line.code)]
        assert cells[2] == pct(line.estimate)
        if line.other is not None:
            assert cells[6] == f"{pct(line.ci_low)} – {pct(line.ci_high)}"


def test_the_indices_workbook_holds_the_same_comparison(app, demo, client, periods):
    import io

    import openpyxl

    rows, _html = _page(app, demo, client)
    make_user(app, "phan-tich", "analyst", demo.unit_id)
    analyst = app.test_client()
    login(analyst, "phan-tich")
    response = post_download(analyst, "/staff/results/export/indices.xlsx?ky=quarter&nam=2025&quy=3")
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.data))
    assert book.sheetnames[:3] == ["Kết quả theo thủ tục", "Tổng hợp", "So sánh"]
    sheet = book["So sánh"]
    head = [c.value for c in sheet[3]]
    got = [dict(zip(head, r)) for r in sheet.iter_rows(min_row=4, values_only=True)]
    previous = [r for r in got if r["So với"] == "Kỳ trước"]
    assert len(previous) == len([k for k in rows if k[0] == "compare-previous"])
    for r in previous:
        cells = rows[("compare-previous", r["Mã thủ tục"] or "", r["Mã chỉ số"])]
        assert pct(r["Kỳ này (%)"]) == cells[2]
        if r["Ghi chú"]:
            assert r["Ghi chú"] == "Không đủ dữ liệu" and r["Kỳ so sánh (%)"] is None
            continue
        assert f"{pct(r['Cận dưới (điểm %)'])} – {pct(r['Cận trên (điểm %)'])}" == cells[6]
        assert r["Có ý nghĩa thống kê"] == cells[7]
        assert r["Cách hiệu chỉnh"] == ("Holm" if r["Phạm vi"] == "Toàn bộ" else "Benjamini–Hochberg")
        assert sheet.cell(4, head.index("Kỳ này (%)") + 1).number_format == "0.0"
    assert previous[0]["Từ ngày"].date() == date(2025, 4, 1) and previous[0]["Đến ngày"].date() == date(2025, 6, 30)
    last_year = [r for r in got if r["So với"] == "Cùng kỳ năm trước"]
    assert [r["Ghi chú"] for r in last_year] == ["Không đủ dữ liệu: kỳ so sánh không có phiếu nào."]
