"""Write the small, seeded response files the R reference script reads.

Run from the repository root: ``python tests/reference/make_data.py``. The
files are committed; rerunning rewrites them identically (fixed seed).
"""
from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).parent
CRITERIA = [f"{e}{i}" for e, k in (("TC", 3), ("TT", 4), ("CC", 3), ("KQ", 3), ("PA", 3))
            for i in range(1, k + 1)]


def answers(rng, n, missing):
    """Correlated 1-5 answers: a respondent's mood shifts all 16 criteria."""
    mood = rng.normal(0, 1, size=(n, 1))
    latent = 3.6 + 0.9 * mood + rng.normal(0, 0.9, size=(n, len(CRITERIA)))
    x = np.clip(np.rint(latent), 1, 5)
    x[rng.random(x.shape) < missing] = np.nan
    return pd.DataFrame(x, columns=CRITERIA)


def srs(rng):
    sizes = {"A": 40, "B": 50, "C": 60}
    service = np.repeat(list(sizes), list(sizes.values()))
    df = answers(rng, len(service), 0.08)
    df.loc[service == "A", "TC2"] = rng.choice([4.0, 5.0], size=40)  # a 100 % criterion
    df.insert(0, "service", service)
    df.insert(1, "channel", rng.choice(["truc_tiep", "truc_tuyen"], size=len(df)))
    for j in (1, 2, 3):
        mm = rng.integers(1, 5, size=len(df)).astype(float)
        mm[rng.random(len(df)) < 0.15] = np.nan
        df[f"MM{j}"] = mm
    return df


def stratified(rng):
    sizes = {"S1": 30, "S2": 45, "S3": 55, "S4": 70}
    population = {"S1": 120, "S2": 300, "S3": 90, "S4": 1000}
    service = np.repeat(list(sizes), list(sizes.values()))
    df = answers(rng, len(service), 0.10)
    pa = [c for c in CRITERIA if c.startswith("PA")]
    df[pa] = df[pa].mask(rng.random((len(df), 3)) < 0.3)  # feedback often skipped
    df.insert(0, "service", service)
    channel = rng.choice(["truc_tiep", "truc_tuyen"], size=len(df), p=[0.6, 0.4])
    df.insert(1, "channel", channel)
    df.insert(2, "population", [population[s] for s in service])
    base = np.array([population[s] / sizes[s] for s in service])
    df.insert(3, "weight", np.round(base * np.where(channel == "truc_tiep", 0.8, 1.3), 4))
    return df


def edges(rng):
    """Small strata: a lonely one (E4, one response), a census (E3, n = N)."""
    sizes = {"E1": 12, "E2": 8, "E3": 5, "E4": 1, "E5": 20}
    population = {"E1": 40, "E2": 25, "E3": 5, "E4": 30, "E5": 200}
    unit = {"E1": "U1", "E2": "U1", "E3": "U1", "E4": "U2", "E5": "U2"}
    service = np.repeat(list(sizes), list(sizes.values()))
    df = answers(rng, len(service), 0.08)
    df.loc[service == "E2", "TC2"] = rng.choice([4.0, 5.0], size=8)  # 100 % in a domain
    df.loc[service == "E4", CRITERIA] = 4.0  # the lonely response answers everything
    df.insert(0, "service", service)
    df.insert(1, "unit", [unit[s] for s in service])
    df.insert(2, "population", [population[s] for s in service])
    channel = rng.choice([0.8, 1.3], size=len(df))
    df.insert(3, "weight", np.round([population[s] / sizes[s] for s in service] * channel, 4))
    df.insert(4, "period", rng.choice(["2024", "2025"], size=len(df)))  # crosses the strata
    return df


if __name__ == "__main__":
    edges(np.random.default_rng(20261201)).to_csv(HERE / "edges.csv", index=False,
                                                   float_format="%.10g")
    rng = np.random.default_rng(20240611)
    srs(rng).to_csv(HERE / "srs.csv", index=False, float_format="%.10g")
    stratified(rng).to_csv(HERE / "stratified.csv", index=False, float_format="%.10g")
