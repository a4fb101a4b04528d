"""The `sipas` command line, as an operator runs it."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from PIL import Image
from pyzbar.pyzbar import decode
from sqlalchemy import func, select

from survey import db
from survey.models import Service, ServicePoint, Unit
from tests.citizen.helpers import Q, full_answers, open_form


def test_demo_seed_is_idempotent_and_prints_survey_urls(app, runner):
    first = runner.invoke(args=["demo", "seed"])
    assert first.exit_code == 0, first.output
    with app.app_context():
        s = db.session()
        counts = [s.scalar(select(func.count()).select_from(m)) for m in (Unit, Service, ServicePoint)]
        tokens = sorted(s.scalars(select(ServicePoint.token)))
    second = runner.invoke(args=["demo", "seed"])
    assert second.exit_code == 0
    with app.app_context():
        s = db.session()
        assert [s.scalar(select(func.count()).select_from(m)) for m in (Unit, Service, ServicePoint)] == counts
        assert sorted(s.scalars(select(ServicePoint.token))) == tokens
    assert counts == [2, 11, 2]
    for token in tokens:
        assert f"http://sipas.test/s/{token}" in first.output
    assert "█" in first.output  # the QR drawn in the terminal


def test_qr_command_writes_svg_and_png_that_decode_to_the_form(app, runner, client, demo, tmp_path):
    point = demo.points[0]
    result = runner.invoke(args=["qr", "--point", str(point.id), "--out", str(tmp_path), "--no-terminal"])
    assert result.exit_code == 0, result.output
    svg = (tmp_path / f"counter-{point.id}.svg").read_text()
    assert "<svg" in svg and 'xmlns="http://www.w3.org/2000/svg"' in svg
    decoded = decode(Image.open(tmp_path / f"counter-{point.id}.png"))
    url = decoded[0].data.decode()
    assert url == f"http://sipas.test/s/{point.token}"
    assert client.get(url.removeprefix("http://sipas.test")).status_code == 200


def test_qr_command_per_service(app, runner, demo, tmp_path):
    point = demo.points[1]
    code = point.services[0]
    result = runner.invoke(args=["qr", "--point", str(point.id), "--service", code, "--out", str(tmp_path)])
    assert result.exit_code == 0
    url = decode(Image.open(tmp_path / f"counter-{point.id}-{code}.png"))[0].data.decode()
    assert url.endswith(f"/s/{point.token}/{code}")
    bad = runner.invoke(args=["qr", "--service", "0.000000", "--out", str(tmp_path)])
    assert bad.exit_code != 0 and "no procedure with code 0.000000" in bad.output


def test_responses_count_per_service(app, runner, client, demo):
    point = demo.points[0]
    url = f"/s/{point.token}"
    for service in (point.services[0], point.services[0], point.services[1]):
        citizen = app.test_client()  # three citizens: one browser sending again replaces its response
        form = {**open_form(citizen, url), **full_answers(), "service": service}
        assert citizen.post(url, data=form).status_code == 303
    out = runner.invoke(args=["responses", "count"]).output
    lines = {tuple(line.split("\t")[1:2]): line.split("\t")[-1] for line in out.splitlines()}
    assert lines[(point.services[0],)] == "2"
    assert lines[(point.services[1],)] == "1"
    assert out.splitlines()[-1].endswith("\t3")


def test_console_script_migrates_a_fresh_sqlite_database(tmp_path):
    sipas = Path(sys.executable).with_name("sipas")
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'cli.sqlite3'}", "SECRET_KEY": "x"}
    run = subprocess.run([str(sipas), "db", "upgrade"], env=env, capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr
    assert "Database at head." in run.stdout
    check = subprocess.run([str(sipas), "db", "check"], env=env, capture_output=True, text=True, timeout=60)
    assert check.returncode == 0, check.stderr


def test_demo_responses_are_added_once(app, runner):
    from survey.models import Response

    first = runner.invoke(args=["demo", "seed", "--quiet", "--responses", "120"])
    assert first.exit_code == 0, first.output
    assert "120 synthetic responses" in first.output
    second = runner.invoke(args=["demo", "seed", "--quiet", "--responses", "120"])
    assert "synthetic" not in second.output
    with app.app_context():
        s = db.session()
        assert s.scalar(select(func.count(Response.id))) == 120
        values = [pair for r in s.scalars(select(Response)) for pair in r.answer_values.items()]
        valid = Q.valid_values()
        assert all(v in valid[code] for code, v in values)
        assert {code for code, _ in values} >= {"TC1", "PA3", "MM1", "NT1"}
