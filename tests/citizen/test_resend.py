"""Back, then Send again, from the same browser: one response counted (issue #11.6)."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from survey import db
from survey.models import Response
from tests.citizen.helpers import full_answers, hidden_fields, open_form


def _responses(app) -> list[tuple[int, bool, dict[str, int], str | None]]:
    with app.app_context():
        rows = db.session().scalars(select(Response).order_by(Response.id)).all()
        return [(r.id, r.flagged, r.answer_values, r.comment.text if r.comment else None)
                for r in rows]


def _send(client, url, hidden, service, base=4, **extra):
    return client.post(url, data={**hidden, **full_answers(base), "service": service, **extra})


def test_back_to_the_same_page_and_send_again_stores_once(app, client, demo):
    # The browser shows the page it had (back-forward cache): the same key.
    point = demo.points[0]
    url = f"/s/{point.token}"
    hidden = open_form(client, url)
    assert _send(client, url, hidden, point.services[0]).status_code == 303
    assert _send(client, url, hidden, point.services[0]).status_code == 303
    rows = _responses(app)
    assert len(rows) == 1 and rows[0][1] is False


def test_back_and_a_corrected_answer_replaces_the_first(app, client, demo):
    # The browser fetched the form again (a new key): the correction wins, one response.
    point = demo.points[0]
    url = f"/s/{point.token}"
    assert _send(client, url, open_form(client, url), point.services[0], comment="Lần đầu").status_code == 303
    first_id = _responses(app)[0][0]
    assert _send(client, url, open_form(client, url), point.services[0], base=1,
                 comment="Sửa lại").status_code == 303
    rows = _responses(app)
    assert len(rows) == 1
    rid, flagged, answers, comment = rows[0]
    assert (rid, flagged, comment) == (first_id, False, "Sửa lại")
    assert answers == {k: int(v) for k, v in full_answers(1).items()}


def test_an_identical_send_again_with_a_new_key_is_one_counted_response(app, client, demo):
    point = demo.points[0]
    url = f"/s/{point.token}"
    for _ in range(3):
        assert _send(client, url, open_form(client, url), point.services[0], comment="Tốt").status_code == 303
    rows = _responses(app)
    assert len(rows) == 1 and rows[0][1] is False


def test_another_browser_or_after_the_window_is_a_new_response(app, client, demo):
    point = demo.points[0]
    url = f"/s/{point.token}"
    _send(client, url, open_form(client, url), point.services[0], base=1)
    other = app.test_client()
    _send(other, url, open_form(other, url), point.services[0], base=2)
    assert len(_responses(app)) == 2
    with app.app_context():  # the first browser's send is now older than the window
        s = db.session()
        first = s.get(Response, _responses(app)[0][0])
        first.submitted_at -= timedelta(minutes=5)
        s.commit()
    with client.session_transaction() as session:
        point_id, response_id, at = session["sipas.sent"]
        session["sipas.sent"] = [point_id, response_id, at - 300]
    _send(client, url, open_form(client, url), point.services[0], base=3)
    assert len(_responses(app)) == 3


def test_a_kiosk_tablet_never_replaces_the_previous_citizen(app, client, demo):
    from tests.reliability.helpers import kiosk_token

    point = demo.points[0]
    url = f"/k/{kiosk_token(app, point.id)}"
    _send(client, url, open_form(client, url), point.services[0], base=1)
    _send(client, url, open_form(client, url), point.services[0], base=2)
    assert len(_responses(app)) == 2


def test_the_session_cannot_aim_at_another_counters_response(app, client, demo):
    a, b = demo.points[0], demo.points[1]
    _send(client, f"/s/{a.token}", open_form(client, f"/s/{a.token}"), a.services[0], base=1)
    with client.session_transaction() as session:
        _, response_id, at = session["sipas.sent"]
        session["sipas.sent"] = [b.id, response_id, at]  # as if it were b's: the row says otherwise
    _send(client, f"/s/{b.token}", open_form(client, f"/s/{b.token}"), b.services[0], base=2)
    rows = _responses(app)
    assert len(rows) == 2 and rows[0][2] == {k: int(v) for k, v in full_answers(1).items()}


def test_an_invalid_second_send_changes_nothing(app, client, demo):
    point = demo.points[0]
    url = f"/s/{point.token}"
    _send(client, url, open_form(client, url), point.services[0])
    hidden = hidden_fields(client.get(url).get_data(as_text=True))
    answers = {k: v for k, v in full_answers(1).items() if k != "TC1"}
    assert client.post(url, data={**hidden, **answers, "service": point.services[0]}).status_code == 400
    assert _responses(app)[0][2] == {k: int(v) for k, v in full_answers(4).items()}
