"""No 500 for any input: every route of the URL map, as every role, with hostile values.

The routes come from ``app.url_map``, never from a list. For each route and
method the parameters are found, not listed: the query and form keys the
view reads (recorded by a request class whose ``args``/``form`` note every
key asked for) and the fields of every HTML form on the app's pages that
posts there (which also give a valid value for each). Hypothesis then sends
hostile values — Unicode digits, integers past 64 bits, NUL bytes,
9999-12-31, 0000-00-00, 100 KB strings, ids that name nothing, empty — in the
query parameters, form fields and URL variables, as anonymous, viewer,
analyst and admin, and every answer must be below 500. CSRF stays on: the
token is read from the session's pages, and a POST sent without it must
answer 400.

``SIPAS_HYPOTHESIS_EXAMPLES`` (default 6 per route and method) deepens the hunt.
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from datetime import date
from html.parser import HTMLParser
from io import BytesIO
from urllib.parse import quote, urljoin, urlsplit

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from itsdangerous import URLSafeTimedSerializer
from werkzeug.datastructures import ImmutableMultiDict, MultiDict

from survey import db
from survey.invitations.operations import issue
from survey.models import Comment, Plan, Response, Service
from tests.reliability.helpers import kiosk_token
from tests.report.helpers import plan_with, respond
from tests.staff.walk import build_url as _url
from tests.staff.walk import sample_values as _sample_values
from tests.staff.walk import session_login as _session_login

ROLES = ("anonymous", "viewer", "analyst", "admin")
UNKNOWN_ID = "987654321"
# The values issue #12 names, drawn most often; then odd signs, spaces, formats and random text.
CORE = ["²", "٣", "１", str(2**64 + 1), str(2**31), "-1", "\x00", "a\x00b", "9999-12-31", "0000-00-00", "x" * 100_000,
        "", UNKNOWN_ID]
ODD = [str(2**63), "+1", " 1", "1 ", "-0", "1e3", "0x10", "\x0b\x1f\x7f\x85", "2024-02-30", "20240101",
       "9" * 5000, "NaN", "inf", "1.5", "ý" * 1001, "%ED%A0%80", "<script>", "%00", "../../etc/passwd"]
hostile = st.one_of(
    st.sampled_from(CORE), st.sampled_from(CORE),
    st.sampled_from(ODD),
    st.integers(-(2**70), 2**70).map(str),
    st.text(max_size=40),
)
EXAMPLES = int(os.environ.get("SIPAS_HYPOTHESIS_EXAMPLES", 4))
MAX_EXAMPLES = max(EXAMPLES, 24)
SETTINGS = settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
                    suppress_health_check=list(HealthCheck))

_read: set[str] = set()


class _Recording(ImmutableMultiDict):
    """Query/form storage that notes every key a view asks for."""

    def get(self, key, default=None, type=None):  # noqa: A002 - werkzeug's signature
        _read.add(key)
        return super().get(key, default, type)

    def getlist(self, key, type=None):  # noqa: A002
        _read.add(key)
        return super().getlist(key, type)

    def __getitem__(self, key):
        _read.add(key)
        return super().__getitem__(key)

    def __contains__(self, key):
        _read.add(key)
        return super().__contains__(key)


class _Forms(HTMLParser):
    """Every <form> of a page: method, action and {field: first value}."""

    def __init__(self):
        super().__init__()
        self.forms: list[tuple[str, str, dict[str, str]]] = []
        self._textarea: str | None = None
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.forms.append(((a.get("method") or "get").upper(), a.get("action") or "", {}))
        elif not self.forms:
            return
        fields = self.forms[-1][2]
        name = a.get("name")
        if tag == "input" and name:
            kind = a.get("type") or "text"
            if kind in ("radio", "checkbox") and name in fields:
                return
            # An empty box gets a plausible value, so the valid baseline reaches the view's writes.
            if name == "website":  # the citizen form's honeypot: filled, the post is a bot's and stores nothing
                fields[name] = ""
                return
            fields[name] = a.get("value") or {"checkbox": "on", "date": "2025-06-01", "number": a.get("min") or "1",
                                              "text": "Thử"}.get(kind, "")
        elif tag == "textarea" and name:
            fields[name], self._textarea = "", name
        elif tag == "select" and name:
            self._select = name
            fields.setdefault(name, "")
        elif tag == "option" and self._select and (not fields.get(self._select) or "selected" in a):
            if a.get("value"):
                fields[self._select] = a["value"]

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea and self.forms:
            self.forms[-1][2][self._textarea] += data


def _world(app, staff) -> dict[str, object]:
    """Real values for every URL variable the app has: a plan, responses, tokens, an invitation."""
    demo = staff.demo
    samples = _sample_values(app, staff)
    service = demo.points[0].services[0]
    plan_id = plan_with(app, demo, "Kế hoạch thử", date(2025, 1, 1), date(2025, 12, 31), [service])
    respond(app, demo, service, date(2025, 3, 10), 3, 2)
    with app.app_context():
        s = db.session()
        response = s.query(Response).first()
        response.comment = Comment(text="Góp ý thử")  # the tagging route needs a comment
        plan = s.get(Plan, plan_id)
        code = issue(s, plan, s.query(Service.id).filter(Service.code == service).scalar(), 1, "counter")[0]
        s.commit()
        response_id = response.id
    samples.update(plan_id=plan_id, response_id=response_id, token=demo.points[0].token,
                   kiosk_token=kiosk_token(app, demo.points[0].id), service_code=service,
                   code=code, kind="responses", fmt="csv", filename="staff.css")
    return samples


def _real_url(rule, samples, app) -> str:
    """The rule's URL with real values (an ``any(...)`` variable takes its first choice)."""
    mine = {k: v for k, v in samples.items() if not hasattr(rule._converters.get(k), "items")}
    return _url(rule, mine, app)[0]


