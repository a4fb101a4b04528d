"""The access matrix, generated: every route of the URL map × every visitor × every commune.

Nothing here lists routes or roles by hand. The expected answer of each
request comes from the action the route's view declares (``requires``) and
the policy table (``survey.auth.policy.TABLE``):

- the visitor's role may not perform the action: anonymous → the login page, a role → 403;
- it may, but the URL names an object (plan, counter, account, procedure,
  response) of a commune the visitor does not see → 404 or 403;
- it may and sees that commune → 2xx/3xx (a POST with an empty form may answer 400).

Two communes of one city hold marked data (a plan title, a comment, a local
procedure, an account name); a 200 page or file for a visitor never carries
the marks of a commune it does not see.
"""
from __future__ import annotations

import io
import zipfile

from survey.auth import policy
from tests.staff.walk import OBJECT_ARGS, build_url, seed_two_units, session_login, visitors

ALLOWED_GET = {200, 301, 302, 303}
ALLOWED_POST = ALLOWED_GET | {201, 204, 400}
REFUSED_UNIT = {403, 404}


def _action(app, rule) -> str | None:
    return policy.action_of(app.view_functions[rule.endpoint], rule.endpoint)


def _rules(app):
    return sorted(app.url_map.iter_rules(), key=lambda r: (r.rule, r.endpoint))


def _readable(answer) -> str:
    """The text of a page, CSV or Office file (every XML part of a zip); '' for other files."""
    if answer.mimetype.startswith("text/") or answer.mimetype == "application/json":
        return answer.get_data(as_text=True)
    if answer.data[:2] == b"PK":
        with zipfile.ZipFile(io.BytesIO(answer.data)) as z:
            return "".join(z.read(n).decode("utf-8", "replace") for n in z.namelist() if n.endswith(".xml"))
    return ""


def _expected(action: str, role: str | None, method: str, unit: str | None, sees: set[str]) -> str:
    if not policy.may(role, action):
        return "login" if role is None else "forbidden"
    if unit is not None and unit not in sees:
        return "hidden"
    return "allowed"


def _ok(expectation: str, answer, method: str) -> bool:
    status = answer.status_code
    if expectation == "login":
        return status == 401 or (status in (302, 303) and "/staff/login" in answer.headers.get("Location", ""))
    if expectation == "forbidden":
        return status == 403
    if expectation == "hidden":
        return status in REFUSED_UNIT
    return status in (ALLOWED_GET if method == "GET" else ALLOWED_POST)


def test_every_route_declares_an_action(app):
    rules = _rules(app)
    undeclared = [f"{r.endpoint} {r.rule}" for r in rules if _action(app, r) is None]
    assert not undeclared, f"routes without @requires(action): {undeclared}"
    assert len(rules) > 40  # every blueprint is really mounted


def test_the_table_and_the_routes_agree(app):
    from survey.models.accounts import ROLES

    declared = {_action(app, r) for r in _rules(app)}
    assert declared <= set(policy.TABLE), declared - set(policy.TABLE)
    assert set(policy.TABLE) <= declared, f"actions no route performs: {set(policy.TABLE) - declared}"
    assert set(policy.ROLES) == set(ROLES)  # the table names every role an account can have
    # The old leak: raw responses for viewers. The table is where it is closed.
    assert not policy.may("viewer", "export_raw_responses") and not policy.may(None, "export_raw_responses")


def test_access_matrix(app, staff):
    app.config["WTF_CSRF_ENABLED"] = False  # the matrix is about roles and units, not tokens
    units = seed_two_units(app, staff)
    walkers = visitors(app, staff)
    demo = staff.demo
    common = {"token": demo.points[0].token, "service_code": demo.points[0].services[0], "kiosk_token": "x",
              "code": "ABCD-EFGH", "filename": "staff.css", "kind": "responses", "fmt": "csv",
              "unit_code": demo.unit_code}
    problems, leaks, checked, by_expectation = [], [], 0, {}
    for rule in _rules(app):
        action = _action(app, rule)
        assert action is not None, rule.rule  # test_every_route_declares_an_action says which
        scoped = [a for a in OBJECT_ARGS if a in rule.arguments]
        targets = ["A", "B"] if scoped else [None]
        for unit in targets:
            samples = {**common, **(units[unit]["samples"] if unit else {})}
            url, known = build_url(rule, samples, app)
            assert known or policy.is_public(action), f"no real value for an argument of {rule.rule}"
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                for who, (role, user_id, sees) in walkers.items():
                    client = app.test_client()
                    if user_id is not None:
                        session_login(client, user_id, app)
                    answer = client.open(url, method=method)
                    checked += 1
                    assert answer.status_code < 500, (method, url, who, answer.status_code)
                    if policy.is_public(action):
                        if answer.status_code == 403:  # a failed login's 401 is the page's own answer
                            problems.append(f"{method} {url} [{action}] as {who}: {answer.status_code} on a public route")
                        continue
                    expectation = _expected(action, role, method, unit, sees)
                    by_expectation[expectation] = by_expectation.get(expectation, 0) + 1
                    if not _ok(expectation, answer, method):
                        problems.append(f"{method} {url} [{action}] as {who}: {answer.status_code}, "
                                        f"table says {expectation}")
                    if answer.status_code == 200:
                        body = _readable(answer)
                        for letter in {"A", "B"} - sees:
                            found = [m for m in units[letter]["markers"] if m in body]
                            if found:
                                leaks.append(f"{method} {url} as {who}: commune {letter}'s {found}")
    assert not problems, "\n".join(problems)
    assert not leaks, "\n".join(leaks)
    # Every kind of outcome was really exercised, on both communes.
    assert {"login", "forbidden", "hidden", "allowed"} <= set(by_expectation), by_expectation
    assert checked >= 6 * len(_rules(app))
