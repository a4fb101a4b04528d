"""Read the balancer's access log (the `sipas` format of deploy/nginx/sipas.conf)."""
from __future__ import annotations

import re
import time
from dataclasses import dataclass
from pathlib import Path

LINE = re.compile(r'^\S+ (?P<id>\S+) "(?P<request>[^"]*)" (?P<status>\d+) \S+ \S+ '
                  r'upstream=(?P<upstream>.*) status=(?P<upstream_status>.*) time=\S*$')


@dataclass(frozen=True)
class Entry:
    request: str
    status: int
    upstreams: tuple[str, ...]   # every host tried, in order ("10.77.3.2:8000", …)


def entries(path: Path) -> dict[str, Entry]:
    """Return each logged request by its X-Request-ID."""
    found = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        match = LINE.match(line)
        if match:
            hosts = tuple(h.strip() for h in re.split(r"[,:]\s+", match["upstream"]) if h.strip() not in ("", "-"))
            found[match["id"]] = Entry(match["request"], int(match["status"]), hosts)
    return found


def wait_for(path: Path, request_ids: list[str], timeout: float = 5) -> dict[str, Entry]:
    """Return the log once it holds every request id (nginx writes the line just after answering)."""
    deadline = time.monotonic() + timeout
    while True:
        found = entries(path)
        if all(rid in found for rid in request_ids) or time.monotonic() > deadline:
            return found
        time.sleep(0.02)
