"""Benchmark of analysis/ (issue 3, item 12). Prints figures; asserts nothing.

    python bench/bench_analysis.py [--rows 1000000] [--services 200] [--no-r]

Targets on the project's 2-core machine: 1M responses x 16 criteria x 200
services, every criterion/element/overall index with Wilson and linearised
intervals, <= 3 s and <= 2 GB peak; the same from sufficient statistics
<= 0.2 s; a 1000-resample bootstrap for 200 services x 500 responses <= 5 s.
Where R's survey package is installed it times svyby on the same data.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from analysis import Scheme, estimate, estimate_from_stats, sufficient_stats  # noqa: E402
from analysis.intervals import proportion_interval  # noqa: E402

CRITERIA = Scheme.sipas_service_delivery().criteria


def responses(rows: int, services: int, seed: int = 1) -> pd.DataFrame:
    """Correlated 1-5 answers with 5 % item non-response, services of equal size."""
    rng = np.random.default_rng(seed)
    mood = rng.normal(0, 1, (rows, 1)).astype(np.float32)
    x = np.clip(np.rint(3.8 + mood + rng.normal(0, 0.8, (rows, 16)).astype(np.float32)), 1, 5)
    x[rng.random((rows, 16), dtype=np.float32) < 0.05] = np.nan
    df = pd.DataFrame(x.astype(float), columns=CRITERIA)
    df["service"] = np.arange(rows) % services
    return df


def timed(fn, repeat=1):
    """(first run, best run) in seconds, and the last result."""
    times, out = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - start)
    return times[0], min(times), out


def naive_groupby_apply(df: pd.DataFrame) -> pd.DataFrame:
    """Baseline: the same linearised estimates, one Python call per service."""
    scheme = Scheme.sipas_service_delivery()
    _, m = scheme.composites()
    n_total = len(df)

    def one(part):
        x = part[list(CRITERIA)].to_numpy()
        a, y = ~np.isnan(x), np.nan_to_num(x) >= 4
        ratios = y.sum(0) / a.sum(0)
        r = (y - ratios * a) / a.sum(0)
        comp = r @ m.T
        var = n_total / (n_total - 1) * np.concatenate([(r ** 2).sum(0), (comp ** 2).sum(0)])
        low, high = proportion_interval(ratios * a.sum(0), a.sum(0))
        return pd.Series(np.concatenate([ratios, m @ ratios, np.sqrt(var), low, high]))
    return df.groupby("service").apply(one)


def peak_rss_child(rows: int, services: int) -> dict:
    """Peak resident memory of a fresh process that builds the data, then estimates."""
    code = f"""
import json, resource, sys
sys.path.insert(0, {str(ROOT)!r}); sys.path.insert(0, {str(ROOT / 'bench')!r})
from bench_analysis import responses
from analysis import estimate
import tracemalloc
df = responses({rows}, {services})
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
tracemalloc.start()
estimate(df, by=["service"])
own = tracemalloc.get_traced_memory()[1]
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({{"data_mb": before / 1024, "peak_mb": after / 1024, "own_mb": own / 2**20}}))
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


R_SCRIPT = r"""
suppressPackageStartupMessages(library(survey))
d <- read.csv(commandArgs(TRUE)[1])
crit <- grep("^(TC|TT|CC|KQ|PA)[0-9]$", names(d), value = TRUE)
for (c in crit) {
  d[[paste0("a_", c)]] <- as.numeric(!is.na(d[[c]]))
  d[[paste0("y_", c)]] <- as.numeric(!is.na(d[[c]]) & d[[c]] >= 4)
}
des <- suppressWarnings(svydesign(ids = ~1, data = d))
t0 <- proc.time()[["elapsed"]]
for (c in crit)
  r <- svyby(as.formula(paste0("~y_", c)), ~service, des, svyratio,
             denominator = as.formula(paste0("~a_", c)))
cat(proc.time()[["elapsed"]] - t0, "\n")
"""


