"""``python -m analysis indices|compare|samplesize``: the analyst's command line.

Bad input stops with one line naming the column and the first offending row
(rows counted from 1 after the header) and a non-zero exit. Rows are never
dropped silently: a summary on stderr (and in JSON/XLSX output) says how many
were left out and why.
"""
from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path
from typing import Any, Callable, Sequence

import numpy as np
import pandas as pd

from . import sample_size
from .aggregate import AGGREGATIONS
from .compare import compare
from .design import LONELY_RULES
from .files import FLAGGED, flag_column, read_csv_text, read_workbook
from .indices import estimate
from .results import DOF
from .scheme import Scheme
from .validate import InputError, numeric_column, scores

_CODE = re.compile(r"^[A-Z]{2,3}[0-9]{1,2}$")
EXIT_INPUT = 2


def _load(path: str, scheme: Scheme) -> pd.DataFrame:
    """Read a responses CSV or XLSX (the service's own exports among them) as text."""
    if Path(path).suffix.lower() in (".xlsx", ".xlsm"):
        df = read_workbook(path, scheme)
    else:
        df = read_csv_text(path)
    if df.empty:
        raise InputError(None, None, f"{path} has no responses (only a header)")
    return df


def _prepare(df: pd.DataFrame, scheme: Scheme, by: Sequence[str], numeric: Sequence[str | None] = (),
             keep: Sequence[str] = (), include_flagged: bool = False) -> tuple[pd.DataFrame, np.ndarray, dict[str, int]]:
    """Check and convert; return ``(kept rows, their file positions, exclusions)``."""
    known = set(scheme.criteria) | set(scheme.expectations) | set(scheme.choices)
    for col in df.columns:
        if _CODE.match(col) and col not in known:
            raise InputError(col, None, "not a criterion or expectation code of the "
                             "questionnaire, nor one of its questions")
    for col in [*by, *numeric, *keep]:
        if col is not None and col not in df.columns:
            raise InputError(col, None, "not in the file")
    items = [c for c in df.columns if c in known]
    df = df.copy()
    df[list(scheme.criteria)] = scores(df, scheme.criteria, scheme.criterion_scale)
    exp = [c for c in scheme.expectations if c in df.columns]
    df[exp] = scores(df, exp, scheme.expectation_scale)
    for col in numeric:
        if col is not None:
            df[col] = numeric_column(df[col], col)
    reasons = {}
    drop = np.zeros(len(df), dtype=bool)
    flag = flag_column(df)
    if flag is not None and not include_flagged:
        flagged = df[flag].str.strip().str.casefold().isin(FLAGGED).to_numpy()
        if flagged.any():
            reasons[f"flagged ({flag!r})"] = int(flagged.sum())
            drop |= flagged
    for col in [*by, *keep]:
        blank = (df[col].str.strip() == "").to_numpy() & ~drop
        if blank.any():
            reasons[f"empty {col!r}"] = int(blank.sum())
            drop |= blank
    unanswered = df[items].isna().all(axis=1).to_numpy() & ~drop
    if unanswered.any():
        reasons["no answer"] = int(unanswered.sum())
        drop |= unanswered
    return df[~drop].reset_index(drop=True), np.flatnonzero(~drop), reasons


def _write(frame: pd.DataFrame, out: str | None, notes: dict[str, Any]) -> None:
    if out is None:
        frame.to_csv(sys.stdout, index=False)
        return
    suffix = Path(out).suffix.lower()
    if suffix == ".csv":
        frame.to_csv(out, index=False)
    elif suffix == ".json":
        payload = dict(notes, estimates=json.loads(frame.to_json(orient="records")))
        Path(out).write_text(json.dumps(payload, ensure_ascii=False, indent=1), "utf-8")
    elif suffix == ".xlsx":
        with pd.ExcelWriter(out, engine="openpyxl") as xl:  # openpyxl loads only here
            frame.to_excel(xl, sheet_name="estimates", index=False)
            rows = [{"item": k, "rows": v} for k, v in notes["excluded"].items()]
            pd.DataFrame([{"item": "read", "rows": notes["rows_read"]},
                          {"item": "used", "rows": notes["rows_used"]}] + rows
                         ).to_excel(xl, sheet_name="rows", index=False)
    else:
        raise ValueError(f"--out: unknown output type {suffix!r} (csv, json, xlsx)")


