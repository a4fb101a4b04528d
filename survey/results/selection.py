"""The cells of a selection: stored past days plus the rest read live.

Past unit-days marked in `stat_day` come from `stat_cell`; every other day
— today and the days since `rollup.live_from()`, and any past day the
rollup job has not built yet or a write has since dropped — is aggregated
live from the responses the same way, one query per run of missing days.
Nothing here writes: building the cache is the job's (survey/results/rollup.py).
Filters on field, service, counter, channel and flags are filters on cell keys.
"""
from __future__ import annotations

import logging
from datetime import date, timedelta

import numpy as np
import pandas as pd
from flask import Flask
from sqlalchemy import event, false, select
from sqlalchemy.orm import Session

from analysis.sufficient import SufficientStats
from survey.models import Questionnaire, Service, StatCell, StatDay, StatMonthCell, Unit
from survey.results import months, packed, rollup, sql
from survey.results.cells import Cells, aggregate, group_sum
from survey.results.config import definition
from survey.results.filters import Filters, Period
from survey.results.layout import PAYLOAD_DTYPE, Layout, layout_of

log = logging.getLogger(__name__)
FAR = date(2999, 12, 31)  # "no end" that still converts to UTC
NEAR = date(1900, 1, 1)
MEMO_KEY = "sipas.cells"  # per-transaction memo of selections, in Session.info
# Past days of one unit read live on one page before the log asks for the job:
# beyond this the page is slow, and `sipas results rollup --missing` is due.
LIVE_WARN_DAYS = 31
_DAY_KEY = 1_000_000  # unit * _DAY_KEY + date ordinal: one integer per unit-day


def init_app(app: Flask) -> None:
    """Forget memoised selections when the app's sessions write or end a transaction."""
    factory = app.extensions["sipas.sessionmaker"]
    event.listen(factory, "after_flush", _forget)
    event.listen(factory, "after_transaction_end", _forget)


def _forget(session: Session, *_args) -> None:
    session.info.pop(MEMO_KEY, None)


def _cell_filters(f: Filters, model=StatCell) -> list:
    """The selection's filters on the keys of a day cell (or a month cell: the same columns)."""
    where = []
    if f.field_id is not None:
        where.append(model.service_id.in_(select(Service.id).where(Service.field_id == f.field_id)))
    for column, value in ((model.service_id, f.service_id),
                          (model.service_point_id, f.service_point_id), (model.channel, f.channel)):
        if value is not None:
            where.append(column == value)
    if not f.include_flagged:
        where.append(model.flagged == false())
    return where


def _stored(s: Session, f: Filters, qid: int, layout: Layout, marked: dict[int, set[date]]) -> Cells:
    """Cells of the marked unit-days only: a dropped marker leaves old cells that must not count."""
    first = min(min(days) for days in marked.values())
    last = max(max(days) for days in marked.values())
    rows = s.execute(select(StatCell.unit_id, StatCell.service_id, StatCell.service_point_id,
                            StatCell.channel, StatCell.flagged, StatCell.day, StatCell.n, StatCell.payload)
                     .where(StatCell.questionnaire_id == qid, StatCell.method == layout.method,
                            StatCell.unit_id.in_(marked), StatCell.day >= first, StatCell.day <= last,
                            *_cell_filters(f))).all()
    if not rows:
        return Cells.empty(layout)
    cols = list(zip(*rows))
    day = np.array([d.toordinal() for d in cols[5]], dtype=np.int64)
    wanted = np.array([u * _DAY_KEY + d.toordinal() for u, days in marked.items() for d in days], dtype=np.int64)
    keep = np.isin(np.asarray(cols[0], dtype=np.int64) * _DAY_KEY + day, wanted)
    keys = pd.DataFrame({"unit": cols[0], "service": cols[1],
                         "point": [-1 if p is None else p for p in cols[2]], "channel": cols[3],
                         "flagged": cols[4], "day": day})
    sums = np.frombuffer(b"".join(cols[7]), dtype=PAYLOAD_DTYPE).reshape(len(rows), layout.size).astype(float)
    n = np.asarray(cols[6], dtype=float)
    if keep.all():
        return Cells(keys, n, sums)
    return Cells(keys[keep].reset_index(drop=True), n[keep], sums[keep])


def _live(s: Session, f: Filters, layout: Layout, units, first: date, last: date) -> Cells:
    where = sql.scope(f.narrowed(unit_ids=tuple(units), period=Period("custom", first, last)))
    return aggregate(packed.fetch(s, layout, where), layout)


def _marked(s: Session, qid: int, method: str, units, first: date, last: date) -> dict[int, set[date]]:
    out: dict[int, set[date]] = {}
    rows = s.execute(select(StatDay.unit_id, StatDay.day).where(
        StatDay.questionnaire_id == qid, StatDay.method == method, StatDay.unit_id.in_(units),
        StatDay.day >= first, StatDay.day <= last))
    for unit, day in rows:
        out.setdefault(unit, set()).add(day)
    return out


