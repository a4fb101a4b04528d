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


if __name__ == "__main__":
    rng = np.random.default_rng(20240611)
    srs(rng).to_csv(HERE / "srs.csv", index=False, float_format="%.10g")
    stratified(rng).to_csv(HERE / "stratified.csv", index=False, float_format="%.10g")
