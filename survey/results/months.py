"""The second tier of the rollup cache: month cells, the sums of a month's day cells.

A city's year is ~100 communes × ~10 (service, counter) pairs × 365 days of
day cells (several hundred thousand rows, ~1 GB of payload); the same year in
month cells is 30 times fewer rows. The rollup job sums a month once every
day of it is stored (survey/results/rollup.py calls `fill`); a page reads
the month cells of complete months and the day cells or live answers for
the rest (survey/results/selection.py).

Staying exact needs no new trigger: each month cell set has one
`stat_month_day` row per day, with a foreign key that cascades from that
day's `stat_day` marker. Whatever drops a day marker — the triggers on any
write to a response or an answer, a rebuild of the day, `sipas restore` —
drops the row in the same statement, so the month counts as incomplete
(fewer rows than days) and is read from its days until the job sums it
again. Builds run under the unit's lock, like the day builds.
"""
from __future__ import annotations

import calendar
from datetime import date, timedelta

import numpy as np
import pandas as pd
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from survey.models import StatCell, StatDay, StatMonthCell, StatMonthDay
from survey.results import cell_batches
from survey.results.cell_store import write_cells, write_markers
from survey.results.cells import KEYS, Cells, cell_ids, group_sum
from survey.results.layout import PAYLOAD_DTYPE, Layout

MONTH_KEYS = ("service", "point", "channel", "flagged")


def month_start(d: date) -> date:
    return d.replace(day=1)


def month_end(m: date) -> date:
    return m.replace(day=calendar.monthrange(m.year, m.month)[1])


def whole_months(first: date, last: date) -> list[date]:
    """The months lying entirely within first..last (their first days)."""
    m = month_start(first) if first.day == 1 else month_end(first) + timedelta(days=1)
    out = []
    while month_end(m) <= last:
        out.append(m)
        m = month_end(m) + timedelta(days=1)
    return out


def complete(s: Session, qid: int, method: str, units, first: date, last: date) -> dict[int, set[date]]:
    """Per unit, the months within first..last whose every day is still summed in their month cells."""
    months = whole_months(first, last)
    if not months:
        return {}
    rows = s.execute(select(StatMonthDay.unit_id, StatMonthDay.month, func.count())
                     .where(StatMonthDay.questionnaire_id == qid, StatMonthDay.method == method,
                            StatMonthDay.unit_id.in_(list(units)), StatMonthDay.month >= months[0],
                            StatMonthDay.month <= months[-1])
                     .group_by(StatMonthDay.unit_id, StatMonthDay.month))
    out: dict[int, set[date]] = {}
    for unit, month, days in rows:
        if days == month_end(month).day:
            out.setdefault(unit, set()).add(month)
    return out


def stored(s: Session, where: list, qid: int, layout: Layout, months: dict[int, set[date]],
           grain: tuple[str, ...] = KEYS) -> Cells:
    """Month cells of the complete unit-months only (`where`: filters on StatMonthCell's keys), at `grain`."""
    first = min(min(m) for m in months.values())
    last = max(max(m) for m in months.values())
    stmt = (select(StatMonthCell.unit_id, StatMonthCell.service_id, StatMonthCell.service_point_id,
                   StatMonthCell.channel, StatMonthCell.flagged, StatMonthCell.month, StatMonthCell.n,
                   StatMonthCell.payload)
            .where(StatMonthCell.questionnaire_id == qid, StatMonthCell.method == layout.method,
                   StatMonthCell.unit_id.in_(list(months)), StatMonthCell.month >= first,
                   StatMonthCell.month <= last, *where))
    wanted = {(u, m) for u, ms in months.items() for m in ms}

    def cells(cols: list) -> Cells:
        # a month cell stands for its days: its key is the month's first day (grouping by month stays right)
        keep = np.array([(u, m) in wanted for u, m in zip(cols[0], cols[5])], dtype=bool)
        return cell_batches.cells(cols, np.array([m.toordinal() for m in cols[5]], dtype=np.int64), keep)
    return cell_batches.summed(s, stmt, cells, layout, grain)


