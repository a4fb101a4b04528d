"""Administrative-reform figures and the lateness–satisfaction correlation, against hand computation.

Definitions under test (survey/reform.py): dossiers received in the period,
both ends included; on time / early / late out of the resolved dossiers
(returned, with a promised date); not returned = pending (overdue once the
promised date has passed); fully online and paid online out of the dossiers
whose export says; a measured service without dossiers gets a zero row.
"""
from __future__ import annotations

import io
import math
from datetime import date, timedelta
from statistics import NormalDist

import pytest
from docx import Document
from scipy import stats

from survey import db
from survey.models import Dossier, Plan, Service
from survey.plans.calendar import today
from survey.reform import Correlation, correlation, reform_figures
from survey.report.data import gather
from survey.report.document import build
from tests.plans.helpers import add_responses, make_plan

Z = NormalDist().inv_cdf(0.975)
A, B, C = "1.000894", "1.001193", "2.000815"
d = date


def _ids(s) -> dict[str, int]:
    return dict(s.query(Service.code, Service.id).all())


def _dossier(unit, sid, code, received, due, returned, channel=None, paid=None) -> Dossier:
    return Dossier(unit_id=unit, service_id=sid, code=code, received_on=received, due_on=due,
                   returned_on=returned, channel=channel, paid_online=paid)


@pytest.fixture
def frame(app, demo):
    with app.app_context():
        s = db.session()
        ids, u = _ids(s), demo.unit_id
        s.add_all([
            _dossier(u, ids[A], "A1", d(2025, 1, 5), d(2025, 1, 10), d(2025, 1, 8), "online_full", True),  # early
            _dossier(u, ids[A], "A2", d(2025, 2, 1), d(2025, 2, 5), d(2025, 2, 5), "online_full", False),  # on the day
            _dossier(u, ids[A], "A3", d(2025, 3, 1), d(2025, 3, 4), d(2025, 3, 9), "direct", True),  # late
            _dossier(u, ids[A], "A4", d(2025, 3, 10), d(2025, 3, 15), None, "online_partial"),  # pending, overdue
            _dossier(u, ids[A], "A5", d(2025, 6, 30), d(2025, 7, 20), None),  # last day; pending, not yet due
            _dossier(u, ids[A], "A6", d(2025, 4, 1), None, d(2025, 4, 3), "post", True),  # no promised date
            _dossier(u, ids[A], "A7", d(2024, 12, 31), d(2025, 1, 3), d(2025, 1, 9)),  # before the period
            _dossier(u, ids[A], "A8", d(2025, 7, 1), d(2025, 7, 3), d(2025, 7, 9), "direct", False),  # after it
            _dossier(demo.city_id, ids[A], "X1", d(2025, 2, 2), d(2025, 2, 3), d(2025, 2, 9)),  # another unit
            _dossier(u, ids[B], "B1", d(2025, 1, 2), d(2025, 1, 10), d(2025, 1, 10), "direct"),
            _dossier(u, ids[B], "B2", d(2025, 1, 3), d(2025, 1, 10), d(2025, 1, 9), "direct"),
        ])
        s.commit()
        return ids


def test_figures_per_service_by_hand(app, demo, frame):
    with app.app_context():
        rows = reform_figures(db.session(), demo.unit_id, [frame[A], frame[B], frame[C]],
                              d(2025, 1, 1), d(2025, 6, 30), on=d(2025, 7, 15))
    a, b, c = rows  # sorted by service code
    assert (a.code, b.code, c.code) == (A, B, C)
    # A: A1..A6 received in the period; resolved = A1, A2, A3 (A4, A5 not returned, A6 no promised date)
    assert (a.dossiers, a.resolved, a.pending, a.overdue) == (6, 3, 2, 1)  # overdue: A4 (due 15/3 < 15/7)
    assert a.on_time == pytest.approx(100 * 2 / 3)  # A1 early + A2 on the day
    assert a.early == pytest.approx(100 * 1 / 3) and a.late == pytest.approx(100 * 1 / 3)  # A1; A3
    assert a.online_full == pytest.approx(100 * 2 / 5)  # A1, A2 of the 5 with a channel (A5 has none)
    assert a.paid_online == pytest.approx(100 * 3 / 4)  # A1, A3, A6 of the 4 known (A4, A5 unknown)
    # B: both returned by the promised date, one a day early; in person; payment never recorded
    assert (b.dossiers, b.resolved, b.pending, b.on_time, b.early, b.late) == (2, 2, 0, 100.0, 50.0, 0.0)
    assert b.online_full == 0.0 and b.paid_online is None
    # C: measured but without dossiers: a row of zeros, no percentages (not 0 %)
    assert (c.dossiers, c.resolved, c.pending, c.overdue) == (0, 0, 0, 0)
    assert (c.on_time, c.early, c.late, c.online_full, c.paid_online) == (None,) * 5


def test_figures_follow_the_period(app, demo, frame):
    with app.app_context():
        s = db.session()
        second = reform_figures(s, demo.unit_id, [frame[A]], d(2025, 7, 1), d(2025, 12, 31), on=d(2026, 1, 5))
        earlier = reform_figures(s, demo.unit_id, [frame[A]], d(2025, 1, 1), d(2025, 6, 30), on=d(2025, 3, 12))
    (h2,) = second  # only A8: in person, late (9/7 > 3/7), not paid online
    assert (h2.dossiers, h2.resolved, h2.late, h2.on_time, h2.online_full, h2.paid_online) == (1, 1, 100.0, 0.0, 0.0, 0.0)
    (h1,) = earlier  # on 12/3 A4 (due 15/3) is pending but not overdue yet
    assert (h1.pending, h1.overdue) == (2, 0)


