"""Any worker or host can serve any request: nothing lives in one process.

Two app instances on the same database and secret stand for two gunicorn
workers (or two hosts behind a load balancer): the session is a signed
cookie, the CSRF token is bound to that session, rate-limit counters live in
Redis. See docs/scale.md.
"""
from __future__ import annotations

import uuid

from sqlalchemy import func, select

from survey import db
from survey.models import Response
from tests.citizen.helpers import full_answers, open_form
from tests.reliability.helpers import staff_login
from tests.reliability.test_limits import _redis_url


def _move_cookies(source, target) -> None:
    """What a load balancer does: the browser's cookies reach whichever worker answers."""
    for cookie in source._cookies.values():  # werkzeug's jar: (domain, path, name) -> Cookie
        target.set_cookie(cookie.key, cookie.value, domain=cookie.domain, path=cookie.path)


def _count(app) -> int:
    with app.app_context():
        return db.session().scalar(select(func.count(Response.id)))


def test_form_fetched_from_one_worker_is_accepted_by_another(app, make_app, demo):
    worker2 = make_app()
    point = demo.points[0]
    phone_a, phone_b = app.test_client(), worker2.test_client()
    form = open_form(phone_a, f"/s/{point.token}")
    _move_cookies(phone_a, phone_b)
    answer = phone_b.post(f"/s/{point.token}", data={**form, **full_answers(4), "service": point.services[0]})
    assert answer.status_code == 303
    assert _count(app) == _count(worker2) == 1
    # The same post without the session cookie is refused: the token is session-bound.
    stranger = make_app().test_client()
    refused = stranger.post(f"/s/{point.token}", data={**open_form(app.test_client(), f"/s/{point.token}"),
                                                       **full_answers(4), "service": point.services[0]})
    assert refused.status_code == 400 and _count(app) == 1


def test_staff_session_from_one_worker_is_valid_on_another(app, make_app, demo):
    worker2 = make_app()
    browser_a, browser_b = app.test_client(), worker2.test_client()
    staff_login(app, browser_a, role="analyst", username="stateless-analyst")
    assert browser_b.get("/staff/results/").status_code in (302, 401, 403)  # no cookie yet
    _move_cookies(browser_a, browser_b)
    assert browser_b.get("/staff/results/").status_code == 200


def test_a_worker_with_another_secret_rejects_the_session(app, make_app, demo):
    browser_a = app.test_client()
    staff_login(app, browser_a, role="analyst", username="stateless-analyst2")
    other = make_app(SECRET_KEY="a-different-secret").test_client()
    _move_cookies(browser_a, other)
    assert other.get("/staff/results/").status_code != 200


def test_rate_limits_count_across_workers_in_redis(make_app, demo):
    import redis

    url = _redis_url()
    prefix = f"sipas-stateless-{uuid.uuid4().hex[:8]}"
    workers = [make_app(RATELIMIT_ENABLED=True, REDIS_URL=url, SIPAS_RATELIMIT_PREFIX=prefix) for _ in range(2)]
    point = demo.points[0]
    codes = []
    try:
        for i in range(26):  # one phone, its requests spread over two workers
            worker = workers[i % 2]
            client = worker.test_client()
            client.environ_base["REMOTE_ADDR"] = "198.51.100.9"
            form = open_form(client, f"/s/{point.token}")
            codes.append(client.post(f"/s/{point.token}",
                                     data={**form, **full_answers(1 + i % 5), "service": point.services[0]}).status_code)
    finally:
        r = redis.Redis.from_url(url)
        for key in r.scan_iter(f"*{prefix}*"):
            r.delete(key)
    # 20/minute per phone and counter: the 21st POST is refused whichever worker gets it.
    assert codes[:20] == [303] * 20 and set(codes[20:]) == {429}
