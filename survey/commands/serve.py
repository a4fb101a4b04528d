"""`sipas serve`: run the service under gunicorn, the production WSGI server."""
from __future__ import annotations

import click
from flask import Flask, current_app
from flask.cli import with_appcontext
from gunicorn.app.base import BaseApplication

from survey.links import describe_base_url


class _Gunicorn(BaseApplication):
    def __init__(self, options: dict):
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self):
        # Each worker builds its own app (and database pool) after the fork.
        from survey import create_app

        app = create_app()
        minutes = app.config["SIPAS_ROLLUP_EVERY_MINUTES"]
        if minutes:
            # In the worker, after the fork: a master that had opened the
            # SQLite file would hand its children SQLite's per-process lock
            # state, and every worker's write then answered "database is
            # locked". Each worker runs the job; a second run finds the days
            # built and skips them (each unit's build takes the unit's lock).
            from survey.results import schedule

            schedule.start(app, minutes * 60)
        return app


@click.command("serve")
@with_appcontext
@click.option("--host", default="0.0.0.0", show_default=True)
@click.option("--port", type=int, help="Default: $PORT or 5000.")
@click.option("--workers", type=int, default=2, show_default=True)
@click.option("--threads", type=int, default=4, show_default=True)
def serve(host: str, port: int | None, workers: int, threads: int) -> None:
    """Serve the application with gunicorn."""
    port = port or current_app.config["PORT"]
    minutes = current_app.config["SIPAS_ROLLUP_EVERY_MINUTES"]
    if minutes:
        click.echo(f"Rollup of past days every {minutes} min (SIPAS_ROLLUP_EVERY_MINUTES)")
    click.echo(f"Serving on http://{host}:{port}/ (Ctrl+C to stop)")
    click.echo(describe_base_url())
    _Gunicorn({
        "bind": f"{host}:{port}",
        "workers": workers,
        "threads": threads,
        "worker_class": "gthread",
        "accesslog": "-",
        # Access logs must not keep citizens' IP addresses (privacy).
        "access_log_format": '"%(r)s" %(s)s %(b)s %(M)sms',
        "timeout": 30,
    }).run()


def register(app: Flask) -> None:
    app.cli.add_command(serve)
