"""The per-worker counter snapshot: fast, but never showing a stale catalogue for long.

Changes committed through this process clear it at once; changes another
worker or host made (simulated here by writing through a separate engine)
show once SIPAS_FORM_CACHE_SECONDS have passed.
"""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import create_engine, select, text, update

from survey import create_app, db
from survey.catalogue.operations import close_point, revoke_token
from survey.citizen import counters
from survey.models import Plan, Response, Service, ServicePoint, Unit
from survey.plans.calendar import today
from tests.citizen.helpers import full_answers, open_form


def _other_worker_renames(app, point_id: int, name: str) -> None:
    engine = create_engine(app.config["DATABASE_URL"])
    with engine.begin() as conn:
        conn.execute(text("UPDATE service_point SET name = :n WHERE id = :i"), {"n": name, "i": point_id})
    engine.dispose()


def test_a_rename_in_this_process_shows_at_once(app, client, demo):
    point = demo.points[0]
    assert client.get(f"/s/{point.token}").status_code == 200
    with app.app_context():
        s = db.session()
        s.get(ServicePoint, point.id).name = "Quầy đổi tên ngay"
        s.commit()
    assert "Quầy đổi tên ngay" in client.get(f"/s/{point.token}").get_data(as_text=True)


def test_a_change_from_another_worker_shows_after_the_cache_time(app, client, demo, monkeypatch):
    point = demo.points[0]
    first = client.get(f"/s/{point.token}").get_data(as_text=True)
    _other_worker_renames(app, point.id, "Quầy của tiến trình khác")
    # Within the cache time this worker still shows what it read…
    assert "Quầy của tiến trình khác" not in client.get(f"/s/{point.token}").get_data(as_text=True)
    assert "Quầy của tiến trình khác" not in first
    # …and reads again once it has passed.
    now = counters.time.monotonic()
    monkeypatch.setattr(counters.time, "monotonic", lambda: now + app.config["SIPAS_FORM_CACHE_SECONDS"] + 1)
    assert "Quầy của tiến trình khác" in client.get(f"/s/{point.token}").get_data(as_text=True)


def test_zero_cache_time_reads_every_request(app, client, demo):
    app.config["SIPAS_FORM_CACHE_SECONDS"] = 0
    point = demo.points[0]
    client.get(f"/s/{point.token}")
    _other_worker_renames(app, point.id, "Quầy đọc lại mỗi lần")
    assert "Quầy đọc lại mỗi lần" in client.get(f"/s/{point.token}").get_data(as_text=True)


def test_a_revoked_token_stops_at_once_in_this_process(app, client, demo):
    point = demo.points[0]
    assert client.get(f"/s/{point.token}").status_code == 200
    with app.app_context():
        s = db.session()
        s.get(ServicePoint, point.id).token = None
        s.commit()
    assert client.get(f"/s/{point.token}").status_code == 404


def test_an_orm_update_statement_clears_the_snapshots_too(app, client, demo):
    point = demo.points[0]
    assert client.get(f"/s/{point.token}").status_code == 200
    with app.app_context():
        s = db.session()
        s.execute(update(ServicePoint).where(ServicePoint.id == point.id).values(name="Quầy sửa hàng loạt"))
        s.commit()
    assert "Quầy sửa hàng loạt" in client.get(f"/s/{point.token}").get_data(as_text=True)


def test_closing_the_counter_closes_the_form_at_once(app, client, demo):
    point = demo.points[0]
    assert client.get(f"/s/{point.token}").status_code == 200
    form = {**open_form(client, f"/s/{point.token}"), **full_answers(), "service": point.services[0]}
    with app.app_context():
        s = db.session()
        close_point(s.get(ServicePoint, point.id))
        s.commit()
    page = client.get(f"/s/{point.token}")
    assert page.status_code == 200 and "tạm ngừng nhận phiếu" in page.get_data(as_text=True)
    assert client.post(f"/s/{point.token}", data=form).status_code == 410


def test_a_plan_that_ends_leaves_the_form_open(app, client, demo):
    from tests.plans.helpers import make_plan

    point = demo.points[0]
    plan_id = make_plan(app, demo)
    form = {**open_form(client, f"/s/{point.token}"), **full_answers(), "service": point.services[0]}
    with app.app_context():
        s = db.session()
        plan = s.get(Plan, plan_id)
        plan.end_date = today() - timedelta(days=1)
        plan.start_date = min(plan.start_date, plan.end_date)
        s.commit()
    assert "tạm ngừng nhận phiếu" not in client.get(f"/s/{point.token}").get_data(as_text=True)
    assert client.post(f"/s/{point.token}", data=form).status_code == 303


def test_unknown_tokens_are_not_cached(app, client, demo):
    for i in range(50):
        assert client.get(f"/s/khong-ton-tai-{i}").status_code == 404
    assert not any(token.startswith("khong-ton-tai") for _, token in counters.cache(app).tokens())


