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
    """Open the form and post a complete, valid response as another citizen; return the POST's answer.

    Each call is a different person's phone: its own browser session (one
    browser sending again within minutes replaces its response, issue #11.6),
    on the client's network address (the rate limits count per address).
    """
    citizen = client.application.test_client()
    citizen.environ_base.update(client.environ_base)
    form = {**open_form(citizen, url), **full_answers(base), "service": service, **extra}
    return citizen.post(url, data=form)


STAFF_PASSWORD = "Mật-khẩu-thử-nghiệm-2026"


def staff_login(app, client, role: str = "admin", username: str = "rel-admin") -> None:
    """Create an account at the demo commune and log in through the real login form."""
    import re

    from survey.auth.operations import create_user
    from survey.models import Unit

    with app.app_context():
        s = db.session()
        unit = s.scalars(select(Unit).where(Unit.kind == "commune")).first()
        create_user(s, username, role, unit, STAFF_PASSWORD)
        s.commit()
    page = client.get("/staff/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    done = client.post("/staff/login", data={"csrf_token": token, "username": username,
                                             "password": STAFF_PASSWORD})
    assert done.status_code in (302, 303), done.status_code


def database_snapshot(app) -> dict[str, list[tuple]]:
    """Every row of every table, as plain tuples: a before/after state to compare."""
    from survey.db import Base

    with app.app_context():
        conn = db.session().connection()
        return {t.name: sorted(map(repr, conn.execute(t.select()).all())) for t in Base.metadata.sorted_tables}