def _rules(app):
    return sorted(((r, m) for r in app.url_map.iter_rules() for m in sorted(r.methods - {"HEAD", "OPTIONS"})),
                  key=lambda rm: (rm[0].rule, rm[1]))


_VARIABLE = re.compile(r"<(?:[^:<>]+:)?([^<>]+)>")


def _hostile_url(rule, url: str, hostile: dict[str, str]) -> str:
    """The rule's URL with some variables replaced by raw (percent-encoded) hostile values."""
    values = {**_url_values(rule, url), **hostile}
    return _VARIABLE.sub(lambda m: quote(values[m.group(1)], safe=""), rule.rule)


def _url_values(rule, url: str) -> dict[str, str]:
    """The values the real URL gives each variable of the rule."""
    parts = _VARIABLE.split(rule.rule)  # literal, name, literal, name, ...
    pattern = "".join(re.escape(p) if i % 2 == 0 else f"(?P<{p}>.+?)" for i, p in enumerate(parts))
    return re.fullmatch(pattern, urlsplit(url).path).groupdict()


def _clients(app) -> dict[str, object]:
    return {who: app.test_client() for who in ROLES}


RAW_TOKEN = "0" * 40  # the session's CSRF secret; TOKEN is what a page would embed


def _login(app, client, user_id: int | None) -> str:
    """Log the client in (again: a walked /logout ends it) with a known CSRF secret; return the token."""
    if user_id is not None:
        _session_login(client, user_id, app)
    with client.session_transaction() as sess:
        sess["csrf_token"] = RAW_TOKEN
    return URLSafeTimedSerializer(app.secret_key, salt="wtf-csrf-token").dumps(RAW_TOKEN)


def _discover(app, staff, clients, samples):
    """For each (rule, method): its URL with real values and {parameter: valid value}."""
    for who in ("admin", "analyst"):
        _login(app, clients[who], staff.users[who])
    city = app.test_client()
    _login(app, city, staff.users["city_admin"])
    # Forms as each one sees them: a field of the city's page (its own unit) is no valid value for the commune.
    seen: dict[str, dict[tuple[str, str], dict[str, str]]] = {"admin": {}, "city": {}, "anonymous": {}}
    for rule, method in _rules(app):
        if method != "GET" or rule.endpoint == "static":
            continue
        url = _real_url(rule, samples, app)
        for who, client in (("admin", clients["admin"]), ("city", city), ("anonymous", clients["anonymous"])):
            page = client.get(url)
            if page.status_code != 200 or "html" not in page.content_type:
                continue
            parser = _Forms()
            parser.feed(page.get_data(as_text=True))
            for form_method, action, fields in parser.forms:
                path = urlsplit(urljoin(url, action or url)).path
                seen[who].setdefault((path, form_method), {}).update(fields)
    found = []
    for rule, method in _rules(app):
        url = _real_url(rule, samples, app)
        key = (urlsplit(url).path, method)
        mine = "city" if rule.rule.startswith("/staff/admin/units") else "admin"
        form = next((seen[w][key] for w in (mine, "anonymous", "city", "admin") if key in seen[w]), {})
        params = {k: v for k, v in form.items() if k != "csrf_token"}
        client = city if rule.rule.startswith("/staff/admin/units") else clients["admin"]
        for _round in range(2):
            token = _login(app, client, staff.users["city_admin" if client is city else "admin"])
            _read.clear()
            if method == "GET":
                answer = client.get(url, query_string=params)
            else:
                answer = client.open(url, method=method, data={**params, "csrf_token": token})
            answer.get_data()
            answer.close()
            for key in _read:
                if isinstance(key, str) and key != "csrf_token":
                    params.setdefault(key, "")
        found.append((rule, method, url, params))
    return found


