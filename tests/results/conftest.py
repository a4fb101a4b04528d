"""Fixtures of the results tests: the demo commune with a seeded dataset."""
from __future__ import annotations

import pytest

from tests.results.seed import seed


@pytest.fixture
def raw(app, demo):
    """The seeded responses as a DataFrame (one row per response)."""
    return seed(app, demo)


@pytest.fixture
def next_version(monkeypatch, tmp_path):
    """sipas-dv 2025.1: the shipped file with a new version (same criteria, MM10 no longer asked).

    It is registered as a shipped file would be, so the service reads it as a
    real next year's form; the key is returned.
    """
    from survey.questionnaire import loader

    folder = tmp_path / "questionnaires"
    folder.mkdir()
    for path in loader.SHIPPED_DIR.glob("*.toml"):
        (folder / path.name).write_bytes(path.read_bytes())
    text = (loader.SHIPPED_DIR / "sipas-dv-2024.toml").read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if 'code = "MM10"' not in line]
    text = "\n".join(lines).replace('version = "2024.1"', 'version = "2025.1"', 1)
    assert 'version = "2025.1"' in text
    (folder / "sipas-dv-2025.toml").write_text(text, encoding="utf-8")
    monkeypatch.setattr(loader, "SHIPPED_DIR", folder)
    loader.shipped.cache_clear()
    yield ("sipas-dv", "2025.1")
    loader.shipped.cache_clear()
