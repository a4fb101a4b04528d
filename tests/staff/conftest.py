"""Staff fixtures: accounts of each role on the demo commune and city, and a login helper."""
from __future__ import annotations

from types import SimpleNamespace

import pytest

from survey import db
from survey.auth.operations import create_user
from survey.catalogue import operations as ops
from survey.models import Unit

PASSWORD = "correct-horse-battery"


def make_user(app, username: str, role: str, unit_id: int, password: str = PASSWORD) -> int:
    """Create an account directly in the database; return its id."""
    with app.app_context():
        s = db.session()
        user = create_user(s, username, role, s.get(Unit, unit_id), password)
        s.commit()
        return user.id


def login(client, username: str, password: str = PASSWORD):
    """Log in through the form (CSRF is on in tests, so read the token first)."""
    page = client.get("/staff/login")
    token = csrf_from(page)
    return client.post("/staff/login", data={"username": username, "password": password, "csrf_token": token})


def csrf_from(response) -> str:
    """Return the CSRF token embedded in a rendered page."""
    html = response.get_data(as_text=True)
    marker = 'name="csrf_token" value="'
    start = html.index(marker) + len(marker)
    return html[start:html.index('"', start)]


@pytest.fixture
def staff(app, demo):
    """A second commune in the same city, and one account per role (plus city-level ones)."""
    with app.app_context():
        s = db.session()
        commune = s.get(Unit, demo.unit_id)
        other = ops.upsert_unit(s, "OTHER-01", "Xã Khác", "commune", commune.parent)
        other_point = ops.upsert_service_point(s, other, "Quầy xã khác", list(commune.service_points[0].services))
        s.commit()
        other_id, other_point_id = other.id, other_point.id
    users = {
        "admin": make_user(app, "admin1", "admin", demo.unit_id),
        "analyst": make_user(app, "analyst1", "analyst", demo.unit_id),
        "viewer": make_user(app, "viewer1", "viewer", demo.unit_id),
        "city_admin": make_user(app, "cityadmin", "admin", demo.city_id),
    }
    return SimpleNamespace(
        users=users,
        names={"admin": "admin1", "analyst": "analyst1", "viewer": "viewer1", "city_admin": "cityadmin"},
        other_unit_id=other_id,
        other_point_id=other_point_id,
        demo=demo,
    )


def post_download(client, url: str, **kwargs):
    """Take a download that is recorded in the audit log: a POST with the session's CSRF token."""
    page = client.get("/staff/account/password")
    token = csrf_from(page if page.status_code == 200 else client.get("/staff/login"))  # logged in or not
    return client.post(url, data={"csrf_token": token}, **kwargs)
