"""Export N (default 1 million) responses to CSV and XLSX: time and peak memory.

    python bench/bench_exports.py [--responses 1000000] [--db sqlite,postgresql]
        [--pg-url postgresql://postgres@127.0.0.1:5432/sipas_perf] [--sqlite PATH]

Each export runs `sipas export responses` in its own process, so its peak
resident memory (ru_maxrss from wait4) is the export's alone. The baseline,
in the same run: a plain `csv.writer` over the same rows from the same query
(survey.results.sql.response_rows), no formatting or formula neutralising.
Targets: CSV <= 20 s and <= 300 MB; XLSX <= 90 s in constant memory.
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.bench_results import database_options, on_each_database, prepare  # noqa: E402

BASELINE = """
import csv, sys
from survey import create_app, db
from survey.results import sql
from survey.results.config import definition
from survey.results.filters import Filters
from survey.questionnaire.sync import DEFAULT
app = create_app({"DATABASE_URL": sys.argv[1], "SECRET_KEY": "bench"})
with app.app_context(), open(sys.argv[2], "w", newline="", encoding="utf-8-sig") as out:
    w = csv.writer(out)
    for row in sql.response_rows(db.session(), Filters(unit_ids=None, include_flagged=True),
                                 definition(DEFAULT).item_codes()):
        w.writerow(row)
"""


def measure(cmd: list[str], env: dict) -> dict:
    """Wall seconds and peak RSS (MB) of one child process."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(f"{cmd} failed: {proc.stderr.read().decode()[-2000:]}")
    proc.returncode = 0
    return {"seconds": seconds, "peak_mb": usage.ru_maxrss / 1024}


def run(label: str, url: str, responses: int) -> list[dict]:
    app, _client = prepare(url, responses)
    app.extensions["sipas.engine"].dispose()
    env = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": "bench", "PYTHONPATH": str(ROOT)}
    sipas = str(Path(sys.executable).parent / "sipas")
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        rows.append({"scenario": f"plain csv.writer, baseline ({label})",
                     **measure([sys.executable, "-c", BASELINE, url, str(out / "plain.csv")], env),
                     "bytes": (out / "plain.csv").stat().st_size})
        for fmt in ("csv", "xlsx"):
            target = out / f"responses.{fmt}"
            result = measure([sipas, "export", "responses", "--format", fmt, "--out", str(target)], env)
            rows.append({"scenario": f"sipas export responses {fmt} ({label})", **result,
                         "bytes": target.stat().st_size})
    return rows


def main(argv: list[str] | None = None) -> list[dict]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    database_options(parser)
    args = parser.parse_args(argv)
    rows = on_each_database(args, run)
    print(f"\nExports of {args.responses} responses (one process each)")
    print(f"{'scenario':48} {'seconds':>8} {'peak MB':>8} {'MB out':>8}")
    for r in rows:
        print(f"{r['scenario']:48} {r['seconds']:8.1f} {r['peak_mb']:8.0f} {r['bytes'] / 1e6:8.0f}")
    return rows


if __name__ == "__main__":
    main()
