"""Is the spliced gzip of the citizen form worth its code? Measured against plain compression, same run.

    python bench/bench_page_gzip.py [--repeat 2000]

The form is rendered once per counter and language (survey/citizen/page_cache.py);
each GET fills in its CSRF token, submission key and CSP nonce. Two ways to send
it compressed: splice the secrets as stored deflate blocks between pieces deflated
once (`fill_gzip`), or fill the page and gzip it per request (`gzip.compress`,
level 6, what a WSGI middleware or a reverse proxy does). Prints the cost of each
per request beside a whole form GET (Flask test client, SQLite, warm caches) and a
bare Flask GET, all in this process, and what plain compression would do to the
GET target of BENCHMARKS.md (form GET >= 50 % of bare Flask's requests/s).
"""
from __future__ import annotations

import argparse
import gzip
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def _per_call_us(fn, repeat: int) -> float:
    runs = []
    for _ in range(5):
        t0 = time.process_time()  # CPU time: this shared machine's other tenants do not count
        for _ in range(repeat):
            fn()
        runs.append((time.process_time() - t0) / repeat * 1e6)
    return min(runs)  # the least disturbed run


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=2000)
    args = parser.parse_args(argv)

    from bench._server import demo_app
    from bench.bare_app import app as bare
    from survey.citizen import page_cache

    app, token = demo_app("sipas-gzip-", SIPAS_FORM_CACHE_SECONDS=3600)
    url = f"/s/{token}"
    client, bare_client = app.test_client(), bare.test_client()
    headers = {"Accept-Encoding": "gzip"}
    assert client.get(url, headers=headers).headers["Content-Encoding"] == "gzip"
    blank = next(iter(app.extensions[page_cache.EXTENSION]._pages.values()))
    secrets = ("t" * 88, uuid.uuid4().hex, "n" * 22)

    get_us = _per_call_us(lambda: client.get(url, headers=headers), args.repeat // 10)
    bare_us = _per_call_us(lambda: bare_client.get("/"), args.repeat // 10)
    splice_us = _per_call_us(lambda: page_cache.fill_gzip(blank, *secrets), args.repeat)
    plain_us = _per_call_us(lambda: gzip.compress(page_cache.fill(blank, *secrets).encode(), 6, mtime=0),
                            args.repeat)
    page = page_cache.fill(blank, *secrets).encode()
    result = {
        "page_bytes": len(page), "spliced_bytes": len(page_cache.fill_gzip(blank, *secrets)),
        "plain_bytes": len(gzip.compress(page, 6, mtime=0)),
        "form_get_us": round(get_us), "bare_get_us": round(bare_us),
        "splice_us": round(splice_us, 1), "plain_gzip_us": round(plain_us, 1),
    }
    plain_get = get_us - splice_us + plain_us
    result["ratio_spliced"] = round(bare_us / get_us, 3)
    result["ratio_plain"] = round(bare_us / plain_get, 3)
    print("\nCitizen form GET, in process (Flask test client, SQLite, warm caches), CPU time, least disturbed of 5 runs")
    for key, value in result.items():
        print(f"  {key:16} {value}")
    print(f"  plain compression adds {plain_us - splice_us:.0f} us per GET "
          f"({(plain_us - splice_us) / get_us:.0%} of a form GET); "
          f"GET vs bare Flask: {result['ratio_spliced']:.0%} spliced, {result['ratio_plain']:.0%} plain")
    return result


if __name__ == "__main__":
    main()
