"""The report's and the results page's lowest element and criterion: a formal test, not a reading of intervals.

The expected p-values come from analysis.versus_rest (checked against R's
svycontrast in tests/analysis/test_versus_rest.py) on the same answers as
a DataFrame, not through the database.
"""
from __future__ import annotations

import io
import re
import uuid
from datetime import date, datetime, time, timedelta

import numpy as np
import pandas as pd
from docx import Document
from sqlalchemy import select

import analysis
from analysis.sufficient import sufficient_stats
from analysis.versus_rest import versus_rest
from survey import db
from survey.charts import pct
from survey.models import Plan, Questionnaire, Response, Service
from survey.questionnaire.loader import shipped
from survey.questionnaire.sync import DEFAULT
from survey.report.data import gather
from survey.report.document import build
from survey.results.filters import LOCAL
from survey.results.method_text import p_text
from tests.report.helpers import CRITERIA, plan_with, respond
from tests.results.seed import Q
from tests.staff.conftest import login, make_user

A, B = "1.001193", "1.000894"
SCHEME = analysis.Scheme.from_mapping(Q.scheme_mapping())
KQ = [c for c in CRITERIA if c.startswith("KQ")]


def _store(app, demo, service_code: str, day: date, answers: pd.DataFrame) -> None:
    with app.app_context():
        s = db.session()
        qid = s.scalar(select(Questionnaire.id).where(Questionnaire.code == DEFAULT[0],
                                                      Questionnaire.version == DEFAULT[1]))
        service = s.scalar(select(Service).where(Service.code == service_code))
        questionnaire = s.get(Questionnaire, qid)
        for k, row in enumerate(answers.itertuples(index=False)):
            at = datetime.combine(day, time(8), LOCAL) + timedelta(minutes=k)
            s.add(Response(submission_key=uuid.uuid4().hex, questionnaire_id=qid, unit_id=demo.unit_id,
                           service_id=service.id, channel="paper", submitted_at=at,
                           answers=questionnaire.pack({c: int(v) for c, v in zip(CRITERIA, row)})))
        s.commit()


def _answers(n: int, seed: int) -> pd.DataFrame:
    """Correlated answers; KQ one point lower for everyone: clearly the weakest element."""
    rng = np.random.default_rng(seed)
    x = np.clip(np.rint(3.9 + rng.normal(0, 0.8, (n, 1)) + rng.normal(0, 0.7, (n, len(CRITERIA)))), 1, 5)
    df = pd.DataFrame(x, columns=CRITERIA)
    df[KQ] = (df[KQ] - 1).clip(lower=1)
    return df


def _conclusions(doc) -> str:
    paragraphs = [p.text for p in doc.paragraphs]
    start = paragraphs.index("1. Kết luận")
    return "\n".join(paragraphs[start:start + 12])


def _report(app, plan_id: int) -> Document:
    with app.app_context():
        s = db.session()
        return Document(io.BytesIO(build(gather(s, s.get(Plan, plan_id), date(2026, 1, 15)))))


def test_lowest_element_and_criterion_are_tested_against_the_rest(app, demo):
    plan_id = plan_with(app, demo, "Kế hoạch 2025", date(2025, 7, 1), date(2025, 12, 31), [A, B])
    first, second = _answers(70, 1), _answers(50, 2)
    _store(app, demo, A, date(2025, 9, 10), first)
    _store(app, demo, B, date(2025, 9, 11), second)
    rows = pd.concat([first.assign(service=A), second.assign(service=B)], ignore_index=True)
    expected = versus_rest(sufficient_stats(rows, by=["service"]), by=[])
    text = _conclusions(_report(app, plan_id))
    names = {e.code: e.title.vi for e in shipped()[DEFAULT].elements} | {c.code: c.text.vi for c in Q.criteria}
    for level, what, m in (("element", "Yếu tố", 5), ("criterion", "Tiêu chí", 16)):
        low = expected[(expected.level == level) & expected.lowest].iloc[0]
        assert low.code.startswith("KQ") and low.p_holm < 0.05
        sentence = next(line for line in text.splitlines() if line.startswith(f"{what} có chỉ số thấp nhất"))
        assert f"{names[low.code]} ({low.code})" in sentence
        assert "thấp hơn có ý nghĩa thống kê so với phần còn lại" in sentence
        assert f"{p_text(low.p_holm)}, đã hiệu chỉnh Holm cho {m} phép so sánh" in sentence
        assert f"chênh lệch {pct(low.difference)} điểm phần trăm" in sentence
    assert "Khoảng tin cậy còn chứa" not in text and "cận trên của khoảng tin cậy" not in text.lower()


def test_alike_items_are_not_called_lower(app, demo):
    plan_id = plan_with(app, demo, "Kế hoạch 2025", date(2025, 7, 1), date(2025, 12, 31), [A])
    respond(app, demo, A, date(2025, 9, 10), 30, 10)  # every criterion answered alike: no difference
    text = _conclusions(_report(app, plan_id))
    sentence = next(line for line in text.splitlines() if line.startswith("Yếu tố có chỉ số thấp nhất"))
    assert "không khác biệt có ý nghĩa thống kê so với phần còn lại" in sentence
    assert "p = 1,000, đã hiệu chỉnh Holm cho 5 phép so sánh" in sentence


def test_results_page_names_the_lowest_with_its_test(app, demo, client):
    from tests.results.seed import seed

    raw = seed(app, demo)
    make_user(app, "xem", "viewer", demo.unit_id)
    login(client, "xem")
    html = client.get("/staff/results/?ky=year&nam=2024").get_data(as_text=True)
    section = re.search(r'<section class="card" id="lowest">(.*?)</section>', html, re.S)
    assert section, "the results page names no lowest item"
    lines = [re.sub(r"<[^>]+>", "", li).strip() for li in re.findall(r"<li>(.*?)</li>", section.group(1), re.S)]
    kept = raw[~raw.flagged]
    expected = versus_rest(sufficient_stats(kept, SCHEME, by=["service"]), SCHEME, by=[])
    names = {e.code: e.title.vi for e in Q.elements} | {c.code: c.text.vi for c in Q.criteria}
    for line, (_i, low) in zip(lines, expected[expected.lowest].iterrows()):
        assert line.startswith(("Yếu tố thấp nhất" if low.level == "element" else "Tiêu chí thấp nhất")
                               + f": {names[low.code]} ({low.code}), {pct(low.estimate)} %")
        verdict = ("thấp hơn có ý nghĩa thống kê" if low.p_holm < 0.05
                   else "không khác biệt có ý nghĩa thống kê")
        assert verdict in line and f"({p_text(low.p_holm)}, đã hiệu chỉnh Holm)" in line
    assert len(lines) == 2
