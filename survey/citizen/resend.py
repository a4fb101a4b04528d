"""Back, then Send again: the response this browser sent moments ago, remembered in its session.

A citizen who sends, presses Back and sends again (to correct an answer,
or unsure the first went through) is one citizen with one response. The
signed session cookie names the response this browser last stored at a
counter; a second valid send there within the duplicate window
(SIPAS_DUPLICATE_WINDOW_SECONDS) replaces it instead of adding another.
Only on a citizen's own phone: a counter tablet serves the next person
within the window, and an invitation's code is used once anyway.
"""
from __future__ import annotations

import time

from flask import current_app, session

_SENT = "sipas.sent"  # [counter id, response id, unix time]


def earlier(point_id: int | None, channel: str) -> int | None:
    """The id of the response this browser sent at this counter within the window, or None."""
    sent = session.get(_SENT)
    if channel != "qr" or point_id is None or not isinstance(sent, list) or len(sent) != 3:
        return None
    if sent[0] != point_id or time.time() - sent[2] > current_app.config["SIPAS_DUPLICATE_WINDOW_SECONDS"]:
        return None
    return int(sent[1])


def remember(point_id: int | None, response_id: int | None, channel: str) -> None:
    """Note a response this browser has just stored at a counter (QR only)."""
    if channel == "qr" and point_id is not None and response_id is not None:
        session[_SENT] = [point_id, response_id, int(time.time())]
