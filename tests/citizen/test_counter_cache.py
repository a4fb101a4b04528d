"""The per-worker counter snapshot: fast, but never showing a stale catalogue for long.

Changes committed through this process clear it at once; changes another
worker or host made (simulated here by writing through a separate engine)
show once SIPAS_FORM_CACHE_SECONDS have passed.
"""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import create_engine, text, update

from survey import db
from survey.citizen import counters
from survey.models import Plan, ServicePoint
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


def test_closing_the_plan_closes_the_form_at_once(app, client, demo):
    from tests.plans.helpers import make_plan

    point = demo.points[0]
    plan_id = make_plan(app, demo)
    assert client.get(f"/s/{point.token}").status_code == 200
    form = {**open_form(client, f"/s/{point.token}"), **full_answers(), "service": point.services[0]}
    with app.app_context():
        s = db.session()
        plan = s.get(Plan, plan_id)
        plan.end_date = today() - timedelta(days=1)
        plan.start_date = min(plan.start_date, plan.end_date)
        s.commit()
    page = client.get(f"/s/{point.token}")
    assert page.status_code == 200 and "Đợt khảo sát hiện đã đóng" in page.get_data(as_text=True)
    assert client.post(f"/s/{point.token}", data=form).status_code == 410


def test_unknown_tokens_are_not_cached(app, client, demo):
    for i in range(50):
        assert client.get(f"/s/khong-ton-tai-{i}").status_code == 404
    assert not any(token.startswith("khong-ton-tai") for _, token in counters._entries)