def sum_days(service: np.ndarray, point: np.ndarray, channel: np.ndarray, flagged: np.ndarray,
             n: np.ndarray, sums: np.ndarray) -> tuple:
    """Day cells of one month summed per (service, counter, channel, flagged): the month cells.

    Returns (service, point, channel, flagged, n, float32 payloads). float32
    stays exact for a month too: sums of multiples of 1/16 below 2^24/16
    (docs/aggregation.md), so the float64 sum casts back without rounding.
    """
    channel = np.asarray(channel, dtype=object)
    code, _ = pd.factorize(channel)
    gid, first = cell_ids([np.asarray(service, dtype=np.int64), np.asarray(point, dtype=np.int64),
                           np.asarray(code, dtype=np.int64), np.asarray(flagged, dtype=np.int64)])
    total = group_sum(gid, np.asarray(sums, dtype=float), len(first)).astype(PAYLOAD_DTYPE)
    counts = np.bincount(gid, weights=np.asarray(n, dtype=float), minlength=len(first))
    return service[first], point[first], channel[first], flagged[first], counts, total


def store(s: Session, qid: int, layout: Layout, unit_id: int, month: date, cells: tuple) -> None:
    """Replace a month's cells and `stat_month_day` rows (every day of it marked; the caller holds the lock)."""
    for model, column in ((StatMonthCell, StatMonthCell.month), (StatMonthDay, StatMonthDay.month)):
        s.execute(delete(model).where(model.questionnaire_id == qid, model.method == layout.method,
                                      model.unit_id == unit_id, column == month))
    service, point, channel, flagged, n, payload = cells
    write_cells(s, StatMonthCell, qid, layout.method, unit_id, service, point, channel, flagged,
                np.full(len(n), month.toordinal(), dtype=np.int64), n, payload)
    days = [month + timedelta(days=d) for d in range(month_end(month).day)]
    write_markers(s, StatMonthDay, qid, layout.method, unit_id, days, months=[month] * len(days))


def build(s: Session, qid: int, layout: Layout, unit_id: int, month: date) -> bool:
    """Sum a month's stored day cells into month cells, if every day of it is marked (caller holds the lock).

    The rollup job sums the months it has just built from the day cells in
    memory (survey/results/rollup.py); this reads them back, for a month
    whose days were built in different runs.
    """
    last = month_end(month)
    marked = s.scalar(select(func.count()).select_from(StatDay).where(
        StatDay.questionnaire_id == qid, StatDay.method == layout.method, StatDay.unit_id == unit_id,
        StatDay.day >= month, StatDay.day <= last))
    if marked != last.day:
        return False
    rows = s.execute(select(StatCell.service_id, StatCell.service_point_id, StatCell.channel, StatCell.flagged,
                            StatCell.n, StatCell.payload)
                     .where(StatCell.questionnaire_id == qid, StatCell.method == layout.method,
                            StatCell.unit_id == unit_id, StatCell.day >= month, StatCell.day <= last)).all()
    if rows:
        cols = list(zip(*rows))
        sums = np.frombuffer(b"".join(cols[5]), dtype=PAYLOAD_DTYPE).reshape(len(rows), layout.size)
        cells = sum_days(np.asarray(cols[0], dtype=np.int64),
                         np.array([-1 if p is None else p for p in cols[1]], dtype=np.int64),
                         np.asarray(cols[2], dtype=object), np.asarray(cols[3], dtype=bool),
                         np.asarray(cols[4], dtype=np.int64), sums)
    else:
        empty = np.zeros(0, dtype=np.int64)
        cells = (empty, empty, np.zeros(0, dtype=object), np.zeros(0, dtype=bool), empty,
                 np.zeros((0, layout.size), dtype=PAYLOAD_DTYPE))
    store(s, qid, layout, unit_id, month, cells)
    return True


def missing(s: Session, qid: int, method: str, unit_id: int, first: date, last: date) -> list[date]:
    """Whole months of first..last not complete in the second tier."""
    have = complete(s, qid, method, [unit_id], first, last).get(unit_id, set())
    return [m for m in whole_months(first, last) if m not in have]
