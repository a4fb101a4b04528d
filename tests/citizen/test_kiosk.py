"""A counter tablet registered as a kiosk."""
from __future__ import annotations

from sqlalchemy import select

from survey import db
from survey.catalogue.operations import register_kiosk
from survey.models import Response, ServicePoint
from tests.citizen.helpers import full_answers, open_form


def _kiosk(app, point_id: int) -> str:
    with app.app_context():
        s = db.session()
        token = register_kiosk(s.get(ServicePoint, point_id))
        s.commit()
        return token


def test_kiosk_records_channel_and_returns_to_a_fresh_form(app, client, demo):
    point = demo.points[0]
    token = _kiosk(app, point.id)
    url = f"/k/{token}"
    page = client.get(url)
    html = page.get_data(as_text=True)
    # The idle timer sends the tablet back to a fresh form after 90 s.
    assert "90000" in html and f'"{url}"' in html
    assert '<script nonce="' in html
    form = {**open_form(client, url), **full_answers(), "service": point.services[0]}
    done = client.post(url, data=form)
    assert done.status_code == 303 and done.headers["Location"].endswith(f"{url}/cam-on")
    thanks = client.get(done.headers["Location"]).get_data(as_text=True)
    assert f'content="8;url={url}"' in thanks
    fresh = open_form(client, url)
    assert fresh["submission_key"] != form["submission_key"]
    with app.app_context():
        assert db.session().scalars(select(Response.channel)).all() == ["kiosk"]


def test_unregistered_kiosk_token_is_404(client, demo):
    assert client.get("/k/unknown-token").status_code == 404
    assert client.get("/k/unknown-token/cam-on").status_code == 404
