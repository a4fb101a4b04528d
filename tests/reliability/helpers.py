"""Helpers shared by the reliability tests: fill the form, count what is stored."""
from __future__ import annotations

from sqlalchemy import func, select

from survey import db
from survey.catalogue.operations import register_kiosk
from survey.models import Response, ServicePoint
from tests.citizen.helpers import full_answers, open_form


def stored(app) -> int:
    """Return how many responses the database holds."""
    with app.app_context():
        return db.session().scalar(select(func.count(Response.id)))


def kiosk_token(app, point_id: int) -> str:
    """Register the counter's tablet and return its token."""
    with app.app_context():
        s = db.session()
        token = register_kiosk(s.get(ServicePoint, point_id))
        s.commit()
        return token


def submit(client, url: str, service: str, base: int = 4, **extra):
    """Open the form and post a complete, valid response; return the POST's answer."""
    form = {**open_form(client, url), **full_answers(base), "service": service, **extra}
    return client.post(url, data=form)
