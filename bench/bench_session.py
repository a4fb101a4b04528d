"""Does a cached session signer (formerly survey.security.CachedSignerSessions) matter?

    python bench/bench_session.py [--requests 3000]

In process (no network, so only the signer's share shows), on a demo SQLite
database: the citizen form GET (a new session and CSRF token each time, as a
phone's first visit) and a logged-in staff GET (open and save a session),
each under Flask's own SecureCookieSessionInterface and under the cached
signer, interleaved in rounds so drift affects both alike. Prints ms per
request, the saving, and what it would change in BENCHMARKS.md's form-GET
target (≥ 50 % of the bare-Flask baseline's requests/s).
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
import timeit
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flask import Flask  # noqa: E402
from flask.sessions import SecureCookieSessionInterface  # noqa: E402

from survey import create_app, db  # noqa: E402
from survey.db import Base  # noqa: E402


class CachedSignerSessions(SecureCookieSessionInterface):
    """The candidate: Flask's sessions with the signer built once per secret key."""

    _cached = None

    def get_signing_serializer(self, app: Flask):
        key = (app.secret_key, tuple(app.config.get("SECRET_KEY_FALLBACKS") or ()))
        cached = self._cached
        if cached is None or cached[0] != key:
            cached = self._cached = (key, super().get_signing_serializer(app))
        return cached[1]


INTERFACES = {"flask": SecureCookieSessionInterface, "cached": CachedSignerSessions}


def _app(folder: Path):
    from sqlalchemy import create_engine

    import survey.models  # noqa: F401
    from survey import demo
    from survey.questionnaire.sync import sync_shipped

    url = f"sqlite:///{folder / 'bench.sqlite3'}"
    engine = create_engine(url)
    Base.metadata.create_all(engine)
    engine.dispose()
    app = create_app({"SECRET_KEY": "bench", "DATABASE_URL": url, "SIPAS_BASE_URL": "http://sipas.test",
                      "RATELIMIT_ENABLED": False})
    with app.app_context():
        s = db.session()
        sync_shipped(s)
        _, points = demo.seed(s)
        from survey.auth.operations import create_user
        create_user(s, "bench-admin", "admin", points[0].unit, "bench-password-long")
        s.commit()
        return app, points[0].token


def _per_request(client, path: str, n: int) -> float:
    # CPU time of this process: other work on the machine does not count.
    started = time.process_time()
    for _ in range(n):
        client.get(path)
    return (time.process_time() - started) / n * 1000


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        app, token = _app(Path(folder))
        staff = app.test_client()
        page = staff.get("/staff/login").get_data(as_text=True)
        csrf = page.split('name="csrf_token" value="')[1].split('"')[0]
        staff.post("/staff/login", data={"username": "bench-admin", "password": "bench-password-long",
                                         "csrf_token": csrf})
        cases = {"form GET (new session)": (app.test_client(use_cookies=False), f"/s/{token}"),
                 "staff GET (open + save)": (staff, "/staff/")}
        times: dict[tuple[str, str], list[float]] = {}
        for turn in range(args.rounds):
            order = list(INTERFACES.items())
            for name, cls in order[::-1] if turn % 2 else order:  # neither always goes second
                app.session_interface = cls()
                for case, (client, path) in cases.items():
                    client.get(path)  # warm
                    times.setdefault((case, name), []).append(_per_request(client, path, args.requests // args.rounds))
    result = {}
    print(f"{'case':26} {'Flask ms':>9} {'cached ms':>9} {'saved':>8}")
    for case in cases:
        plain, cached = (min(times[(case, n)]) for n in ("flask", "cached"))  # least disturbed round
        result[case] = (plain, cached)
        print(f"{case:26} {plain:9.3f} {cached:9.3f} {100 * (plain - cached) / plain:7.1f} %")
    # The only work the cache can save: building the serializer (twice a request).
    probe = Flask("probe")
    probe.secret_key = "bench"
    for name, cls in INTERFACES.items():
        interface = cls()
        cost = min(timeit.repeat(lambda i=interface: i.get_signing_serializer(probe), number=20_000, repeat=5,
                                 timer=time.process_time)) / 20_000 * 1e6
        result[f"serializer {name}"] = cost
        print(f"build signer, {name:7} {cost:6.1f} µs (twice per request)")
    return result


if __name__ == "__main__":
    main()
