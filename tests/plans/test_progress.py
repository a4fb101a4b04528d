"""Progress per service: pace and "will miss", response rate, precision reached, days left.

Every expectation is computed by hand here. Responses answer all criteria
alike (tests.plans.helpers.add_responses), so a service's SIPAS is the share
of satisfied respondents p = a/n. A service is a domain of the plan's whole
sample of N responses (as R svyby over one design): influence (y_i - p)/n
inside the service and 0 outside, so the with-replacement variance is
N/(N-1) · Σ((y_i - p)/n)² = p(1-p)/n · N/(N-1), and the interval is the
logit one, or Wilson with n trials at 100 %.
"""
from __future__ import annotations

import math
from datetime import timedelta
from statistics import NormalDist

import pytest
from scipy.stats import t as student_t

from survey import db
from survey.invitations.operations import issue
from survey.models import Invitation, Plan
from survey.plans.calendar import today
from survey.plans.progress import days_left, pace, phase, service_progress
from survey.plans.queries import results_filters, results_method
from survey.results.scopes import scoped_estimates
from tests.plans.helpers import add_responses, make_plan
from tests.staff.conftest import login, staff  # noqa: F401  (fixture)

Z = NormalDist().inv_cdf(0.975)  # 1.959964
A, B, C, D = "1.000894", "1.001193", "2.000815", "2.000884"  # sorted by code, as the rows come
TARGETS = {A: 20, B: 20, C: 6, D: 10}


def logit_half_width(p: float, n: int, total: int, df: float = math.inf) -> float:
    """Half-width in points of the logit interval, se = sqrt(p(1-p)/n · N/(N-1)), N = total,
    with the t quantile on df degrees of freedom (R svyciprop's default df = degf(design))."""
    se = math.sqrt(p * (1 - p) / n * total / (total - 1))
    q = Z if math.isinf(df) else float(student_t.ppf(0.975, df))
    centre, half = math.log(p / (1 - p)), q * se / (p * (1 - p))
    expit = lambda x: 1 / (1 + math.exp(-x))  # noqa: E731
    return 100 * (expit(centre + half) - expit(centre - half)) / 2


def wilson_all_half_width(n: int) -> float:
    """Half-width at x = n: Wilson's bounds are n/(n+z²) and 1, so z²/(2(n+z²)) in points."""
    return 100 * Z**2 / (2 * (n + Z**2))


def test_pace_days_left_phase_by_hand():
    start, end = today(), today() + timedelta(days=29)  # 30 fieldwork days, both ends included
    day10 = start + timedelta(days=9)
    assert pace(8, start, end, day10) == 24  # 8 × 30 ÷ 10
    assert pace(7, start, end, start + timedelta(days=12)) == 16  # 7 × 30 ÷ 13 = 16.15 → 16 (rounded down)
    assert pace(5, start, end, start) == 150  # day 1: 5 × 30 ÷ 1
    assert pace(12, start, end, end + timedelta(days=40)) == 12  # over: 12 × 30 ÷ 30
    assert pace(0, start, end, start - timedelta(days=3)) == 0  # not started: no pace
    assert days_left(start, end, day10) == 20  # days 11..30
    assert days_left(start, end, end) == 0 and days_left(start, end, end + timedelta(days=5)) == 0
    assert days_left(start, end, start - timedelta(days=7)) == 30  # all of the fieldwork is ahead
    assert [phase(start, end, d) for d in (start - timedelta(days=1), start, end, end + timedelta(days=1))] == \
        ["before", "running", "running", "ended"]


@pytest.fixture
def running(app, demo):
    """Day 10 of 30, target margin 20 points; A on track, B behind, C done, D nothing yet."""
    t = today()
    plan_id = make_plan(app, demo, start=t - timedelta(days=9), end=t + timedelta(days=20),
                        services=sorted(TARGETS), target_margin=0.20)
    with app.app_context():
        s = db.session()
        plan = s.get(Plan, plan_id)
        for ps in plan.services:
            ps.target, ps.frame_size = TARGETS[ps.service.code], 5 * TARGETS[ps.service.code]
        by_code = {ps.service.code: ps.service_id for ps in plan.services}
        issue(s, plan, by_code[A], 16)
        issue(s, plan, by_code[D], 4)
        for inv in s.query(Invitation).filter_by(service_id=by_code[A]).order_by(Invitation.id).limit(8):
            inv.used = True  # 8 of A's 16 codes came back
        s.commit()
    add_responses(app, plan_id, A, satisfied=6, unsatisfied=2)
    add_responses(app, plan_id, B, satisfied=5)
    add_responses(app, plan_id, C, satisfied=6)
    return plan_id


