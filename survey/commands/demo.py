"""`sipas demo seed`: an idempotent demo commune to try the service with."""
from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup

from survey import db, demo
from survey.auth.operations import ensure_demo_admin
from survey.demo.responses import seed_responses
from survey.links import base_url, describe_base_url, survey_url
from survey.questionnaire.sync import sync_shipped

demo_cli = AppGroup("demo", help="Demo data.")


@demo_cli.command("seed")
@click.option("--quiet", is_flag=True, help="Do not print the survey URLs and QR codes.")
@click.option("--responses", type=int, default=0, show_default=True,
              help="Also add this many synthetic responses (only if the commune has none).")
def seed(quiet: bool, responses: int) -> None:
    """Create or refresh the demo commune, its counters and procedures."""
    from survey import qr  # deferred: the CLI is registered in every worker, which need not hold qrcode

    s = db.session()
    sync_shipped(s)
    commune, points = demo.seed(s)
    admin, password = ensure_demo_admin(s, commune)
    added = seed_responses(s, commune, points, responses)
    s.commit()
    city = commune.parent.name if commune.parent else ""
    click.echo(f"Demo ready: {commune.name}, {city} ({len(points)} counters"
               + (f", {added} synthetic responses" if added else "") + ").")
    click.echo(f"Demo administrator (for trying the service only): {admin.username} / {password}"
               " — this password changes at every `sipas demo seed`.")
    click.echo(f"Staff pages: {base_url()}/staff/login")
    click.echo(describe_base_url())
    if quiet:
        return
    for point in points:
        url = survey_url(point)
        click.echo(f"\n{point.name}\n  {url}")
        click.echo(qr.terminal(url))


def register(app: Flask) -> None:
    app.cli.add_command(demo_cli)
