"""Coverage of the per-criterion 95 % interval (issue 13, item 10). Prints a table.

    python bench/bench_coverage.py [--draws 200000] [--seed 2026]

For each method (Wilson, exact = Clopper-Pearson, Jeffreys), true share p
in {0.90, 0.95, 0.99, 1.0} and sample size n in {10, 20, 30, 50, 100, 200}:

- exact coverage: sum over x = 0..n of P(X = x) [low(x) <= p <= high(x)],
  X ~ Binomial(n, p), i.e. the probability the interval covers p;
- simulated coverage: the share of --draws simulated samples whose interval
  covers p, with its Monte Carlo standard error (the baseline the exact
  figure is checked against, in the same run).

It also prints each method's worst exact coverage over the grid and its
mean interval width at n = 30, the figures the default is chosen from.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
from scipy import stats

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from analysis.intervals import PROPORTION_METHODS, proportion_interval  # noqa: E402

SHARES = (0.90, 0.95, 0.99, 1.0)
SIZES = (10, 20, 30, 50, 100, 200)
LEVEL = 0.95


def exact_coverage(method: str, p: float, n: int) -> tuple[float, float]:
    """Coverage probability and expected width (percentage points) from the binomial law."""
    x = np.arange(n + 1)
    low, high = proportion_interval(x, np.full(n + 1, n), method, LEVEL)
    pmf = stats.binom.pmf(x, n, p)
    covers = (low <= p) & (p <= high)
    return float(pmf[covers].sum()), float(100 * (pmf * (high - low)).sum())


def simulated_coverage(method: str, p: float, n: int, draws: int,
                       rng: np.random.Generator) -> tuple[float, float]:
    """Share of simulated samples whose interval covers p, and its standard error."""
    x = rng.binomial(n, p, size=draws)
    low, high = proportion_interval(x, np.full(draws, n), method, LEVEL)
    share = float(((low <= p) & (p <= high)).mean())
    return share, float(np.sqrt(max(share * (1 - share), 1e-12) / draws))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--draws", type=int, default=200_000)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args(argv)
    rng = np.random.default_rng(args.seed)
    start = time.perf_counter()
    print(f"95 % intervals, {args.draws:,} simulated samples per cell (seed {args.seed})")
    print("| p | n | " + " | ".join(f"{m} exact | {m} simulated" for m in PROPORTION_METHODS)
          + " |")
    print("| ---: | ---: | " + " | ".join("---: | ---:" for _ in PROPORTION_METHODS) + " |")
    worst: dict[str, tuple[float, tuple[float, int]]] = {
        m: (1.0, (1.0, 0)) for m in PROPORTION_METHODS}
    width30: dict[str, list[float]] = {m: [] for m in PROPORTION_METHODS}
    below_one: dict[str, list[float]] = {m: [] for m in PROPORTION_METHODS}
    max_gap = 0.0
    for p in SHARES:
        for n in SIZES:
            cells = []
            for m in PROPORTION_METHODS:
                cov, width = exact_coverage(m, p, n)
                sim, se = simulated_coverage(m, p, n, args.draws, rng)
                max_gap = max(max_gap, abs(sim - cov) / max(se, 1e-9) if se > 1e-9 else 0.0)
                cells.append(f"{100 * cov:.1f} % | {100 * sim:.1f} %")
                if cov < worst[m][0]:
                    worst[m] = (cov, (p, n))
                if n == 30:
                    width30[m].append(width)
                if p < 1:
                    below_one[m].append(cov)
            print(f"| {p:.2f} | {n} | " + " | ".join(cells) + " |")
    print()
    print("| method | mean exact coverage, p < 1 | worst exact coverage (p, n) "
          "| mean width at n = 30, p = .90-.99 (points) |")
    print("| --- | ---: | ---: | ---: |")
    for m in PROPORTION_METHODS:
        cov, (p, n) = worst[m]
        print(f"| {m} | {100 * np.mean(below_one[m]):.1f} % | {100 * cov:.1f} % "
              f"(p = {p:.2f}, n = {n}) | {np.mean(width30[m][:3]):.1f} |")
    print(f"\nsimulated vs exact: largest gap {max_gap:.1f} Monte Carlo standard errors; "
          f"{time.perf_counter() - start:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