def _spans(days: list[date]) -> list[tuple[date, date]]:
    """Consecutive days as (first, last) pairs."""
    out: list[tuple[date, date]] = []
    for d in sorted(days):
        if out and d == out[-1][1] + timedelta(days=1):
            out[-1] = (out[-1][0], d)
        else:
            out.append((d, d))
    return out


def cells_for(s: Session, f: Filters, method: str) -> tuple[Layout, Cells]:
    """Every cell of the selection `f` for an index method (memoised per transaction)."""
    memo = s.info.setdefault(MEMO_KEY, {})
    if (f, method) in memo:
        return memo[(f, method)]
    layout = layout_of(definition(f.questionnaire), method)
    qid = s.scalar(select(Questionnaire.id).where(Questionnaire.code == f.questionnaire[0],
                                                  Questionnaire.version == f.questionnaire[1]))
    units = f.unit_ids if f.unit_ids is not None else tuple(s.scalars(select(Unit.id)))
    first, last = (f.period.start, f.period.end) if f.period else (NEAR, FAR)
    cut = rollup.live_from()
    stop = min(last, cut - timedelta(days=1))  # the last day that may be stored
    out = Cells.empty(layout)
    if qid is not None and units:
        ranges = {}
        for unit in units:
            lo = max(first, rollup.first_day(s, qid, unit) or FAR)
            if lo <= stop:
                ranges[unit] = lo
        marked = _marked(s, qid, layout.method, list(ranges), min(ranges.values()), stop) if ranges else {}
        # Whole months summed by the job replace their days (survey/results/months.py).
        whole = months.complete(s, qid, layout.method, list(ranges), first, stop) if ranges else {}
        covered = {unit: {d for m in ms for d in rollup.runs_days(m, months.month_end(m))}
                   for unit, ms in whole.items()}
        if whole:
            out += months.stored(s, _cell_filters(f, StatMonthCell), qid, layout, whole)
        by_day = {unit: days - covered.get(unit, set()) for unit, days in marked.items()}
        by_day = {unit: days for unit, days in by_day.items() if days}
        # The marker set read once decides every part, so no day is counted twice or missed.
        if by_day:
            out += _stored(s, f, qid, layout, by_day)
        missing: dict[tuple[date, date], list[int]] = {}
        for unit, lo in ranges.items():
            have = marked.get(unit, set()) | covered.get(unit, set())
            days = [d for d in rollup.runs_days(lo, stop) if d not in have]
            if len(days) > LIVE_WARN_DAYS:
                log.warning("unit %s: %d past days read live; run `sipas results rollup --missing`",
                            unit, len(days))
            for span in _spans(days):
                missing.setdefault(span, []).append(unit)
        for (lo, hi), span_units in sorted(missing.items()):
            out += _live(s, f, layout, span_units, lo, hi)
        if last >= cut:
            out += _live(s, f, layout, units, max(first, cut), last)
    memo[(f, method)] = (layout, out)
    return layout, out


def _months(days: np.ndarray) -> np.ndarray:
    names = {d: date.fromordinal(int(d)).strftime("%Y-%m") for d in np.unique(days)}
    return np.array([names[d] for d in days], dtype=object)


def grouped(layout: Layout, cells: Cells, names: tuple[str, ...]) -> SufficientStats:
    """Sufficient statistics per group of `names` (service, service_point, unit, month)."""
    if not names:
        return layout.stats(np.array([cells.n.sum()]), cells.sums.sum(axis=0)[None, :], None)
    k = cells.keys
    source = {"service": lambda: k.service, "unit": lambda: k.unit, "month": lambda: _months(k.day.to_numpy()),
              "service_point": lambda: k.point}
    frame = pd.DataFrame({name: np.asarray(source[name]()) for name in names})
    gid = frame.groupby(list(names), sort=False).ngroup().to_numpy() if len(frame) else np.zeros(0, int)
    _, first = np.unique(gid, return_index=True)
    keys = frame.iloc[first].astype(object).reset_index(drop=True)
    if "service_point" in keys:
        keys["service_point"] = pd.Series([None if p < 0 else int(p) for p in keys["service_point"]],
                                          dtype=object)
    n, sums = np.bincount(gid, weights=cells.n, minlength=len(keys)), group_sum(gid, cells.sums, len(keys))
    order = keys.sort_values(list(names)).index.to_numpy()
    return layout.stats(n[order], sums[order], keys.iloc[order].reset_index(drop=True))


def option_counts(layout: Layout, cells: Cells) -> list[tuple[str, int, int]]:
    return layout.option_counts(cells.sums.sum(axis=0))