def _progress(app, plan_id, on):
    with app.app_context():
        s = db.session()
        plan = s.get(Plan, plan_id)
        estimates = scoped_estimates(s, results_filters(s, plan), results_method(plan))
        return {p.code: p for p in service_progress(s, plan, estimates, on)}


def test_running_plan_by_hand(app, running):
    p = _progress(app, running, today())
    assert [p[c].responses for c in (A, B, C, D)] == [8, 5, 6, 0]
    assert {c: p[c].days_left for c in p} == dict.fromkeys(p, 20)  # day 10 of 30
    assert {c: p[c].phase for c in p} == dict.fromkeys(p, "running")
    # pace: responses × 30 ÷ 10
    assert [p[c].projected for c in (A, B, C, D)] == [24, 15, 18, 0]
    assert [p[c].at_risk for c in (A, B, C, D)] == [False, True, False, True]  # 24 ≥ 20; 15 < 20; done; 0 < 10
    assert [p[c].done for c in (A, B, C, D)] == [40.0, 25.0, 100.0, 0.0]  # 8/20, 5/20, 6/6, 0/10
    # response rate: invitations used ÷ issued
    assert (p[A].invitations, p[A].invitations_used, p[A].response_rate) == (16, 8, 50.0)
    assert (p[D].invitations, p[D].response_rate) == (4, 0.0)
    assert p[B].response_rate is None  # no codes issued: no rate, not 0 %
    # precision: A has p = 6/8; each procedure is its own sample (N = 8, its own 8/7
    # factor) → logit interval with t on 8 - 1 degrees of freedom; B and C are at
    # 100 % → Wilson with n
    assert p[A].half_width == pytest.approx(logit_half_width(0.75, 8, 8, df=7), abs=1e-9)
    assert p[A].half_width == pytest.approx(34.1803, abs=1e-4)
    assert p[B].half_width == pytest.approx(wilson_all_half_width(5), abs=1e-9)  # 21.7241
    assert p[C].half_width == pytest.approx(wilson_all_half_width(6), abs=1e-9)  # 19.5167
    assert p[D].half_width is None
    assert {c: p[c].target_half_width for c in p} == dict.fromkeys(p, 20.0)
    assert [p[c].precise_enough for c in (A, B, C, D)] == [False, False, True, None]  # 28.6, 21.7 > 20 ≥ 19.5


def test_ended_plan_missed_not_at_risk(app, running):
    with app.app_context():
        end = db.session().get(Plan, running).end_date
    p = _progress(app, running, end + timedelta(days=3))
    assert {c: (p[c].phase, p[c].days_left) for c in p} == dict.fromkeys(p, ("ended", 0))
    assert [p[c].projected for c in (A, B, C, D)] == [8, 5, 6, 0]  # the count itself: 8 × 30 ÷ 30
    assert not any(p[c].at_risk for c in p)  # nothing left to catch up
    assert [p[c].missed for c in (A, B, C, D)] == [True, True, False, True]  # 8 < 20, 5 < 20, 6 = 6, 0 < 10


def test_plan_not_started_is_not_at_risk(app, demo):
    t = today()
    plan_id = make_plan(app, demo, start=t + timedelta(days=5), end=t + timedelta(days=34), services=[A, D])
    add_responses(app, plan_id, A, satisfied=3)  # stored today: before the plan, so not its responses
    with app.app_context():
        s = db.session()
        plan = s.get(Plan, plan_id)
        for ps in plan.services:
            ps.target = 10
        s.commit()
    p = _progress(app, plan_id, None)  # default day: today in Vietnam
    for c in (A, D):
        assert (p[c].phase, p[c].responses, p[c].projected, p[c].days_left) == ("before", 0, 0, 30)
        assert not p[c].at_risk and not p[c].missed and p[c].half_width is None and p[c].done == 0.0


def test_page_flags_only_the_services_behind(app, client, staff, running):
    from survey.models import User
    with app.app_context():  # the page is the demo commune's; the staff fixture's accounts see it
        assert db.session().query(User).filter_by(username="viewer1").one().unit_id == staff.demo.unit_id
    login(client, "viewer1")
    html = client.get(f"/staff/plans/{running}").get_data(as_text=True)
    rows = {c: html.split(c + " – ", 1)[1].split("</tr>", 1)[0] for c in TARGETS}
    assert ["không kịp chỉ tiêu" in rows[c] for c in (A, B, C, D)] == [False, True, False, True]
    assert "19,5 / 20,0 ✓" in rows[C] and "34,2 / 20,0<" in rows[A]
