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
from datetime import date

import numpy as np
import pandas as pd
from flask import Flask
from sqlalchemy import event, false, func, select
from sqlalchemy.orm import Session

from analysis.sufficient import SufficientStats
from survey.models import Questionnaire, Response, Service, StatCell, StatMonthCell, Unit
from survey.results import cell_batches, months, packed, sql
from survey.results import plan as plans
from survey.results.cells import KEYS, Cells, aggregate, group_sum
from survey.results.config import definition
from survey.results.filters import Filters, Period
from survey.results.layout import Layout, layout_of

log = logging.getLogger(__name__)
FAR = date(2999, 12, 31)  # "no end" that still converts to UTC
NEAR = date(1900, 1, 1)
MEMO_KEY = "sipas.cells"  # per-transaction memo of selections, in Session.info
_DAY_KEY = 1_000_000  # unit * _DAY_KEY + date ordinal: one integer per unit-day


def init_app(app: Flask) -> None:
    """Forget memoised selections when the app's sessions write or end a transaction."""
    factory = app.extensions["sipas.sessionmaker"]
    event.listen(factory, "after_flush", _forget)
    event.listen(factory, "after_transaction_end", _forget)


def _forget(session: Session, *_args) -> None:
    session.info.pop(MEMO_KEY, None)
    session.info.pop(plans.MEMO_KEY, None)


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


def _stored(s: Session, f: Filters, qid: int, layout: Layout, marked: dict[int, set[date]],
            grain: tuple[str, ...]) -> Cells:
    """Cells of the marked unit-days only: a dropped marker leaves old cells that must not count."""
    stmt = (select(StatCell.unit_id, StatCell.service_id, StatCell.service_point_id,
                   StatCell.channel, StatCell.flagged, StatCell.day, StatCell.n, StatCell.payload)
            .where(StatCell.questionnaire_id == qid, StatCell.method == layout.method,
                   plans.within(StatCell.unit_id, StatCell.day, marked), *_cell_filters(f)))
    wanted = np.array([u * _DAY_KEY + d.toordinal() for u, days in marked.items() for d in days], dtype=np.int64)

    def cells(cols: list) -> Cells:
        day = np.array([d.toordinal() for d in cols[5]], dtype=np.int64)
        keep = np.isin(np.asarray(cols[0], dtype=np.int64) * _DAY_KEY + day, wanted)
        return cell_batches.cells(cols, day, keep)
    return cell_batches.summed(s, stmt, cells, layout, grain)


def _live(s: Session, f: Filters, layout: Layout, units, first: date, last: date, grain: tuple[str, ...]) -> Cells:
    where = sql.scope(f.narrowed(unit_ids=tuple(units), period=Period("custom", first, last)))
    if grain == KEYS:
        return aggregate(packed.fetch(s, layout, where), layout)
    out = Cells.empty(layout, grain)
    for batch in packed.stream(s, layout, where):  # bounded memory, as cell_batches.summed
        out += aggregate(batch, layout, grain)
    return out.collapsed(grain)


def cells_for(s: Session, f: Filters, method: str, grain: tuple[str, ...] = KEYS) -> tuple[Layout, Cells]:
    """Every cell of the selection `f` for an index method (memoised per transaction).

    `grain`: the cell keys kept (a subset of cells.KEYS). The default keeps
    every key; a city's comparison needs only (unit[, service]) and sums the
    rest away while reading, so its memory does not grow with the days.
    """
    memo = s.info.setdefault(MEMO_KEY, {})
    if (f, method, grain) in memo:
        return memo[(f, method, grain)]
    layout = layout_of(definition(f.questionnaire), method)
    qid = version_id(s, f.questionnaire)
    units = f.unit_ids if f.unit_ids is not None else tuple(s.scalars(select(Unit.id)))
    out = Cells.empty(layout, grain)
    if qid is not None and units:
        p = _plan(s, f, qid, layout.method, units)
        if p.months:
            out += months.stored(s, _cell_filters(f, StatMonthCell), qid, layout, p.months, grain)
        if p.days:
            out += _stored(s, f, qid, layout, p.days, grain)
        for (lo, hi), span_units in p.live:
            out += _live(s, f, layout, span_units, lo, hi, grain)
        if p.today:
            out += _live(s, f, layout, units, *p.today, grain)
    if grain != KEYS:
        out = out.collapsed(grain)
    memo[(f, method, grain)] = (layout, out)
    return layout, out


def version_id(s: Session, key: tuple[str, str]) -> int | None:
    return s.scalar(select(Questionnaire.id).where(Questionnaire.code == key[0], Questionnaire.version == key[1]))


def _plan(s: Session, f: Filters, qid: int, method: str, units) -> plans.Plan:
    first, last = (f.period.start, f.period.end) if f.period else (NEAR, FAR)
    return plans.plan(s, qid, method, tuple(units), first, last)


def counts_for(s: Session, f: Filters, qid: int, method: str) -> dict[bool, int]:
    """Responses of version `qid` in the selection (flagged ones apart), from the cells' counts.

    The same plan as the cells' sums, reading only `n`: a city's year is a
    million responses, whose count in SQL reads every row, and ~14,000 month
    cells. `f.include_flagged` is ignored: both kinds are counted.
    """
    f = f.narrowed(include_flagged=True)
    units = f.unit_ids if f.unit_ids is not None else tuple(s.scalars(select(Unit.id)))
    out = {False: 0, True: 0}
    if not units:
        return out
    p = _plan(s, f, qid, method, units)
    for model, column, wanted in ((StatMonthCell, StatMonthCell.month, p.months), (StatCell, StatCell.day, p.days)):
        if not wanted:
            continue
        rows = s.execute(select(model.unit_id, column, model.flagged, func.sum(model.n))
                         .where(model.questionnaire_id == qid, model.method == method,
                                plans.within(model.unit_id, column, wanted), *_cell_filters(f, model))
                         .group_by(model.unit_id, column, model.flagged))
        for unit, day, flagged, n in rows:
            if day in wanted.get(unit, ()):
                out[bool(flagged)] += int(n)
    live = [*p.live, *([(p.today, tuple(units))] if p.today else [])]
    for (lo, hi), span_units in live:
        where = sql.scope(f.narrowed(unit_ids=tuple(span_units), period=Period("custom", lo, hi),
                                     questionnaires=None))
        for flagged, n in s.execute(select(Response.flagged, func.count()).where(
                Response.questionnaire_id == qid, *where).group_by(Response.flagged)):
            out[bool(flagged)] += int(n)
    return out


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

