"""Load test: many phones open the form and submit, under gunicorn, on SQLite and PostgreSQL.

    python bench/load.py [--responses 20000] [--clients 200] [--db sqlite,postgresql]
                         [--pg-url postgresql://postgres@127.0.0.1:5432/sipas_load]

Each client loops GET form -> POST answers (its own cookies, CSRF token and
submission key, random valid answers). Afterwards the stored responses must
be exactly the ones whose POST was answered 303, each with all its answers,
and no request may have had a 5xx. Rate limits are switched off
(SIPAS_RATELIMIT_ENABLED=0, see docs/security.md): 200 clients on one address
is the attack the limits exist for. Exits 1 on any loss or 5xx.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import random
import re
import sys
import tempfile
import time
from pathlib import Path

import httpx
from sqlalchemy import create_engine, select, text

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._server import base_env, gunicorn  # noqa: E402
from survey.config import normalise_database_url  # noqa: E402
from survey.questionnaire.loader import shipped  # noqa: E402
from survey.questionnaire.sync import DEFAULT  # noqa: E402

Q = shipped()[DEFAULT]
HIDDEN = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)"')


def prepare(url: str) -> list[tuple[str, list[str]]]:
    """Create the schema, seed the demo commune; return (token, service codes) per counter."""
    from survey import create_app, db
    from survey import demo as demo_data
    from survey.db import Base
    from survey.questionnaire.sync import sync_shipped

    engine = create_engine(normalise_database_url(url))
    Base.metadata.drop_all(engine)
    Base.metadata.create_all(engine)
    engine.dispose()
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench-secret", "TESTING": True})
    with app.app_context():
        s = db.session()
        sync_shipped(s)
        _, points = demo_data.seed(s)
        s.commit()
        counters = [(p.token, [v.code for v in p.services]) for p in points]
    app.extensions["sipas.engine"].dispose()
    return counters


def answers(rng: random.Random) -> dict[str, str]:
    """A random, valid answer set (every criterion; optional items sometimes blank)."""
    out = {}
    for code, allowed in Q.valid_values().items():
        if code in {c.code for c in Q.criteria} or rng.random() < 0.8:
            out[code] = str(rng.choice(sorted(allowed)))
    if rng.random() < 0.2:
        out["comment"] = rng.choice(["Cán bộ nhiệt tình.", "Chờ hơi lâu.", "Cần thêm ghế ngồi chờ."])
    return out


class Tally:
    def __init__(self) -> None:
        self.get_ms: list[float] = []
        self.post_ms: list[float] = []
        self.ok_keys: set[str] = set()
        self.statuses: dict[int, int] = {}
        self.errors = 0
        self.remaining = 0

    def count(self, status: int) -> None:
        self.statuses[status] = self.statuses.get(status, 0) + 1


async def citizen(base: str, counters, tally: Tally, seed: int) -> None:
    """One phone: fill and send forms until the run's quota is used up."""
    rng = random.Random(seed)
    async with httpx.AsyncClient(base_url=base, timeout=180, follow_redirects=False) as client:
        while tally.remaining > 0:
            tally.remaining -= 1
            token, services = rng.choice(counters)
            url = f"/s/{token}"
            # Each form is another person: one browser sending again within
            # minutes replaces its own response (issue #11.6).
            client.cookies.clear()
            try:
                t0 = time.perf_counter()
                page = await client.get(url)
                tally.get_ms.append((time.perf_counter() - t0) * 1000)
                tally.count(page.status_code)
                if page.status_code != 200:
                    continue
                form = dict(HIDDEN.findall(page.text))
                data = {**form, **answers(rng), "service": rng.choice(services)}
                t0 = time.perf_counter()
                done = await client.post(url, data=data)
                tally.post_ms.append((time.perf_counter() - t0) * 1000)
                tally.count(done.status_code)
                if done.status_code == 303 and done.headers.get("location", "").endswith("/cam-on"):
                    tally.ok_keys.add(form["submission_key"])
            except httpx.HTTPError:
                tally.errors += 1


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))] if ordered else float("nan")