def _send(client, method: str, url: str, fields: dict[str, str], token: str | None):
    """GET: the fields as the query string. POST: in the body and the query string (a view may read either)."""
    query = MultiDict([(k, v) for k, v in fields.items() if k != "file"])
    if method == "GET":
        return client.get(url, query_string=query)
    body = dict(fields)
    if token is not None:
        body["csrf_token"] = token
    if "file" in fields:  # an upload route: a small file whose cells are the hostile values
        content = "\n".join(",".join(v[:200] for v in fields.values()) for _ in range(2))
        body["file"] = (BytesIO(content.encode("utf-8", "surrogatepass")), "danh-sach.csv")
    return client.open(url, method=method, data=body, query_string=query)


@dataclass
class _Walk:
    """What every request of the walk shares, and what it found."""

    app: object
    staff: object
    clients: dict
    problems: list[str] = field(default_factory=list)
    requests: int = 0
    missing_token: int = 0

    def check(self, method: str, target: str, who: str, answer, shown: object = "") -> int | str:
        self.requests += 1
        status: int | str = answer.status_code
        try:
            answer.get_data()  # a streamed export fails while it is read, not before
        except Exception as exc:  # noqa: BLE001 - any error in the body is what we look for
            status = f"500 while streaming ({type(exc).__name__})"
        finally:
            answer.close()
        if isinstance(status, str) or status >= 500:
            self.problems.append(f"{method} {target[:120]} as {who}: {status} {shown}")
        return status


def _sweep_variables(walk: _Walk, rule, method: str, url: str) -> None:
    """Every URL variable of the route, as admin, with each value that reaches the database."""
    admin = walk.clients["admin"]
    for name in rule.arguments - set(rule.defaults or {}):
        for value in (str(2**64 + 1), str(2**63), str(2**31), UNKNOWN_ID, "٣", "\x00"):
            token = _login(walk.app, admin, walk.staff.users["admin"])
            target = _hostile_url(rule, url, {name: value})
            walk.check(method, target, "admin",
                       admin.open(target, method=method, data={"csrf_token": token} if method != "GET" else None))


def _walker(walk: _Walk, rule, method: str, url: str, params: dict[str, str]):
    """The property for one route and method: any role, any mix of hostile values, never a 5xx."""
    names = sorted(params)
    targets = [f"url:{v}" for v in sorted(rule.arguments - set(rule.defaults or {}))] + names

    # Few parameters, few examples: one hostile value at a time, or many at once.
    @settings(SETTINGS, max_examples=min(MAX_EXAMPLES, EXAMPLES + len(targets)))
    @given(data=st.data())
    def walk_route(data):
        who = data.draw(st.sampled_from(ROLES + ("admin", "admin")), label="role")  # admin reaches most
        client = walk.clients[who]
        token: str | None = _login(walk.app, client, walk.staff.users.get(who))
        if targets and data.draw(st.booleans(), label="one at a time"):
            chosen = {data.draw(st.sampled_from(targets), label="hostile")}
        else:
            chosen = {t for t in targets if data.draw(st.booleans(), label=f"hostile {t}")}
        variables = {t[4:]: data.draw(hostile, label=t) for t in targets if t in chosen and t[:4] == "url:"}
        target = _hostile_url(rule, url, variables) if variables else url
        fields = {n: data.draw(hostile, label=n) if n in chosen else params[n] for n in names}
        if method != "GET" and data.draw(st.integers(0, 9), label="csrf") == 0:
            token = None
        shown = {k: (v[:20] + "…" if len(v) > 20 else v) for k, v in fields.items() if v != params.get(k)}
        status = walk.check(method, target, who, _send(client, method, target, fields, token), shown)
        if token is None and method != "GET" and target == url and not _csrf_exempt(walk.app, rule):
            walk.missing_token += 1
            if status != 400:
                walk.problems.append(f"{method} {target[:120]} as {who} without CSRF token: {status}")

    return walk_route


def test_no_route_answers_5xx_to_hostile_input(app, staff):
    """Every route × method × role with hostile parameters, fields and URL variables: never a 5xx."""
    samples = _world(app, staff)
    app.request_class = type("RecordingRequest", (app.request_class,), {"parameter_storage_class": _Recording})
    walk = _Walk(app, staff, _clients(app))
    routes = _discover(app, staff, walk.clients, samples)
    for rule, method, url, params in routes:
        _sweep_variables(walk, rule, method, url)
        _walker(walk, rule, method, url, params)()

    assert not walk.problems, f"{len(walk.problems)} of {walk.requests} requests failed:\n" + "\n".join(walk.problems)
    assert len({(r.rule, m) for r, m, _u, _p in routes}) == len(_rules(app)) > 50
    assert walk.missing_token > 0  # POSTs without the token were refused with 400, not 500


def _csrf_exempt(app, rule) -> bool:
    from survey.security import csrf

    view = app.view_functions[rule.endpoint]
    name = f"{view.__module__}.{view.__name__}"
    return name in csrf._exempt_views or rule.endpoint.split(".")[0] in {bp.name for bp in csrf._exempt_blueprints}