# A second worker or host: its own app on the same database, with its own
# snapshots. What one app changes, the other's snapshot does not know for up
# to SIPAS_FORM_CACHE_SECONDS; a submission must not rely on it.

@pytest.fixture
def other_app(app):
    other = create_app({key: app.config[key] for key in ("TESTING", "SECRET_KEY", "DATABASE_URL", "SIPAS_BASE_URL")})
    yield other
    other.extensions["sipas.engine"].dispose()


def _responses(app) -> list[tuple[int, int | None, int]]:
    with app.app_context():
        return [tuple(r) for r in db.session().execute(
            select(Response.unit_id, Response.service_point_id, Response.service_id))]


def _ready_form(client, point) -> dict[str, str]:
    return {**open_form(client, f"/s/{point.token}"), **full_answers(), "service": point.services[0]}


def test_each_app_keeps_its_own_snapshots(app, other_app, demo):
    point = demo.points[0]
    assert other_app.test_client().get(f"/s/{point.token}").status_code == 200
    assert counters.cache(other_app).tokens() == {("qr", point.token)}
    assert counters.cache(app).tokens() == set()
    assert counters.cache(app) is not counters.cache(other_app)


def test_a_qr_revoked_through_one_app_refuses_the_other_apps_post_at_once(app, other_app, demo):
    point = demo.points[0]
    phone = other_app.test_client()
    form = _ready_form(phone, point)  # the other app now holds a snapshot of the counter
    with app.app_context():
        revoke_token(db.session().get(ServicePoint, point.id))
        db.session().commit()
    assert phone.post(f"/s/{point.token}", data=form).status_code == 404
    assert _responses(app) == []


def test_a_qr_revoked_by_raw_sql_refuses_the_post_at_once(app, other_app, demo):
    point = demo.points[0]
    phone = other_app.test_client()
    form = _ready_form(phone, point)
    with app.extensions["sipas.engine"].begin() as conn:  # psql, a restore, another tool
        conn.execute(text("UPDATE service_point SET token = NULL WHERE id = :i"), {"i": point.id})
    assert phone.post(f"/s/{point.token}", data=form).status_code == 404
    assert _responses(app) == []
    # …and the stale snapshot is gone: the next look at the poster is refused too.
    assert phone.get(f"/s/{point.token}").status_code == 404


def test_the_post_stores_the_ids_read_from_the_database_not_the_snapshot(app, other_app, demo):
    point = demo.points[0]
    phone = other_app.test_client()
    form = _ready_form(phone, point)
    with app.app_context():
        s = db.session()
        moved_to = s.get(Unit, demo.city_id)
        s.execute(text("UPDATE service_point SET unit_id = :u WHERE id = :i"), {"u": moved_to.id, "i": point.id})
        s.commit()
        service_id = s.scalar(select(Service.id).where(Service.code == point.services[0]))
    assert phone.post(f"/s/{point.token}", data=form).status_code == 303
    assert _responses(app) == [(demo.city_id, point.id, service_id)]


def test_a_service_taken_off_the_counter_is_refused_and_the_answers_kept(app, other_app, demo):
    point = next(p for p in demo.points if len(p.services) > 1)
    phone = other_app.test_client()
    form = _ready_form(phone, point)
    form["comment"] = "Ý kiến vẫn còn"
    with app.extensions["sipas.engine"].begin() as conn:
        conn.execute(text("DELETE FROM service_point_service WHERE service_point_id = :p AND service_id = "
                          "(SELECT id FROM service WHERE code = :c)"), {"p": point.id, "c": point.services[0]})
    page = phone.post(f"/s/{point.token}", data=form)
    html = page.get_data(as_text=True)
    assert page.status_code == 400 and "Thủ tục không có ở quầy này" in html and "Ý kiến vẫn còn" in html
    assert _responses(app) == []


def test_a_tablet_unregistered_elsewhere_is_refused_at_once(app, other_app, demo):
    point = demo.points[0]
    with app.app_context():
        s = db.session()
        s.get(ServicePoint, point.id).kiosk_token = "t" * 43
        s.commit()
    tablet = other_app.test_client()
    form = {**open_form(tablet, f"/k/{'t' * 43}"), **full_answers(), "service": point.services[0]}
    with app.extensions["sipas.engine"].begin() as conn:
        conn.execute(text("UPDATE service_point SET kiosk_token = NULL WHERE id = :i"), {"i": point.id})
    assert tablet.post(f"/k/{'t' * 43}", data=form).status_code == 404
    assert _responses(app) == []


def test_a_counter_closed_through_one_app_refuses_the_other_apps_post_at_once(app, other_app, demo):
    point = demo.points[0]
    phone = other_app.test_client()
    form = _ready_form(phone, point)
    with app.app_context():
        close_point(db.session().get(ServicePoint, point.id))
        db.session().commit()
    page = phone.post(f"/s/{point.token}", data=form)
    assert page.status_code == 410 and "tạm ngừng nhận phiếu" in page.get_data(as_text=True)
    assert _responses(app) == []