def stored(url: str) -> tuple[set[str], int, int]:
    """Return the stored submission keys, responses lacking any criterion answer, and answers stored."""
    from sqlalchemy.orm import Session

    from survey.models import Response

    engine = create_engine(normalise_database_url(url))
    criteria = {c.code for c in Q.criteria}
    with Session(engine) as s:
        keys, short, answers_n = set(), 0, 0
        for r in s.scalars(select(Response)):
            keys.add(r.submission_key)
            values = r.answer_values
            short += not criteria <= values.keys()
            answers_n += len(values)
    engine.dispose()
    return keys, short, answers_n


async def drive(base: str, counters, responses: int, clients: int) -> tuple[Tally, float]:
    tally = Tally()
    tally.remaining = responses
    t0 = time.perf_counter()
    await asyncio.gather(*(citizen(base, counters, tally, i) for i in range(clients)))
    return tally, time.perf_counter() - t0


def run(label: str, url: str, args) -> dict:
    counters = prepare(url)
    env = base_env(url, SIPAS_RATELIMIT_ENABLED="0")
    with gunicorn("survey:create_app()", env, workers=args.workers, threads=args.threads) as base:
        tally, seconds = asyncio.run(drive(base, counters, args.responses, args.clients))
    keys, short, answers_n = stored(url)
    five_xx = sum(n for s, n in tally.statuses.items() if s >= 500)
    result = {
        "database": label, "responses_attempted": args.responses, "clients": args.clients,
        "workers": args.workers, "threads": args.threads,
        "successful": len(tally.ok_keys), "stored": len(keys), "lost": len(tally.ok_keys - keys),
        "unexpected": len(keys - tally.ok_keys), "incomplete": short, "answers": answers_n,
        "5xx": five_xx, "transport_errors": tally.errors, "statuses": tally.statuses,
        "seconds": round(seconds, 1), "responses_per_s": round(len(tally.ok_keys) / seconds, 1),
        "requests_per_s": round((len(tally.get_ms) + len(tally.post_ms)) / seconds, 1),
        **{f"{kind}_p{p}_ms": round(pct(values, p), 1)
           for kind, values in (("get", tally.get_ms), ("post", tally.post_ms)) for p in (50, 95, 99)},
    }
    result["ok"] = (result["lost"] == 0 and result["unexpected"] == 0 and short == 0 and five_xx == 0
                    and tally.errors == 0 and len(tally.ok_keys) == args.responses)
    return result


def _pg_database(url: str) -> str:
    """Create the bench database if it does not exist (never the shared `test`)."""
    name = url.rsplit("/", 1)[1]
    if name in ("test", "postgres"):
        raise SystemExit(f"refusing to load-test the shared database {name!r}")
    admin = create_engine(normalise_database_url(url.rsplit("/", 1)[0] + "/postgres"),
                          isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        if not conn.scalar(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}):
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return url


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--responses", type=int, default=20000)
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--db", default="sqlite,postgresql")
    parser.add_argument("--pg-url", default="postgresql://postgres@127.0.0.1:5432/sipas_load")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--json", type=Path, help="Also write the results here.")
    args = parser.parse_args(argv)
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        for label in args.db.split(","):
            url = f"sqlite:///{tmp}/load.sqlite3" if label == "sqlite" else _pg_database(args.pg_url)
            result = run(label, url, args)
            results.append(result)
            print(f"{label}: {result['successful']}/{args.responses} stored={result['stored']} "
                  f"lost={result['lost']} 5xx={result['5xx']} errors={result['transport_errors']} "
                  f"in {result['seconds']} s = {result['responses_per_s']} responses/s "
                  f"({result['requests_per_s']} req/s); GET p50/p95/p99 "
                  f"{result['get_p50_ms']}/{result['get_p95_ms']}/{result['get_p99_ms']} ms; POST "
                  f"{result['post_p50_ms']}/{result['post_p95_ms']}/{result['post_p99_ms']} ms"
                  f"{'' if result['ok'] else '  FAILED'}", flush=True)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))
    return 0 if all(r["ok"] for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
