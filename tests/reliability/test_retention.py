"""Retention: old free comments go, every answer stays."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select

from survey import db, retention
from survey.models import AuditEvent, Comment, Response
from tests.reliability.helpers import submit

NOW = datetime(2026, 3, 31, 12, 0, tzinfo=timezone.utc)


def test_months_before_counts_calendar_months():
    assert retention.months_before(NOW, 1) == datetime(2026, 2, 28, 12, 0, tzinfo=timezone.utc)
    assert retention.months_before(NOW, 24) == datetime(2024, 3, 28, 12, 0, tzinfo=timezone.utc)
    assert retention.months_before(datetime(2026, 1, 15, tzinfo=timezone.utc), 13) == \
        datetime(2024, 12, 15, tzinfo=timezone.utc)
    with pytest.raises(ValueError):
        retention.months_before(NOW, -1)


def _seed(app, client, demo, ages_in_days, now=NOW):
    point = demo.points[0]
    for i, _ in enumerate(ages_in_days):
        assert submit(client, f"/s/{point.token}", point.services[0], base=i,
                      comment=f"Ý kiến số {i}").status_code == 303
    with app.app_context():
        s = db.session()
        for response, age in zip(s.scalars(select(Response).order_by(Response.id)), ages_in_days):
            response.submitted_at = now - timedelta(days=age)
        s.commit()


def _state(app):
    with app.app_context():
        s = db.session()
        comments = sorted(s.scalars(select(Comment.text)))
        answers = sorted((r.id, sorted(r.answer_values.items())) for r in s.scalars(select(Response)))
        return comments, answers, s.scalar(select(func.count(Response.id)))


def test_apply_removes_old_comments_and_keeps_every_answer(app, client, demo):
    _seed(app, client, demo, [800, 400, 100, 5])
    _, answers_before, _ = _state(app)
    with app.app_context():
        s = db.session()
        assert retention.count_expired(s, 12, NOW) == 2
        assert retention.apply(s, 12, NOW) == 2
        event = s.scalars(select(AuditEvent).where(AuditEvent.action == "retention.apply")).one()
        assert "removed=2" in event.detail
    comments, answers, responses = _state(app)
    assert comments == ["Ý kiến số 2", "Ý kiến số 3"]
    assert answers == answers_before and responses == 4


def test_cli_uses_the_setting_by_default_and_months_when_given(app, client, demo, make_app):
    _seed(app, client, demo, [800, 400, 100, 5], now=datetime.now(timezone.utc))
    runner = make_app(SIPAS_RETENTION_MONTHS=24).test_cli_runner()
    dry = runner.invoke(args=["retention", "apply", "--dry-run"])
    assert dry.exit_code == 0 and "1 comment(s) older than 24" in dry.output
    assert len(_state(app)[0]) == 4
    done = runner.invoke(args=["retention", "apply"])
    assert done.exit_code == 0 and "Removed 1 comment(s) older than 24" in done.output
    assert len(_state(app)[0]) == 3
    done = runner.invoke(args=["retention", "apply", "--months", "6"])
    assert "Removed 1 comment(s) older than 6" in done.output
    assert _state(app)[0] == ["Ý kiến số 2", "Ý kiến số 3"]
    assert runner.invoke(args=["retention", "apply", "--months", "-1"]).exit_code != 0
    # --months 0 deletes every comment: refused without --yes, done with it.
    refused = runner.invoke(args=["retention", "apply", "--months", "0"])
    assert refused.exit_code != 0 and "--yes" in refused.output
    assert len(_state(app)[0]) == 2
    done = runner.invoke(args=["retention", "apply", "--months", "0", "--yes"])
    assert done.exit_code == 0 and _state(app)[0] == []
