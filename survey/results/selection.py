"""The cells of a selection: stored past days plus today's responses read live.

Past days come from `stat_cell` (missing unit-days are built first, in their
own transactions); days from `rollup.live_from()` on, and any day that could
not be built, are aggregated live from the responses the same way. Filters on
field, service, counter, channel and flags are filters on cell keys.
"""
from __future__ import annotations

import logging
from datetime import date, timedelta

import numpy as np
import pandas as pd
from sqlalchemy import false, select
from sqlalchemy.orm import Session

from analysis.sufficient import SufficientStats
from survey.models import Questionnaire, Service, StatCell, Unit
from survey.results import packed, rollup, sql
from survey.results.cells import Cells, aggregate, group_sum
from survey.results.config import definition
from survey.results.filters import Filters, Period
from survey.results.invalidate import CACHE_KEY, WROTE_KEY
from survey.results.layout import PAYLOAD_DTYPE, Layout, layout_of

log = logging.getLogger(__name__)
FAR = date(2999, 12, 31)  # "no end" that still converts to UTC
NEAR = date(1900, 1, 1)


def _cell_filters(f: Filters) -> list:
    where = []
    if f.field_id is not None:
        where.append(StatCell.service_id.in_(select(Service.id).where(Service.field_id == f.field_id)))
    for column, value in ((StatCell.service_id, f.service_id),
                          (StatCell.service_point_id, f.service_point_id), (StatCell.channel, f.channel)):
        if value is not None:
            where.append(column == value)
    if not f.include_flagged:
        where.append(StatCell.flagged == false())
    return where


def _stored(s: Session, f: Filters, qid: int, layout: Layout, units, first: date, last: date) -> Cells:
    rows = s.execute(select(StatCell.unit_id, StatCell.service_id, StatCell.service_point_id,
                            StatCell.channel, StatCell.flagged, StatCell.day, StatCell.n, StatCell.payload)
                     .where(StatCell.questionnaire_id == qid, StatCell.method == layout.method,
                            StatCell.unit_id.in_(units), StatCell.day >= first, StatCell.day <= last,
                            *_cell_filters(f))).all()
    if not rows:
        return Cells.empty(layout)
    cols = list(zip(*rows))
    keys = pd.DataFrame({"unit": cols[0], "service": cols[1],
                         "point": [-1 if p is None else p for p in cols[2]], "channel": cols[3],
                         "flagged": cols[4], "day": [d.toordinal() for d in cols[5]]})
    sums = np.frombuffer(b"".join(cols[7]), dtype=PAYLOAD_DTYPE).reshape(len(rows), layout.size).astype(float)
    return Cells(keys, np.asarray(cols[6], dtype=float), sums)


def _live(s: Session, f: Filters, layout: Layout, units, first: date, last: date) -> Cells:
    where = sql.scope(f.narrowed(unit_ids=tuple(units), period=Period("custom", first, last)))
    return aggregate(packed.fetch(s, layout, where), layout)


def cells_for(s: Session, f: Filters, method: str) -> tuple[Layout, Cells]:
    """Every cell of the selection `f` for an index method (memoised per transaction)."""
    memo = s.info.setdefault(CACHE_KEY, {})
    if (f, method) in memo:
        return memo[(f, method)]
    layout = layout_of(definition(f.questionnaire), method)
    qid = s.scalar(select(Questionnaire.id).where(Questionnaire.code == f.questionnaire[0],
                                                  Questionnaire.version == f.questionnaire[1]))
    units = f.unit_ids if f.unit_ids is not None else tuple(s.scalars(select(Unit.id)))
    first, last = (f.period.start, f.period.end) if f.period else (NEAR, FAR)
    cut = rollup.live_from()
    out = Cells.empty(layout)
    if qid is not None and units:
        stored_units = []
        for unit in units:
            lo, hi = max(first, rollup.first_day(s, qid, unit) or FAR), min(last, cut - timedelta(days=1))
            if lo > hi:
                continue
            if not _ensure(s, qid, layout, unit, lo, hi):
                out += _live(s, f, layout, (unit,), lo, hi)
                continue
            stored_units.append(unit)
        if stored_units:
            out += _stored(s, f, qid, layout, stored_units, first, min(last, cut - timedelta(days=1)))
        if last >= cut:
            out += _live(s, f, layout, units, max(first, cut), last)
    memo[(f, method)] = (layout, out)
    return layout, out


def _ensure(s: Session, qid: int, layout: Layout, unit: int, first: date, last: date) -> bool:
    """Build a unit's missing days; False when they must be read live instead."""
    if len(rollup.marked_days(s, qid, layout.method, unit, first, last)) == (last - first).days + 1:
        return True
    if s.info.get(WROTE_KEY):
        return False  # our own uncommitted writes hold the lock a build would wait for
    try:
        rollup.fill(s.get_bind(), qid, layout, unit, first, last)
    except Exception:  # a failed build must not take the page down: read live
        log.exception("rollup build failed for unit %s, %s..%s", unit, first, last)
        return False
    return True


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