def _analyse(args: argparse.Namespace, run: Callable[[pd.DataFrame, Scheme], pd.DataFrame]) -> int:
    scheme = Scheme.sipas_service_delivery()
    if args.scheme:
        scheme = Scheme.from_mapping(json.loads(Path(args.scheme).read_text("utf-8")))
    raw = _load(args.responses, scheme)
    # a blank stratum is an error, as in the API (analysis.estimate), not a dropped row
    keep = [getattr(args, "between", None)]
    numeric = [getattr(args, "weight", None), getattr(args, "fpc", None)]
    for col in (getattr(args, "strata", None),):
        if col is not None and col not in raw.columns:
            raise InputError(col, None, "not in the file")
    df, positions, reasons = _prepare(raw, scheme, args.by, numeric, [k for k in keep if k],
                                      args.include_flagged)
    if df.empty:
        raise InputError(None, None, f"{args.responses} has no usable responses: " +
                         ", ".join(f"{k} ({v})" for k, v in reasons.items()))
    try:
        frame = run(df, scheme)
    except InputError as err:  # rows were counted after exclusions: report file rows
        row = None if err.row is None else int(positions[err.row - 1]) + 1
        raise InputError(err.column, row, err.problem) from None
    notes = {"rows_read": len(raw), "rows_used": len(df), "excluded": reasons}
    why = ", ".join(f"{k} ({v})" for k, v in reasons.items()) or "none"
    print(f"read {len(raw)} rows, used {len(df)}; excluded: {why}", file=sys.stderr)
    _write(frame, args.out, notes)
    return 0


def _indices(args: argparse.Namespace) -> int:
    return _analyse(args, lambda df, scheme: estimate(
        df, scheme, by=args.by, weight=args.weight, strata=args.strata, fpc=args.fpc,
        method=args.method, ci=args.ci, level=args.level, min_n=args.min_n,
        variance=args.variance, replicates=args.replicates, seed=args.seed,
        lonely=args.lonely, dof=args.dof, aggregation=args.aggregation))


def _compare(args: argparse.Namespace) -> int:
    col, (a, b) = args.between[0], args.between[1:]
    args.between = col
    return _analyse(args, lambda df, scheme: compare(
        df, col, a, b, by=args.by, scheme=scheme, weight=args.weight, strata=args.strata,
        fpc=args.fpc, method=args.method, level=args.level, min_n=args.min_n,
        lonely=args.lonely))


def _samplesize(args: argparse.Namespace) -> int:
    n = {"yamane": lambda: sample_size.yamane(args.population, args.margin),
         "cochran": lambda: sample_size.cochran(args.population, args.margin, args.p,
                                                args.level),
         "wilson": lambda: sample_size.wilson_target(args.margin, args.p, args.level,
                                                     args.population)}[args.formula]()
    print(n)
    print(f"{args.formula}: N = {args.population:g}, margin = {args.margin:g}"
          + (f", p = {args.p:g}, level = {args.level:g}" if args.formula != "yamane" else ""),
          file=sys.stderr)
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m analysis", description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("responses", metavar="RESPONSES.csv")
    common.add_argument("--by", nargs="+", default=[], metavar="COL")
    for opt in ("--weight", "--strata", "--fpc"):
        common.add_argument(opt, metavar="COL")
    common.add_argument("--method", choices=("top2box", "mean_pct"), default="top2box")
    common.add_argument("--level", type=float, default=0.95)
    common.add_argument("--min-n", type=int, default=30, dest="min_n")
    common.add_argument("--out", metavar="FILE.csv|.json|.xlsx")
    common.add_argument("--scheme", metavar="SCHEME.json", help="questionnaire structure")
    common.add_argument("--include-flagged", action="store_true", dest="include_flagged",
                        help="keep responses the service flagged (left out by default)")
    common.add_argument("--lonely", choices=LONELY_RULES, default="adjust",
                        help="a stratum with one response (R's survey.lonely.psu)")
    ind = sub.add_parser("indices", parents=[common], help="every index with its interval")
    ind.add_argument("--ci", choices=("wilson", "exact", "jeffreys"), default="wilson")
    ind.add_argument("--variance", choices=("linearization", "bootstrap"),
                     default="linearization")
    ind.add_argument("--replicates", type=int, default=1000)
    ind.add_argument("--seed", type=int)
    ind.add_argument("--dof", choices=DOF, default="degf",
                     help="interval degrees of freedom: R's degf(design) or inf (normal)")
    ind.add_argument("--aggregation", choices=AGGREGATIONS, default="pooled",
                     help="index above one service/unit: pooled or a mean of their indices "
                     "(columns 'service' and 'unit')")
    ind.set_defaults(run=_indices)
    cmp = sub.add_parser("compare", parents=[common], help="differences between A and B")
    cmp.add_argument("--between", nargs=3, required=True, metavar=("COL", "A", "B"))
    cmp.set_defaults(run=_compare)
    ss = sub.add_parser("samplesize", help="responses needed for a margin")
    ss.add_argument("--population", type=float, required=True, metavar="N")
    ss.add_argument("--margin", type=float, default=0.05)
    ss.add_argument("--formula", choices=("yamane", "cochran", "wilson"), default="yamane")
    ss.add_argument("--p", type=float, default=0.9)
    ss.add_argument("--level", type=float, default=0.95)
    ss.set_defaults(run=_samplesize)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        status: int = args.run(args)
        return status
    except (InputError, ValueError) as err:
        print(f"error: {err}", file=sys.stderr)
        return EXIT_INPUT
