"""Citizens submitting through the balancer, each form from another phone's address.

Every request is recorded with its start and end, its status and the
X-Request-ID nginx gave it, so the test can find in the balancer's log
which host answered it. Loopback accepts any 127.x.y.z as a source
address: each form is sent from its own, so the rate limits (which key on
the address nginx passes in X-Forwarded-For) see many phones, as at a real
counter, instead of one script.
"""
from __future__ import annotations

import itertools
import random
import re
import ssl
import threading
import time
from dataclasses import dataclass, field

import httpx

from bench.load import HIDDEN, answers

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@dataclass
class Exchange:
    method: str
    path: str
    started: float
    ended: float
    status: int          # 0: no answer (transport error)
    request_id: str
    who: str             # "load", "phone", "staff"


@dataclass
class Record:
    exchanges: list[Exchange] = field(default_factory=list)
    acknowledged: set[str] = field(default_factory=set)
    unacknowledged: set[str] = field(default_factory=set)   # forms given up on (still retrying at the end)
    lock: threading.Lock = field(default_factory=threading.Lock)
    in_flight: int = 0

    def add(self, exchange: Exchange) -> None:
        with self.lock:
            self.exchanges.append(exchange)


_addresses = (f"127.{a}.{b}.{c}" for a in itertools.count(80) for b in range(256) for c in range(1, 255))
_address_lock = threading.Lock()


def next_address() -> str:
    with _address_lock:
        return next(_addresses)


class Browser:
    """One browser (cookies) on one source address, talking to the balancer over TLS."""

    def __init__(self, base: str, cafile: str, record: Record, who: str, address: str | None = None) -> None:
        context = ssl.create_default_context(cafile=cafile)
        self.client = httpx.Client(base_url=base, timeout=40, follow_redirects=False,
                                   transport=httpx.HTTPTransport(local_address=address or next_address(),
                                                                 verify=context))
        self.record, self.who = record, who

    def request(self, method: str, path: str, **kwargs) -> httpx.Response | None:
        with self.record.lock:
            self.record.in_flight += 1
        started = time.monotonic()
        try:
            answer = self.client.request(method, path, **kwargs)
        except httpx.HTTPError:
            answer = None
        ended = time.monotonic()
        with self.record.lock:
            self.record.in_flight -= 1
        self.record.add(Exchange(method, path, started, ended, answer.status_code if answer is not None else 0,
                                 answer.headers.get("x-request-id", "") if answer is not None else "", self.who))
        return answer

    def close(self) -> None:
        self.client.close()


def submit(browser: Browser, token: str, service: str, rng: random.Random,
           retries: int = 20, stop: threading.Event | None = None) -> tuple[str, int]:
    """Open the form and send it, sending again after a 5xx as a citizen would; return (key, last status)."""
    page = None
    for _ in range(retries):
        page = browser.request("GET", f"/s/{token}")
        if page is not None and page.status_code == 200:
            break
        time.sleep(0.2)
    if page is None or page.status_code != 200:
        return "", page.status_code if page is not None else 0
    form = {**dict(HIDDEN.findall(page.text)), **answers(rng), "service": service}
    status = 0
    for _ in range(retries):
        done = browser.request("POST", f"/s/{token}", data=form)
        status = done.status_code if done is not None else 0
        if 0 < status < 500:
            break
        time.sleep(0.3)  # the page said "try again": the citizen presses Gửi once more
    return form["submission_key"], status


def citizens(base: str, cafile: str, counters: list[tuple[str, list[str]]], record: Record,
             stop: threading.Event, count: int, pause: float) -> list[threading.Thread]:
    """Start `count` threads, each submitting forms (a new phone each time) until `stop`."""
    def run(seed: int) -> None:
        rng = random.Random(seed)
        while not stop.is_set():
            token, services = rng.choice(counters)
            browser = Browser(base, cafile, record, "load")
            try:
                key, status = submit(browser, token, rng.choice(services), rng)
            finally:
                browser.close()
            with record.lock:
                (record.acknowledged if status == 303 else record.unacknowledged).add(key)
            time.sleep(pause * rng.random())

    threads = [threading.Thread(target=run, args=(i,), daemon=True) for i in range(count)]
    for t in threads:
        t.start()
    return threads
