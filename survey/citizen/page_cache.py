"""Render a blank form once per counter, service, questionnaire and language.

Rendering the questionnaire (~450 macro calls) dominated a form GET. The blank
form differs between requests only by the CSRF token, the submission key and
the CSP nonce, so it is rendered once with placeholders and each request fills
them in. The key holds everything else the page shows (unit and counter names,
the counter's services), so a catalogue change renders a new page at once.
"""
from __future__ import annotations

import secrets
from collections import OrderedDict
from typing import Callable, Hashable

MAX_PAGES = 256  # per worker process: a few counters × services × 2 languages

_pages: OrderedDict[Hashable, str] = OrderedDict()
# Random per process, alphanumeric so HTML escaping leaves them intact.
CSRF = "csrf" + secrets.token_hex(12)
KEY = "key" + secrets.token_hex(12)
NONCE = "nonce" + secrets.token_hex(12)


def blank_page(key: Hashable, render: Callable[[], str]) -> str:
    """Return the cached page for `key`, rendering (with placeholders) on a miss."""
    page = _pages.get(key)
    if page is None:
        page = render()
        _pages[key] = page
        if len(_pages) > MAX_PAGES:
            _pages.popitem(last=False)
    else:
        _pages.move_to_end(key)
    return page


def fill(page: str, csrf_token: str, submission_key: str, nonce: str) -> str:
    """Put this request's secrets into a cached page."""
    return page.replace(CSRF, csrf_token).replace(KEY, submission_key).replace(NONCE, nonce)


def clear() -> None:
    """Forget every cached page (tests)."""
    _pages.clear()
