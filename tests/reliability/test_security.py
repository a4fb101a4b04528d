"""Generic security checks: login on /staff/, CSRF on every POST, cookies, headers, errors, size."""
from __future__ import annotations

import re

import pytest
from werkzeug.routing import Rule
from werkzeug.routing.converters import NumberConverter

from survey.auth import policy
from tests.citizen.helpers import full_answers, open_form
from tests.reliability.helpers import database_snapshot, kiosk_token, staff_login, stored, submit


def _url(rule: Rule, tokens: dict[str, str]) -> str:
    """Build a URL for a rule, with real tokens where the rule takes one."""
    values = {}
    for name in rule.arguments:
        converter = rule._converters[name]
        kind = converter.__class__.__name__
        if kind == "AnyConverter":
            values[name] = sorted(converter.items)[0]
        elif isinstance(converter, NumberConverter):  # the app's bounded id converters too
            values[name] = 1
        elif kind == "UUIDConverter":
            values[name] = "00000000-0000-0000-0000-000000000001"
        else:
            values[name] = tokens.get(name, "x")
    path = rule.build(values, append_unknown=False)[1]
    return path


def _staff_rules(app) -> list[Rule]:
    return [r for r in app.url_map.iter_rules() if r.rule.startswith("/staff") and r.endpoint != "static"]


def test_every_staff_route_requires_login(app, client, demo):
    rules = _staff_rules(app)
    assert rules, "the staff blueprint is not registered"
    checked = 0
    for rule in rules:
        view = app.view_functions[rule.endpoint]
        action = policy.action_of(view, rule.endpoint)
        if action is not None and policy.is_public(action):
            continue  # declared public: the login page itself
        url = _url(rule, {})
        for method in sorted(rule.methods & {"GET", "POST"}):
            answer = client.open(url, method=method)
            body = answer.get_data(as_text=True)
            assert answer.status_code in (302, 303, 400, 401, 403), (method, url, answer.status_code)
            if answer.status_code in (302, 303):
                assert "/staff/login" in answer.headers["Location"], (url, answer.headers["Location"])
            assert "Traceback" not in body
            checked += 1
    assert checked >= 1


def _post_rules(app) -> list[Rule]:
    return [r for r in app.url_map.iter_rules() if "POST" in r.methods and r.endpoint != "static"]


def test_a_post_without_csrf_token_never_changes_state(app, client, demo):
    staff_login(app, client)
    point = demo.points[0]
    tokens = {"token": point.token, "kiosk_token": kiosk_token(app, point.id),
              "service_code": point.services[0]}
    before = database_snapshot(app)
    posts = _post_rules(app)
    assert any(r.endpoint == "citizen.form" for r in posts)
    for rule in posts:
        url = _url(rule, tokens)
        fields = {k: v for k, v in open_form(client, f"/s/{point.token}").items() if k != "csrf_token"}
        data = {**fields, **full_answers(), "service": point.services[0], "username": "x",
                "password": "x", "code": "ABCD-EFGH", "name": "Tên mới", "role": "admin"}
        answer = client.post(url, data=data)
        assert answer.status_code in (400, 404), (url, answer.status_code)
        assert "Traceback" not in answer.get_data(as_text=True)
    assert database_snapshot(app) == before
    # Control: the same citizen POST with its token does change state.
    assert submit(client, f"/s/{point.token}", point.services[0]).status_code == 303
    assert stored(app) == 1


def test_production_session_cookie_is_secure_httponly_samesite(make_app, demo):
    app = make_app(SIPAS_PRODUCTION=True)
    answer = app.test_client().get("/staff/login")
    cookie = answer.headers["Set-Cookie"]
    assert re.search(r"; Secure", cookie) and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert answer.headers["Strict-Transport-Security"].startswith("max-age=")
    dev = make_app().test_client().get("/staff/login").headers["Set-Cookie"]
    assert "Secure" not in dev  # plain http in development would otherwise lose the session


def _pages(demo, app):
    point = demo.points[0]
    return [f"/s/{point.token}", f"/k/{kiosk_token(app, point.id)}", "/cam-on", "/staff/login",
            "/m", "/s/no-such-token", "/quyen-rieng-tu"]


def test_security_headers_and_csp_without_unsafe_inline(app, client, demo):
    for url in _pages(demo, app):
        answer = client.get(url)
        if url == "/quyen-rieng-tu" and answer.status_code == 404:
            continue
        csp = answer.headers["Content-Security-Policy"]
        assert "unsafe-inline" not in csp and "unsafe-eval" not in csp and "*" not in csp, url
        assert "default-src 'none'" in csp and "frame-ancestors 'none'" in csp
        assert answer.headers["X-Content-Type-Options"] == "nosniff"
        assert answer.headers["Referrer-Policy"] == "no-referrer"
        html = answer.get_data(as_text=True)
        nonces = set(re.findall(r"'nonce-([^']+)'", csp))
        for attrs in re.findall(r"<(?:script|style)\b([^>]*)>", html):
            if "src=" in attrs:
                continue  # an external script from 'self'
            nonce = re.search(r'nonce="([^"]*)"', attrs)
            assert nonce and nonce.group(1) in nonces, (url, "inline script/style without this request's nonce")
        assert not re.search(r"<[^>]+\s(on[a-z]+|style)=", html), (url, "inline handler or style attribute")


def test_no_stack_trace_ever_reaches_the_user(make_app, demo):
    app = make_app(TESTING=False, PROPAGATE_EXCEPTIONS=False, RATELIMIT_ENABLED=False)

    def boom():
        raise RuntimeError("secret-internal-detail-42 at /srv/survey/x.py")

    app.add_url_rule("/__test-boom", "test_boom", boom)
    answer = app.test_client().get("/__test-boom")
    html = answer.get_data(as_text=True)
    assert answer.status_code == 500
    assert "Đã có lỗi xảy ra" in html
    for leak in ("Traceback", "secret-internal", "RuntimeError", "/srv/", ".py"):
        assert leak not in html


def test_oversized_bodies_get_a_friendly_413(make_app, demo):
    point = demo.points[0]
    small = make_app(MAX_CONTENT_LENGTH=4096).test_client()
    answer = small.post(f"/s/{point.token}", data={"comment": "x" * 10_000})
    assert answer.status_code == 413 and "Tệp quá lớn" in answer.get_data(as_text=True)
    # Default settings: public pages take 64 KB at most, whatever the content type.
    client = make_app().test_client()
    for url in (f"/s/{point.token}", "/staff/login", "/m"):
        answer = client.post(url, data={"comment": "x" * 70_000})
        assert answer.status_code == 413, url
        answer = client.post(url, data=b"x" * 70_000, content_type="application/octet-stream")
        assert answer.status_code == 413, url
    assert stored(client.application) == 0
    form = {**open_form(client, f"/s/{point.token}"), **full_answers(), "service": point.services[0],
            "comment": "ý" * 2000}  # the longest allowed comment, percent-encoded, still fits
    assert client.post(f"/s/{point.token}", data=form).status_code in (303, 400)
    assert client.post(f"/s/{point.token}", data=form).status_code != 413


@pytest.mark.parametrize("path", ["/staff/login"])
def test_staff_login_is_rate_limited(make_app, demo, path):
    client = make_app(RATELIMIT_ENABLED=True).test_client()
    codes = [client.post(path, data={"username": "a", "password": "b"}).status_code for _ in range(25)]
    assert 429 in codes and codes.index(429) == 20