def test_correlation_by_hand_and_against_scipy():
    xs, ys = [0.0, 10.0, 20.0, 30.0], [95.0, 90.0, 92.0, 80.0]
    # means 15 and 89.25; Sxy = -215, Sxx = 500, Syy = 126.75
    r = -215 / math.sqrt(500 * 126.75)  # -0.854042
    half = Z / math.sqrt(4 - 3)  # Fisher z: se = 1/sqrt(k - 3)
    c = correlation(xs, ys)
    assert c.k == 4 and c.r == pytest.approx(r, abs=1e-12) and c.r == pytest.approx(-0.854042, abs=1e-6)
    assert (c.low, c.high) == pytest.approx((math.tanh(math.atanh(r) - half), math.tanh(math.atanh(r) + half)))
    # Independent reference: scipy.stats.pearsonr(xs, ys).confidence_interval(0.95) (Fisher transformation)
    ref = stats.pearsonr(xs, ys)
    ci = ref.confidence_interval(0.95)
    assert (c.r, c.low, c.high) == pytest.approx((ref.statistic, ci.low, ci.high), abs=1e-9)
    # 90 % interval too: scipy.stats.pearsonr(xs2, ys2).confidence_interval(0.90)
    xs2, ys2 = [5.0, 12.5, 3.0, 40.0, 22.0, 8.0], [91.2, 88.0, 97.5, 70.1, 85.0, 90.3]
    ref2, c2 = stats.pearsonr(xs2, ys2), correlation(xs2, ys2, level=0.90)
    ci2 = ref2.confidence_interval(0.90)
    assert (c2.k, c2.r, c2.low, c2.high) == pytest.approx((6, ref2.statistic, ci2.low, ci2.high), abs=1e-9)


def test_correlation_edge_cases():
    # Fewer than 4 services: r for 3 (no interval: se = 1/sqrt(k - 3) is undefined); nothing for 2
    three = correlation([0.0, 10.0, 30.0], [90.0, 85.0, 60.0])
    assert three.k == 3 and three.low is None and three.high is None
    assert three.r == pytest.approx(stats.pearsonr([0, 10, 30], [90, 85, 60]).statistic)
    assert correlation([0.0, 10.0], [90.0, 80.0]) == Correlation(2, None, None, None)
    # Services without a figure (None, NaN) are left out before counting k
    assert correlation([0.0, None, 10.0, float("nan"), 30.0], [90.0, 70.0, 85.0, 50.0, 60.0]) == three
    # No spread in lateness: r undefined; a perfect line: r = ±1 but no interval (atanh is infinite)
    assert correlation([10.0] * 5, [90.0, 80.0, 70.0, 60.0, 50.0]).r is None
    line = correlation([0.0, 10.0, 20.0, 30.0], [90.0, 80.0, 70.0, 60.0])
    assert line.r == pytest.approx(-1.0) and line.low is None


def test_report_correlates_lateness_with_service_sipas(app, demo):
    """gather(): % late from the frame beside each service's SIPAS, Pearson over the services with both."""
    t = today()
    services = {A: (4, 1), B: (5, 0), C: (2, 1), "2.000884": (4, 3), "1.001699": (0, 0)}  # dossiers, late
    sipas = {A: (3, 1), B: (4, 0), C: (1, 1), "2.000884": (2, 3), "1.001699": (3, 0)}  # satisfied, not
    plan_id = make_plan(app, demo, start=t - timedelta(days=30), end=t + timedelta(days=60), services=list(services))
    with app.app_context():
        s = db.session()
        ids = _ids(s)
        for code, (n, late) in services.items():
            received = t - timedelta(days=20)
            s.add_all(_dossier(demo.unit_id, ids[code], f"{code}-{i}", received, received + timedelta(days=3),
                               received + timedelta(days=5 if i < late else 2)) for i in range(n))
        s.commit()
    for code, (yes, no) in sipas.items():
        add_responses(app, plan_id, code, yes, no)
    with app.app_context():
        s = db.session()
        data = gather(s, s.get(Plan, plan_id))
        docx = Document(io.BytesIO(build(data)))
    late = {r.code: r.late for r in data.reform}
    assert late == {A: 25.0, B: 0.0, C: 50.0, "2.000884": 75.0, "1.001699": None}  # 1/4, 0/5, 1/2, 3/4, no dossiers
    assert data.service_sipas() == pytest.approx({A: 75.0, B: 100.0, C: 50.0, "2.000884": 40.0, "1.001699": 100.0})
    # 1.001699 has no lateness figure, so k = 4: x = 25, 0, 50, 75; y = 75, 100, 50, 40
    # means 37.5 and 66.25; Sxy = -2562.5, Sxx = 3125, Syy = 2168.75
    r = -2562.5 / math.sqrt(3125 * 2168.75)  # -0.984315
    c = data.late_vs_sipas
    assert c.k == 4 and c.r == pytest.approx(r, abs=1e-9)
    assert (c.low, c.high) == pytest.approx((math.tanh(math.atanh(r) - Z), math.tanh(math.atanh(r) + Z)), abs=1e-9)
    text = "\n".join(p.text for p in docx.paragraphs)
    assert f"của 4 thủ tục: r = {r:.2f}".replace(".", ",") in text
    table = next(t for t in docx.tables if len(t.columns) > 3 and t.rows[0].cells[3].text == "Chưa trả (quá hạn)")
    rows = {row.cells[0].text: [c.text for c in row.cells] for row in table.rows[1:]}
    assert rows[A][2:] == ["4", "0 (0)", "75,0", "75,0", "25,0", "–", "–", "75,0"]
    assert rows["1.001699"][2:] == ["0", "0 (0)", "–", "–", "–", "–", "–", "100,0"]
