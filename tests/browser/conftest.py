"""A real server and Debian's chromium for the browser tests.

Chromium comes from Debian (`apt-get install -y chromium`), never from
`playwright install`. Without it the tests skip on a developer machine and
fail under CI=true. axe-core comes from npm:
`npm install --prefix ~/.cache/sipas-axe axe-core` (or set SIPAS_AXE_JS).
"""
from __future__ import annotations

import os
import shutil
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

CHROMIUM = shutil.which("chromium")
# One folder per database: CI runs the SQLite and PostgreSQL suites side by side.
ARTIFACTS = (Path(__file__).resolve().parents[2] / "artifacts" / "browser"
             / ("postgres" if os.environ.get("SIPAS_TEST_DATABASE_URL") else "sqlite"))
PHONE = {"width": 360, "height": 640}
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
AXE_CANDIDATES = [
    os.environ.get("SIPAS_AXE_JS", ""),
    str(Path(__file__).with_name("node_modules") / "axe-core" / "axe.min.js"),
    str(Path.home() / ".cache" / "sipas-axe" / "node_modules" / "axe-core" / "axe.min.js"),
]


def _missing(what: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"{what} is required in CI")
    pytest.skip(f"{what} is not installed")


@pytest.fixture
def server(app):
    """The app on a free loopback port, threaded, for the length of one test."""
    httpd = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}"
    httpd.shutdown()
    thread.join(5)


@pytest.fixture(scope="session")
def chromium():
    if CHROMIUM is None:
        _missing("Debian's chromium (apt-get install -y chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        browser.close()


@pytest.fixture
def phone(chromium):
    """A fresh phone-sized browser context; call it with keyword options (javascript_enabled…)."""
    contexts = []

    def open_page(**options):
        context = chromium.new_context(**{"viewport": PHONE, "locale": "vi-VN", **options})
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15_000)
        return page

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture(scope="session")
def axe_js() -> str:
    for candidate in AXE_CANDIDATES:
        if candidate and Path(candidate).is_file():
            return Path(candidate).read_text(encoding="utf-8")
    _missing("axe-core (npm install --prefix ~/.cache/sipas-axe axe-core)")


def shot(page, name: str) -> None:
    """Save a full-page screenshot as a CI artefact."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


@pytest.fixture
def staff_page(app, server, phone, demo):
    """Log a new officer of the demo commune in through the login form, on a desktop-sized page.

    Call it as ``staff_page(username, role, password, next_path)``; it returns the page,
    left on ``next_path`` after login.
    """
    from survey import db
    from survey.auth.operations import create_user
    from survey.models import Unit

    def open_as(username: str, role: str, password: str, next_path: str):
        with app.app_context():
            s = db.session()
            create_user(s, username, role, s.get(Unit, demo.unit_id), password)
            s.commit()
        page = phone()
        page.set_viewport_size({"width": 1280, "height": 900})
        page.goto(f"{server}{next_path}")
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", password)
        with page.expect_navigation():
            page.click("button[type=submit]")
        page.goto(f"{server}{next_path}")
        return page

    return open_as
