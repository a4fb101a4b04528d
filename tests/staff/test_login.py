"""Login, logout, throttling, disabled accounts, password change."""
from __future__ import annotations

from sqlalchemy import select

from survey import db
from survey.auth import throttle
from survey.models import AuditEvent, User
from tests.staff.conftest import PASSWORD, csrf_from, login


def _events(app, action):
    with app.app_context():
        return list(db.session().scalars(select(AuditEvent).where(AuditEvent.action == action)))


def test_login_page_is_vietnamese_and_csrf_protected(client):
    page = client.get("/staff/login")
    assert page.status_code == 200
    assert "Đăng nhập cán bộ" in page.get_data(as_text=True)
    # No token: the form is refused.
    assert client.post("/staff/login", data={"username": "x", "password": "y"}).status_code == 400


def test_login_logout_and_last_login(app, client, staff):
    response = login(client, "admin1")
    assert response.status_code == 302 and response.headers["Location"].endswith("/staff/")
    home = client.get("/staff/")
    assert home.status_code == 200 and "admin1" in home.get_data(as_text=True)
    with app.app_context():
        user = db.session().scalar(select(User).where(User.username == "admin1"))
        assert user.last_login_at is not None
    assert len(_events(app, "login")) == 1
    out = client.post("/staff/logout", data={"csrf_token": csrf_from(home)})
    assert out.status_code == 302
    assert client.get("/staff/").status_code == 302
    assert len(_events(app, "logout")) == 1


def test_username_is_case_insensitive_and_next_is_local_only(client, staff):
    page = client.get("/staff/login")
    r = client.post("/staff/login?next=https://evil.example/", data={
        "username": "ADMIN1", "password": PASSWORD, "csrf_token": csrf_from(page)})
    assert r.status_code == 302 and r.headers["Location"] == "/staff/"


def test_wrong_password_is_refused_and_audited(app, client, staff):
    response = login(client, "admin1", "wrong-password!")
    assert response.status_code == 401
    assert "không đúng" in response.get_data(as_text=True)
    assert client.get("/staff/").status_code == 302
    events = _events(app, "login_invalid")
    assert len(events) == 1 and events[0].target == f"user:{staff.users['admin']}" and events[0].user_id is None
    login(client, "nobody", "wrong-password!")
    assert _events(app, "login_invalid")[-1].target == "nobody"


def test_throttling_locks_after_repeated_failures(app, client, staff):
    for _ in range(throttle.MAX_FAILURES):
        assert login(client, "viewer1", "wrong-password!").status_code == 401
    # Even the right password is refused while locked …
    locked = login(client, "viewer1")
    assert locked.status_code == 429
    assert client.get("/staff/").status_code == 302
    assert len(_events(app, "login_locked")) == 1
    # … but another account from the same client is not affected.
    assert login(client, "analyst1").status_code == 302


def test_throttle_window_expires(app, client, staff, monkeypatch):
    from datetime import timedelta

    for _ in range(throttle.MAX_FAILURES):
        login(client, "viewer1", "wrong-password!")
    assert login(client, "viewer1").status_code == 429
    later = throttle.utcnow() + timedelta(seconds=throttle.WINDOW_SECONDS + 1)
    monkeypatch.setattr(throttle, "utcnow", lambda: later)
    assert login(client, "viewer1").status_code == 302


def test_disabled_account_cannot_log_in_and_is_logged_out(app, client, staff):
    assert login(client, "viewer1").status_code == 302
    with app.app_context():
        s = db.session()
        s.get(User, staff.users["viewer"]).active = False
        s.commit()
    assert client.get("/staff/").status_code == 302  # the open session ends
    refused = login(client, "viewer1")
    wrong = app.test_client()
    assert refused.status_code == 401
    # Word for word what a wrong password gets: a disabled account is not revealed.
    assert _message(refused) == _message(login(wrong, "analyst1", "wrong-password!"))


def _message(answer) -> str:
    html = answer.get_data(as_text=True)
    start = html.index('role="alert"')
    return html[start:html.index("</", start)]


def test_password_change(app, client, staff):
    login(client, "analyst1")
    page = client.get("/staff/account/password")
    token = csrf_from(page)
    bad = client.post("/staff/account/password", data={
        "csrf_token": token, "current_password": "nope", "new_password": "another-long-pass",
        "confirm_password": "another-long-pass"})
    assert bad.status_code == 400
    weak = client.post("/staff/account/password", data={
        "csrf_token": token, "current_password": PASSWORD, "new_password": "short",
        "confirm_password": "short"})
    assert weak.status_code == 400
    other = app.test_client()
    login(other, "analyst1")
    ok = client.post("/staff/account/password", data={
        "csrf_token": token, "current_password": PASSWORD, "new_password": "another-long-pass",
        "confirm_password": "another-long-pass"})
    assert ok.status_code == 302
    assert client.get("/staff/").status_code == 200  # this session goes on
    assert other.get("/staff/").status_code == 302  # other sessions end
    fresh = app.test_client()
    assert login(fresh, "analyst1").status_code == 401
    assert login(fresh, "analyst1", "another-long-pass").status_code == 302
    assert len(_events(app, "password_change")) == 1


def test_audit_log_page_lists_events_for_admins_only(app, client, staff):
    login(app.test_client(), "admin1", "wrong-password!")
    login(client, "admin1")
    page = client.get("/staff/admin/audit")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "login_invalid" in html and "admin1" in html
    viewer = app.test_client()
    login(viewer, "viewer1")
    assert viewer.get("/staff/admin/audit").status_code == 403
    menu = viewer.get("/staff/").get_data(as_text=True)
    assert "/staff/admin/audit" not in menu and "/staff/account/password" in menu


def test_login_over_https_behind_the_proxy_needs_no_referer(database_url, staff):
    """A browser sends no Referer (our Referrer-Policy is no-referrer), yet staff forms must post over HTTPS.

    Flask-WTF's strict-SSL check refused every staff POST arriving with
    X-Forwarded-Proto: https and no Referer (400): behind nginx, nobody
    could log in. Found by the failover test (tests/failover/).
    """
    from survey import create_app

    behind_proxy = create_app({"TESTING": True, "SECRET_KEY": "test-secret", "DATABASE_URL": database_url,
                               "SIPAS_BASE_URL": "https://khaosat.example.gov.vn", "SIPAS_PROXY_COUNT": 1,
                               "SIPAS_PRODUCTION": True, "SESSION_COOKIE_SECURE": True})
    client = behind_proxy.test_client()
    https = {"X-Forwarded-Proto": "https", "X-Forwarded-Host": "khaosat.example.gov.vn",
             "X-Forwarded-For": "203.0.113.7"}
    page = client.get("/staff/login", headers=https)
    assert page.headers["Referrer-Policy"] == "no-referrer"
    done = client.post("/staff/login", headers=https, data={
        "username": "admin1", "password": PASSWORD, "csrf_token": csrf_from(page)})
    assert done.status_code == 302, done.status_code
    # Still refused without the session-bound token.
    assert client.post("/staff/logout", headers=https, data={}).status_code == 400
    behind_proxy.extensions["sipas.engine"].dispose()
