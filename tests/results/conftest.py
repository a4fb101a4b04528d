"""Fixtures of the results tests: the demo commune with a seeded dataset."""
from __future__ import annotations

import pytest

from tests.results.seed import seed


@pytest.fixture
def raw(app, demo):
    """The seeded responses as a DataFrame (one row per response)."""
    return seed(app, demo)