def time_r(df: pd.DataFrame, timeout: int) -> float | None:
    """Seconds R survey's svyby takes for the 16 criterion ratios per service."""
    if not shutil.which("Rscript"):
        return None
    with tempfile.TemporaryDirectory() as tmp:
        data, script = Path(tmp) / "d.csv", Path(tmp) / "b.R"
        df.to_csv(data, index=False, float_format="%.0f")
        script.write_text(R_SCRIPT)
        try:
            out = subprocess.run(["Rscript", str(script), str(data)], capture_output=True,
                                 text=True, timeout=timeout)
        except subprocess.TimeoutExpired:
            return float("inf")
    return float(out.stdout.split()[-1]) if out.returncode == 0 else None


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--rows", type=int, default=1_000_000)
    p.add_argument("--services", type=int, default=200)
    p.add_argument("--boot-per-service", type=int, default=500)
    p.add_argument("--replicates", type=int, default=1000)
    p.add_argument("--many-groups", type=int, default=20_000)
    p.add_argument("--no-r", action="store_true")
    p.add_argument("--r-rows", type=int, default=100_000,
                   help="rows R is timed on (0 = all; svyby on 1M rows takes over 15 min)")
    p.add_argument("--r-timeout", type=int, default=900)
    args = p.parse_args()
    print(f"machine: {os.cpu_count()} cores; numpy {np.__version__}, pandas {pd.__version__}")
    df = responses(args.rows, args.services)
    label = f"{args.rows:,} responses x 16 criteria x {args.services} services"

    first, best, out = timed(lambda: estimate(df, by=["service"]), repeat=3)
    print(f"estimate (Wilson + linearised), {label}: first {first:.2f} s, best {best:.2f} s"
          f"  [target <= 3 s]; {len(out)} estimates")
    mem = peak_rss_child(args.rows, args.services)
    print(f"peak memory (fresh process): {mem['peak_mb']:.0f} MB resident at most, the data "
          f"and interpreter {mem['data_mb']:.0f} MB before estimating; estimate's own peak "
          f"allocations {mem['own_mb']:.0f} MB  [target <= 2048 MB]")

    _, stats_s, stats = timed(lambda: sufficient_stats(df, by=["service"]))
    first, best, _ = timed(lambda: estimate_from_stats(stats), repeat=5)
    print(f"estimate_from_stats, {args.services} services: first {first * 1000:.0f} ms, "
          f"best {best * 1000:.0f} ms  [target <= 200 ms]  "
          f"(building the statistics in Python, SQL's job in the app: {stats_s:.2f} s)")

    small = responses(args.services * args.boot_per_service, args.services, seed=2)
    first, best, _ = timed(lambda: estimate(small, by=["service"], variance="bootstrap",
                                            replicates=args.replicates, seed=1), repeat=2)
    print(f"bootstrap, {args.replicates} resamples, {args.services} services x "
          f"{args.boot_per_service} responses: first {first:.2f} s, best {best:.2f} s"
          f"  [target <= 5 s]")

    _, ours, _ = timed(lambda: estimate(df, by=["service"]), repeat=2)
    _, naive, _ = timed(lambda: naive_groupby_apply(df), repeat=2)
    print(f"baseline pandas groupby-apply (same linearised figures, one call per group), "
          f"{args.services} groups: {naive:.2f} s; analysis.estimate {ours:.2f} s "
          f"(ratio {naive / ours:.1f})")
    many = df.assign(service=np.arange(len(df)) % args.many_groups)
    _, ours_many, _ = timed(lambda: estimate(many, by=["service"]), repeat=2)
    _, naive_many, _ = timed(lambda: naive_groupby_apply(many), repeat=2)
    print(f"  same with {args.many_groups:,} groups (e.g. service x commune x quarter): "
          f"groupby-apply {naive_many:.2f} s; analysis.estimate {ours_many:.2f} s "
          f"(ratio {naive_many / ours_many:.1f})")

    if args.no_r:
        return
    sub = df.iloc[:args.r_rows] if args.r_rows else df
    _, ours_sub, _ = timed(lambda: estimate(sub, by=["service"]), repeat=2)
    r_s = time_r(sub, args.r_timeout)
    what = (f"R survey svyby, criterion ratios only (16 svyby(svyratio) calls, no composites), "
            f"{len(sub):,} of these responses")
    if r_s is None:
        print("R survey: not installed (apt-get install r-cran-survey), not timed")
    elif r_s == float("inf"):
        print(f"{what}: did not finish within {args.r_timeout} s")
    else:
        print(f"{what}: {r_s:.1f} s; analysis.estimate, every index, same rows: {ours_sub:.2f} s"
              f" (ratio {r_s / ours_sub:.0f})")


if __name__ == "__main__":
    main()
