"""`sipas backup` / `sipas restore` round-trip every response on SQLite and PostgreSQL."""
from __future__ import annotations

from types import SimpleNamespace

import pytest
from sqlalchemy import delete, select

from survey import db
from survey.demo import seed
from survey.models import Response
from survey.questionnaire.sync import sync_shipped
from tests.reliability.databases import private_database
from tests.reliability.helpers import submit


def _snapshot(app):
    """Every response with everything stored about it."""
    with app.app_context():
        rows = db.session().scalars(select(Response).order_by(Response.submission_key))
        return [(r.submission_key, r.unit_id, r.service_id, r.service_point_id, r.channel,
                 r.submitted_at, r.flagged, r.flag_reason,
                 sorted(r.answer_values.items()),
                 r.comment.text if r.comment else None) for r in rows]


def _seed(app) -> SimpleNamespace:
    with app.app_context():
        s = db.session()
        sync_shipped(s)
        _, points = seed(s)
        s.commit()
        return SimpleNamespace(token=points[0].token, service=points[0].services[0].code)


@pytest.mark.parametrize("kind", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def test_backup_and_restore_round_trip_every_response(kind, tmp_path, make_app):
    with private_database(kind, tmp_path) as url:
        app = make_app(DATABASE_URL=url)
        point = _seed(app)
        client = app.test_client()
        for i in range(12):
            comment = "Rất tốt — cảm ơn cán bộ 'Hoà' \"quầy 1\"" if i % 3 == 0 else ""
            assert submit(client, f"/s/{point.token}", point.service, base=i, comment=comment).status_code == 303
        original = _snapshot(app)
        assert len(original) == 12
        runner = app.test_cli_runner()
        out = tmp_path / "backups" / f"sipas.{kind}.backup"
        done = runner.invoke(args=["backup", "--out", str(out)])
        assert done.exit_code == 0, done.output
        assert out.stat().st_size > 0
        assert out.stat().st_mode & 0o777 == 0o600  # every comment and password hash: owner only

        with app.app_context():  # damage: lose some, add one that was not in the backup
            s = db.session()
            s.execute(delete(Response).where(Response.id <= 5))
            s.commit()
        submit(client, f"/s/{point.token}", point.service, base=2, comment="mới")
        assert _snapshot(app) != original

        refused = runner.invoke(args=["restore", str(out)], input="n\n")
        assert refused.exit_code != 0 and len(_snapshot(app)) == 8
        done = runner.invoke(args=["restore", str(out), "--yes"])
        assert done.exit_code == 0, done.output
        assert _snapshot(app) == original
        # The service keeps working on the restored database.
        assert submit(client, f"/s/{point.token}", point.service, base=3, comment="sau").status_code == 303
        assert len(_snapshot(app)) == 13


@pytest.mark.parametrize("kind", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def test_restore_refuses_a_file_that_is_not_a_backup(kind, tmp_path, make_app):
    with private_database(kind, tmp_path) as url:
        app = make_app(DATABASE_URL=url)
        point = _seed(app)
        submit(app.test_client(), f"/s/{point.token}", point.service)
        bogus = tmp_path / "bogus.backup"
        bogus.write_bytes(b"not a backup at all" * 100)
        done = app.test_cli_runner().invoke(args=["restore", str(bogus), "--yes"])
        assert done.exit_code != 0 and "Error" in done.output
        assert len(_snapshot(app)) == 1
