"""The rollup job on a timer inside `sipas serve`, for the one-machine install.

A deployment with several hosts runs `sipas results rollup --missing` from a
systemd timer or cron instead (docs/architecture.md) and sets
SIPAS_ROLLUP_EVERY_MINUTES=0. Running it twice at once is harmless: each
unit's build takes the unit's lock and skips the days already stored.
"""
from __future__ import annotations

import logging
import threading

from flask import Flask

from survey.results import rollup
from survey.results.config import Method

log = logging.getLogger(__name__)


def run_once(app: Flask) -> tuple[int, int]:
    """Build the missing past days of every unit; return (responses read, unit series built)."""
    with app.app_context():
        return rollup.build(app.extensions["sipas.engine"], (Method.from_config().index,))


def start(app: Flask, every_seconds: float, stop: threading.Event | None = None) -> threading.Thread:
    """Run `run_once` now and then every `every_seconds` in a daemon thread until `stop` is set."""
    stop = stop or threading.Event()

    def loop() -> None:
        while not stop.is_set():
            try:
                responses, built = run_once(app)
                if responses:
                    log.info("rollup: %d responses in %d unit series", responses, built)
            except Exception:  # the next round retries; the pages read live meanwhile
                log.exception("scheduled rollup failed")
            stop.wait(every_seconds)

    thread = threading.Thread(target=loop, name="sipas-rollup", daemon=True)
    thread.start()
    return thread
