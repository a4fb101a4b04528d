"""Invitation codes: typed form, preset service, single use, expiry, slips PDF."""
from __future__ import annotations

import re
from datetime import timedelta

from survey import db
from survey.invitations.codes import ALPHABET, display, normalise
from survey.invitations.slips import slips_pdf
from survey.models import Invitation, Response
from survey.plans.calendar import today
from tests.citizen.helpers import full_answers, hidden_fields
from tests.plans.helpers import make_plan
from tests.plans.invite import answer_invitation, issue_codes

SERVICE = "1.001193"


def test_codes_avoid_lookalikes_and_normalise():
    assert not set("01OI") & set(ALPHABET) and len(ALPHABET) == 32
    assert normalise(" abcd-efgh ") == "ABCDEFGH" and display("ABCDEFGH") == "ABCD-EFGH"
    assert normalise("ABCD0FGH") is None and normalise("ABC") is None


def test_code_opens_form_with_service_and_stores_invitation_channel(app, client, demo):
    plan_id = make_plan(app, demo)
    code = issue_codes(app, plan_id, SERVICE, 3)[0]
    page = client.get(f"/m/{code}").get_data(as_text=True)
    assert "Đăng ký khai sinh" in page and 'name="service"' not in page
    assert answer_invitation(client, code).status_code == 303
    with app.app_context():
        r = db.session().query(Response).one()
        assert (r.channel, r.service_point_id, r.unit_id) == ("invitation", None, demo.unit_id)
        assert db.session().query(Invitation).filter_by(code=code).one().used is True


def _refusal(page) -> str:
    """The page's text without its per-request nonce."""
    import re

    return re.sub(r'nonce="[^"]*"', "", page.get_data(as_text=True))


def test_used_code_refused_clearly_and_stores_nothing_more(app, client, demo):
    plan_id = make_plan(app, demo)
    code = issue_codes(app, plan_id, SERVICE, 1)[0]
    fields = hidden_fields(client.get(f"/m/{code}").get_data(as_text=True))
    first = client.post(f"/m/{code}", data={**fields, **full_answers()})
    assert first.status_code == 303
    replay = client.post(f"/m/{code}", data={**fields, **full_answers()})  # same submission key
    assert replay.status_code == 303
    again = client.get(f"/m/{code}")
    unknown = client.get("/m/ABCDEFGH")
    assert again.status_code == unknown.status_code == 410
    # A used code answers word for word like one never issued.
    assert _refusal(again) == _refusal(unknown)
    fresh = {**fields, "submission_key": "b" * 32, **full_answers()}
    assert client.post(f"/m/{code}", data=fresh).status_code == 410
    with app.app_context():
        assert db.session().query(Response).count() == 1


def test_expired_or_unknown_code_refused(app, client, demo):
    past = today() - timedelta(days=100)
    plan_id = make_plan(app, demo, start=past, end=past + timedelta(days=30))
    code = issue_codes(app, plan_id, SERVICE, 1)[0]
    page = client.get(f"/m/{code}")
    unknown = client.get("/m/ABCDEFGH")
    assert page.status_code == unknown.status_code == 410
    assert _refusal(page) == _refusal(unknown) and "không dùng được" in _refusal(page)
    assert client.get("/m/not-a-code").status_code == 404


def test_typed_code_redirects_to_form(app, client, demo):
    plan_id = make_plan(app, demo)
    code = issue_codes(app, plan_id, SERVICE, 1)[0]
    page = client.get("/m")
    fields = hidden_fields(page.get_data(as_text=True))
    typed = client.post("/m", data={**fields, "code": display(code).lower()})
    assert typed.status_code == 303 and typed.headers["Location"].endswith(f"/m/{code}")
    bad = client.post("/m", data={**fields, "code": "1234"})
    assert bad.status_code == 400 and "8 ký tự" in bad.get_data(as_text=True)


def test_slips_pdf_has_one_slip_per_code():
    slips = [{"code": c, "unit": "Xã An Lão", "service": "Đăng ký khai sinh", "expires": today()}
             for c in ("ABCDEFGH", "JKLMNPQR", "STUVWXYZ") * 4]
    pdf = slips_pdf(slips, "http://sipas.test")
    assert pdf.startswith(b"%PDF")
    assert len(re.findall(rb"/Type /Page\b(?!s)", pdf)) == 2  # 12 slips, 10 per page
    assert b"DejaVuSans" in pdf
