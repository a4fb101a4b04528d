"""README "Going live": an empty database to a counted citizen response, with no demo data.

Each step is the command the README gives, run through the `sipas` command
line against a database that starts empty (a new SQLite file, or a new
PostgreSQL database), on the example files the README points at.
"""
from __future__ import annotations

import re
from pathlib import Path

from sqlalchemy import func, select

from survey import create_app, db
from survey.models import Response, Service, ServicePoint, Unit
from tests.citizen.helpers import full_answers, open_form
from tests.staff.conftest import login
from tests.test_migrations import empty_database_url  # noqa: F401  (fixture)

EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "examples"
README = Path(__file__).resolve().parents[2] / "README.md"
PASSWORD = "Quầy-một-cửa-2026"


def _sipas(runner, *args: str) -> str:
    result = runner.invoke(args=list(args))
    assert result.exit_code == 0, f"sipas {' '.join(args)}: {result.output}"
    return result.output


def test_empty_database_to_a_counted_response(empty_database_url, tmp_path):  # noqa: F811
    app = create_app({"TESTING": True, "SECRET_KEY": "golive", "DATABASE_URL": empty_database_url,
                      "SIPAS_BASE_URL": "http://192.168.1.20:5000"})
    runner, client = app.test_cli_runner(), app.test_client()
    try:
        assert "Database at head." in _sipas(runner, "db", "upgrade")
        assert "4 created" in _sipas(runner, "units", "import", str(EXAMPLES / "don-vi-hanh-chinh.csv"))
        assert "5 created" in _sipas(runner, "catalogue", "import", str(EXAMPLES / "thu-tuc-hanh-chinh.csv"))
        _sipas(runner, "users", "create", "admin-anlao", "--role", "admin", "--unit", "11311",
               "--password", PASSWORD)
        made = _sipas(runner, "counters", "create", "Quầy một cửa", "--unit", "11311", "--all-services")
        url = re.search(r"http://192\.168\.1\.20:5000(/s/[\w-]+)", made).group(1)
        assert "Wrote 1 page(s)" in _sipas(runner, "posters", "--out", str(tmp_path / "p.pdf"), "--unit", "11311")
        assert (tmp_path / "p.pdf").read_bytes().startswith(b"%PDF")

        form = {**open_form(client, url), **full_answers(), "service": "1.001193"}
        sent = client.post(url, data=form)
        assert sent.status_code == 303, sent.get_data(as_text=True)[:500]

        assert login(client, "admin-anlao", PASSWORD).status_code == 302
        counters = client.get("/staff/admin/counters")
        assert counters.status_code == 200 and "Quầy một cửa" in counters.get_data(as_text=True)
        counted = _sipas(runner, "responses", "count")
        assert counted.splitlines()[-1].endswith("\t1")
        with app.app_context():
            s = db.session()
            assert s.scalar(select(func.count(Unit.id))) == 4  # no demo commune anywhere
            assert s.scalar(select(func.count(Service.id))) == 5
            (response,) = s.scalars(select(Response))
            point = s.get(ServicePoint, response.service_point_id)
            assert (point.name, point.unit.code, point.unit.parent.code) == ("Quầy một cửa", "11311", "31")
    finally:
        app.extensions["sipas.engine"].dispose()


def test_readme_going_live_gives_these_commands():
    text = README.read_text(encoding="utf-8")
    section = text[text.index("## Going live"):]
    section = section[:section.index("\n## ", 4)]
    for command in ("sipas db upgrade", "sipas units import", "sipas catalogue import", "sipas users create",
                    "sipas counters create", "sipas posters", "SIPAS_BASE_URL"):
        assert command in section, command
    blocks = section.split("```")[1::2]
    assert blocks and not any("demo" in block for block in blocks)  # a live commune never runs the demo
