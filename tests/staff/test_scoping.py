"""Unit scoping: a commune account sees only its commune; a city account sees all its communes."""
from __future__ import annotations

from flask_login import login_user

from survey import db
from survey.auth.access import require_visible_unit, visible_unit_ids
from survey.models import User
from tests.staff.conftest import csrf_from, login, make_user


def test_visible_units_of_commune_and_city_accounts(app, staff):
    with app.test_request_context():
        s = db.session()
        commune_admin = s.get(User, staff.users["admin"])
        city_admin = s.get(User, staff.users["city_admin"])
        assert visible_unit_ids(commune_admin) == {staff.demo.unit_id}
        assert visible_unit_ids(city_admin) == {staff.demo.city_id, staff.demo.unit_id, staff.other_unit_id}
        login_user(commune_admin)
        require_visible_unit(staff.demo.unit_id)
        try:
            require_visible_unit(staff.other_unit_id)
        except Exception as exc:  # werkzeug NotFound
            assert getattr(exc, "code", None) == 404
        else:
            raise AssertionError("another commune's unit was visible")


def test_commune_admin_cannot_reach_another_communes_counter_by_id(client, staff):
    login(client, "admin1")
    own = staff.demo.points[0].id
    assert client.get(f"/staff/admin/counters/{own}").status_code == 200
    # Same 404 for another commune's counter as for one that does not exist.
    assert client.get(f"/staff/admin/counters/{staff.other_point_id}").status_code == 404
    assert client.get("/staff/admin/counters/999999").status_code == 404
    listing = client.get("/staff/admin/counters").get_data(as_text=True)
    assert "Quầy xã khác" not in listing
    token = csrf_from(client.get(f"/staff/admin/counters/{own}"))
    for action in ("rotate", "revoke", "kiosk"):
        response = client.post(f"/staff/admin/counters/{staff.other_point_id}/{action}", data={"csrf_token": token})
        assert response.status_code == 404
    # Moving one's own counter into another commune is refused too.
    moved = client.post(f"/staff/admin/counters/{own}", data={
        "csrf_token": token, "name": "x", "unit_id": staff.other_unit_id})
    assert moved.status_code == 404


def test_commune_admin_cannot_manage_another_communes_accounts(app, client, staff):
    other_user = make_user(app, "otherviewer", "viewer", staff.other_unit_id)
    login(client, "admin1")
    page = client.get("/staff/admin/users")
    assert "otherviewer" not in page.get_data(as_text=True)
    token = csrf_from(page)
    assert client.post(f"/staff/admin/users/{other_user}/active", data={"csrf_token": token}).status_code == 404
    assert client.post(f"/staff/admin/users/{other_user}/password", data={"csrf_token": token}).status_code == 404
    created = client.post("/staff/admin/users", data={
        "csrf_token": token, "username": "intruder", "role": "admin", "unit_id": staff.other_unit_id})
    assert created.status_code == 404
    with app.app_context():
        assert db.session().get(User, other_user).active


def test_city_admin_sees_every_commune(client, staff):
    login(client, "cityadmin")
    assert client.get(f"/staff/admin/counters/{staff.other_point_id}").status_code == 200
    listing = client.get("/staff/admin/counters").get_data(as_text=True)
    assert "Quầy xã khác" in listing and "Quầy 1" in listing


def test_creating_a_name_taken_in_another_unit_reveals_nothing(app, client, staff):
    make_user(app, "otherviewer", "viewer", staff.other_unit_id)
    login(client, "admin1")

    def refusal(username: str) -> str:
        token = csrf_from(client.get("/staff/admin/users"))
        answer = client.post("/staff/admin/users", data={
            "csrf_token": token, "username": username, "role": "viewer", "unit_id": staff.demo.unit_id},
            follow_redirects=True)
        html = answer.get_data(as_text=True)
        start = html.index('class="flash')
        return html[start:html.index("</", start)]

    taken, invalid = refusal("otherviewer"), refusal("two words")
    assert taken == invalid  # a name used in another commune reads like a bad name
    assert "đã có" not in taken
