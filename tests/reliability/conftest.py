"""Fixtures for the reliability tests: apps with chosen settings on the test database."""
from __future__ import annotations

import pytest

from survey import create_app


@pytest.fixture
def make_app(database_url):
    """Build extra apps on the same database as ``app`` (e.g. with limits on)."""
    made = []

    def build(**config):
        app = create_app({
            "TESTING": True,
            "SECRET_KEY": "test-secret",
            "DATABASE_URL": database_url,
            "SIPAS_BASE_URL": "http://sipas.test",
            **config,
        })
        made.append(app)
        return app

    yield build
    for app in made:
        app.extensions["sipas.engine"].dispose()
