"""The cached form goes out gzipped, spliced from pieces deflated once (survey/citizen/page_cache.py)."""
from __future__ import annotations

import gzip
import re

from hypothesis import given, settings
from hypothesis import strategies as st

from survey.citizen import page_cache
from tests.citizen.helpers import full_answers, hidden_fields

PLACEHOLDERS = [page_cache.CSRF, page_cache.KEY, page_cache.NONCE]


@settings(max_examples=200, deadline=None)
@given(pieces=st.lists(st.text(max_size=3000), min_size=1, max_size=8),
       between=st.lists(st.sampled_from(PLACEHOLDERS), min_size=7, max_size=7),
       secrets=st.tuples(*[st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789-_.", max_size=200)] * 3))
def test_the_spliced_gzip_is_exactly_the_filled_page(pieces, between, secrets):
    # Any text (Vietnamese, emoji, empty stretches, adjacent placeholders) with
    # placeholders anywhere: gzip.decompress checks the CRC and the length too.
    page = "".join(p + (between[i] if i < len(pieces) - 1 else "") for i, p in enumerate(pieces))
    blank = page_cache.Blank.of(page)
    assert gzip.decompress(page_cache.fill_gzip(blank, *secrets)) == page_cache.fill(blank, *secrets).encode()


def test_a_browser_gets_the_form_gzipped_and_can_submit_it(app, client, demo):
    url = f"/s/{demo.points[0].token}"
    page = client.get(url, headers={"Accept-Encoding": "gzip, deflate, br"})
    assert page.status_code == 200
    assert page.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in page.headers["Vary"]
    assert page.headers["Content-Type"] == "text/html; charset=utf-8"
    body = page.get_data()
    assert len(body) <= 14 * 1024  # the first round trip of a new TCP connection
    html = gzip.decompress(body).decode()
    assert "Ông/Bà" in html and not any(p in html for p in PLACEHOLDERS)
    nonce = re.search(r"'nonce-([^']+)'", page.headers["Content-Security-Policy"]).group(1)
    assert f'nonce="{nonce}"' in html
    # The decompressed page's secrets are this session's real ones.
    form = {**hidden_fields(html), **full_answers(), "service": demo.points[0].services[0]}
    assert client.post(url, data=form).status_code == 303


def test_a_client_without_gzip_gets_plain_html(app, client, demo):
    url = f"/s/{demo.points[0].token}"
    for headers in ({}, {"Accept-Encoding": "identity"}, {"Accept-Encoding": "gzip;q=0, identity"}):
        page = client.get(url, headers=headers)
        assert "Content-Encoding" not in page.headers
        assert page.get_data(as_text=True).lstrip().lower().startswith("<!doctype html>")
