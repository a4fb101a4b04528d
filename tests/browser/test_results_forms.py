"""In Chromium, an officer switches the results to the other questionnaire and reviews the flagged responses."""
from __future__ import annotations

import pytest

from tests.browser.conftest import shot
from tests.results.seed import seed

pytestmark = pytest.mark.browser
PASSWORD = "Mật-khẩu-trình-duyệt-2026"
POPULATION = ("sipas-population", "2024.1")


def test_officer_switches_form_and_reviews_flagged(app, staff_page, demo):
    raw = seed(app, demo)
    population = seed(app, demo, rng_seed=3, key=POPULATION, plan=[("1.001193", 31), ("2.000815", 9)])
    page = staff_page("trinh-duyet", "viewer", PASSWORD, "/staff/results/?ky=year&nam=2024")
    assert page.inner_text("#n-responses") == str((~raw.flagged).sum())
    assert "sipas-population 2024.1" in page.inner_text("#other-forms")
    assert f"{raw.flagged.sum()} phiếu bị gắn cờ" in page.inner_text("#flagged-note")
    shot(page, "results-two-forms")
    # The selector in the filter form, as a person uses it: pick the other form, press "Xem".
    page.select_option("#bang_hoi", "sipas-population:2024.1")
    with page.expect_navigation():
        page.click("form.filters button[type=submit]")
    assert page.inner_text("#n-responses") == str((~population.flagged).sum())
    assert "sipas-population" in page.inner_text("#form-choice")
    assert "XD1" in page.inner_text("#criteria")
    shot(page, "results-population-form")
    page.select_option("#bang_hoi", "sipas-dv:2024.1")
    with page.expect_navigation():
        page.click("form.filters button[type=submit]")
    with page.expect_navigation():
        page.click("#flagged-note a >> nth=0")
    assert page.inner_text("#n-flagged") == str(raw.flagged.sum())
    assert page.locator("#flagged tbody tr").count() == raw.flagged.sum()
    shot(page, "results-flagged-list")
