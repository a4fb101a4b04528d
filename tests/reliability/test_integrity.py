"""Suspicious clusters are flagged with a reason, never deleted; analyses may exclude them."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from survey import db
from survey.integrity import Stored, flag_twins
from survey.models import Response
from tests.reliability.helpers import stored, submit


def _flags(app) -> list[tuple[int, bool, str | None]]:
    with app.app_context():
        rows = db.session().execute(select(Response.id, Response.flagged, Response.flag_reason)
                                    .order_by(Response.id))
        return [tuple(r) for r in rows]


def test_identical_answers_seconds_apart_at_one_counter_are_flagged_not_deleted(app, demo):
    # Four browsers (a replaying script, or neighbours copying one phone):
    # the first of a cluster stays counted, each later copy names it.
    point = demo.points[0]
    url = f"/s/{point.token}"
    assert submit(app.test_client(), url, point.services[0], comment="Tốt").status_code == 303
    assert submit(app.test_client(), url, point.services[0], base=2, comment="Tốt").status_code == 303
    assert [f[1] for f in _flags(app)] == [False, False]
    assert submit(app.test_client(), url, point.services[0], comment="Tốt").status_code == 303
    assert submit(app.test_client(), url, point.services[0], comment="Tốt").status_code == 303
    flags = _flags(app)
    assert stored(app) == 4
    assert [f[1] for f in flags] == [False, False, True, True]
    first_id = flags[0][0]
    assert f"Trùng hoàn toàn với phiếu #{first_id} " in flags[2][2]
    assert f"Trùng hoàn toàn với phiếu #{first_id} " in flags[3][2]
    assert "2 phiếu giống hệt" in flags[2][2] and "3 phiếu giống hệt" in flags[3][2]


def test_checking_the_first_of_a_cluster_again_flags_nothing(app, demo):
    point = demo.points[0]
    submit(app.test_client(), f"/s/{point.token}", point.services[0])
    submit(app.test_client(), f"/s/{point.token}", point.services[0])
    with app.app_context():
        s = db.session()
        first, second = s.scalars(select(Response).order_by(Response.id)).all()
        assert (first.flagged, second.flagged) == (False, True)
        assert flag_twins(s, Stored.of(first), timedelta(minutes=2)) == []
        assert f"#{first.id} " in second.flag_reason


def test_a_different_comment_service_or_counter_is_not_a_duplicate(app, client, demo):
    a, b = demo.points[0], demo.points[1]
    submit(app.test_client(), f"/s/{a.token}", a.services[0], comment="Tốt")
    submit(app.test_client(), f"/s/{a.token}", a.services[0], comment="Tốt lắm")
    submit(app.test_client(), f"/s/{a.token}", a.services[1], comment="Tốt")
    shared = next(code for code in b.services if code == a.services[0]) if a.services[0] in b.services else None
    if shared:
        submit(app.test_client(), f"/s/{b.token}", shared, comment="Tốt")
    assert not any(f[1] for f in _flags(app))


def test_identical_answers_outside_the_window_are_not_flagged(app, client, demo):
    point = demo.points[0]
    submit(app.test_client(), f"/s/{point.token}", point.services[0])
    with app.app_context():
        s = db.session()
        first = s.scalars(select(Response)).one()
        first.submitted_at -= timedelta(minutes=3)
        s.commit()
    submit(app.test_client(), f"/s/{point.token}", point.services[0])
    assert [f[1] for f in _flags(app)] == [False, False]
    with app.app_context():  # a wider window, as an operator could configure, does catch the copy
        s = db.session()
        newest = s.scalars(select(Response).order_by(Response.id.desc())).first()
        assert flag_twins(s, Stored.of(newest), timedelta(minutes=5)) == [newest.id]


def test_every_stored_response_carries_the_fingerprint_of_its_answers(app, client, demo):
    from survey.models.responses import answer_fingerprint

    point = demo.points[0]
    submit(app.test_client(), f"/s/{point.token}", point.services[0], comment="Tốt")
    submit(app.test_client(), f"/s/{point.token}", point.services[0], comment="Tốt lắm")
    with app.app_context():
        s = db.session()
        rows = s.scalars(select(Response).order_by(Response.id)).all()
        # Recomputed here from what was stored: service, every answer, the comment.
        expected = [answer_fingerprint(r.service_id, r.answer_values.items(),
                                       r.comment.text if r.comment else "") for r in rows]
        assert [r.fingerprint for r in rows] == expected
        assert expected[0] != expected[1] and len(expected[0]) == 32
