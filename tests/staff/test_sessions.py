"""Sessions that end: logout, password change or reset, disabling, idle and absolute limits.

A cookie copied before the event (another browser, a stolen copy) must stop
opening staff pages at once, whichever worker it reaches.
"""
from __future__ import annotations

import base64
import json
import zlib

from sqlalchemy import select

from survey import db
from survey.auth import sessions
from survey.models import User
from tests.staff.conftest import PASSWORD, csrf_from, login, post_download


def _copy(app, client):
    """Return a second client carrying the same session cookie (a stolen or second copy)."""
    other = app.test_client()
    other.set_cookie("session", client.get_cookie("session").value)
    return other


def _logged_in(client) -> bool:
    return client.get("/staff/").status_code == 200


def _user(app, name) -> User:
    with app.app_context():
        s = db.session()
        user = s.scalar(select(User).where(User.username == name))
        s.expunge(user)
        return user


def test_logout_ends_every_copy_of_the_session(app, client, staff):
    login(client, "viewer1")
    copy = _copy(app, client)
    assert _logged_in(copy)
    client.post("/staff/logout", data={"csrf_token": csrf_from(client.get("/staff/"))})
    assert not _logged_in(client)
    assert not _logged_in(copy)


def test_password_change_ends_other_sessions_but_keeps_this_one(app, client, staff):
    login(client, "analyst1")
    copy = _copy(app, client)
    page = client.get("/staff/account/password")
    answer = client.post("/staff/account/password", data={
        "csrf_token": csrf_from(page), "current_password": PASSWORD,
        "new_password": "another-long-secret", "confirm_password": "another-long-secret"})
    assert answer.status_code == 302
    assert _logged_in(client)
    assert not _logged_in(copy)


def test_admin_reset_and_disable_end_the_account_sessions(app, client, staff):
    victim = app.test_client()
    login(victim, "viewer1")
    assert _logged_in(victim)
    login(client, "admin1")
    viewer_id = staff.users["viewer"]
    token = csrf_from(client.get("/staff/admin/users"))
    assert client.post(f"/staff/admin/users/{viewer_id}/password", data={"csrf_token": token}).status_code == 200
    assert not _logged_in(victim)
    # Disabling: log in again with the new password is impossible without it, so use a fresh account.
    login(victim, "analyst1")
    assert _logged_in(victim)
    token = csrf_from(client.get("/staff/admin/users"))
    client.post(f"/staff/admin/users/{staff.users['analyst']}/active", data={"csrf_token": token})
    assert not _logged_in(victim)


def test_idle_and_absolute_limits(app, client, staff, monkeypatch):
    clock = [1_000_000.0]
    monkeypatch.setattr(sessions, "_now", lambda: clock[0])
    login(client, "viewer1")
    idle = app.config["SIPAS_SESSION_IDLE_MINUTES"] * 60
    assert (idle, app.config["SIPAS_SESSION_MAX_HOURS"]) == (30 * 60, 12)
    clock[0] += idle - 5
    assert _logged_in(client)  # activity keeps it alive
    clock[0] += idle + 1
    assert not _logged_in(client)
    login(client, "viewer1")
    logged_in_at = clock[0]
    # Active every 20 minutes, the session still ends 12 hours after login.
    while clock[0] + 20 * 60 - logged_in_at < 12 * 3600:
        clock[0] += 20 * 60
        assert _logged_in(client)
    clock[0] = logged_in_at + 12 * 3600 + 1
    assert not _logged_in(client)
    login(client, "viewer1")
    clock[0] += 11 * 3600
    assert not _logged_in(client)  # idle for 11 hours


def test_limits_are_settings(app, client, staff, monkeypatch):
    app.config["SIPAS_SESSION_IDLE_MINUTES"] = 1
    clock = [5_000.0]
    monkeypatch.setattr(sessions, "_now", lambda: clock[0])
    login(client, "viewer1")
    clock[0] += 61
    assert not _logged_in(client)


def _cookie_payload(client) -> str:
    value = client.get_cookie("session").value
    compressed = value.startswith(".")
    body = value.lstrip(".").split(".")[0]
    raw = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
    return (zlib.decompress(raw) if compressed else raw).decode()


def test_csrf_token_renewed_at_login_and_cookie_holds_no_hash(app, client, staff):
    before = csrf_from(client.get("/staff/login"))
    before_raw = json.loads(_cookie_payload(client)).get("csrf_token")
    login(client, "admin1")
    after_raw = json.loads(_cookie_payload(client)).get("csrf_token")
    assert before_raw and after_raw != before_raw
    assert csrf_from(client.get("/staff/")) != before
    # The token from before login no longer passes.
    answer = client.post("/staff/logout", data={"csrf_token": before})
    assert answer.status_code == 400
    user = _user(app, "admin1")
    payload = _cookie_payload(client)
    for piece in (user.password_hash[-12:], user.password_hash[-6:], user.password_hash.split("$")[-1][:8]):
        assert piece not in payload


def test_staff_pages_exports_and_new_password_page_are_not_stored(app, client, staff):
    login(client, "admin1")
    token = csrf_from(client.get("/staff/admin/users"))
    for answer in (client.get("/staff/"), client.get("/staff/admin/users"),
                   client.post(f"/staff/admin/users/{staff.users['viewer']}/password", data={"csrf_token": token}),
                   post_download(client, "/staff/results/export/indices.csv"), client.get("/staff/login")):
        assert answer.status_code < 500
        assert answer.headers.get("Cache-Control") == "no-store", answer.request.path
