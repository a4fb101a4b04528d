"""Command-line groups of the `sipas` command, one module per concern."""
from __future__ import annotations

from flask import Flask


def register(app: Flask) -> None:
    """Attach every command group to the app's CLI."""
    from survey.commands import (
        backup,
        catalogue,
        counters,
        database,
        demo,
        export,
        plans,
        posters,
        qr,
        report,
        results,
        retention,
        serve,
        stats,
        units,
        users,
    )

    for module in (database, demo, qr, serve, stats, users, backup, retention, export, posters, plans, report, results,
                   units, catalogue, counters):
        module.register(app)
