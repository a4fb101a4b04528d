"""Build and store the cells of past unit-days; find the days still missing.

Two writers build. The write that changes a past day's responses (a paper
form keyed after its day) rebuilds that unit-day in its own transaction, with
`rebuild_day`; and the job, `sipas results rollup` (after a bulk import or raw
SQL, and `--missing` on a schedule or in `sipas serve`'s background thread,
survey/results/schedule.py), builds whatever the triggers left unmarked. A
page view never writes; it reads the days still missing live
(survey/results/selection.py).

Every build runs in its own transaction (the job's: one per unit and block
of up to BATCH_MONTHS calendar months, `fill`) under a per-unit lock that
the database triggers on `response` take too
(survey/models/rollup_triggers.py): a response stored while its day is
being built either waits for the build and then deletes its marker, or
commits first and is seen by the build. docs/aggregation.md has the steps
and BENCHMARKS.md ("City of 114 communes") the cost.
"""
from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import numpy as np
import pandas as pd
from scipy.sparse import csc_matrix
from sqlalchemy import delete, func, select, text
from sqlalchemy.orm import Session

from survey.models import Questionnaire, Response, StatCell, StatDay, StatMonthCell, StatMonthDay, Unit
from survey.models.rollup_triggers import LOCK_CLASS
from survey.questionnaire.loader import shipped
from survey.results import months, packed
from survey.results.cell_store import write_cells, write_markers
from survey.results.cells import SLICE, cell_ids
from survey.results.filters import LOCAL
from survey.results.layout import PAYLOAD_DTYPE, Layout, layout_of

log = logging.getLogger(__name__)
# A day is stored only once it ended this long ago: a response flushed just
# before midnight and committed just after is still read live.
GRACE = timedelta(minutes=10)
# Calendar months per build transaction: bounds its lock time and memory (the
# responses are held compactly, ~50 bytes each, the cells of the block in float32).
BATCH_MONTHS = 12
# PostgreSQL: units built at once, each in its own transactions and thread:
# while one waits for the database (its COPY, its read), the other computes
# (numpy, scipy and psycopg release the GIL). Two cores, two workers.
WORKERS = 2


def live_from(now: datetime | None = None) -> date:
    """The first local day read live (never stored)."""
    return ((now or datetime.now(LOCAL)).astimezone(LOCAL) - GRACE).date()


def lock_unit(s: Session, unit_id: int) -> None:
    """Serialise builds and the triggers' invalidations of a unit (PostgreSQL; SQLite has one writer)."""
    if s.get_bind().dialect.name == "postgresql":
        s.connection().execute(text("SELECT pg_advisory_xact_lock(:c, :u)"), {"c": LOCK_CLASS, "u": unit_id})


def _begin_locked(s: Session, unit_id: int) -> None:
    if s.get_bind().dialect.name == "sqlite":
        s.connection().exec_driver_sql("BEGIN IMMEDIATE")  # the write lock before reading
        return
    # One round trip. jit off: compiling the read costs ~0.2 s and saves
    # nothing. synchronous_commit off: a crash may lose the last builds'
    # commits, each whole (cells and markers are one WAL-logged transaction,
    # and a later synchronous commit flushes every earlier one), never part
    # of one; the job rebuilds what is then unmarked. enable_seqscan off:
    # every statement here has an index; on a cache just emptied (vacuumed:
    # "0 rows") the foreign-key checks of stat_month_day would otherwise be
    # planned as scans of stat_day, which this very transaction fills, one
    # scan per row inserted (2 s for 3,600 rows, measured).
    s.connection().exec_driver_sql(
        "SET LOCAL jit = off; SET LOCAL synchronous_commit = off; SET LOCAL enable_seqscan = off; "
        f"SELECT pg_advisory_xact_lock({int(LOCK_CLASS)}, {int(unit_id)})")


def _in_days(model, qid: int, method: str, unit_id: int, first: date, last: date) -> list:
    return [model.questionnaire_id == qid, model.method == method, model.unit_id == unit_id,
            model.day >= first, model.day <= last]


@dataclass
class Chunk:
    """Responses of one channel read for a build, one row each (cell keys, answers laid out per slot)."""

    channel: str
    service: np.ndarray  # int64
    point: np.ndarray    # int64, -1: no counter
    day: np.ndarray      # local day, ordinal
    flagged: np.ndarray  # bool
    values: np.ndarray   # uint8, responses x layout slots, 0 = not answered (or out of its scale)


@dataclass
class DayCells:
    """The day cells of one unit, as stored: keys, response counts, float32 payloads."""

    service: np.ndarray
    point: np.ndarray
    channel: np.ndarray  # object (str)
    flagged: np.ndarray
    day: np.ndarray      # ordinal
    n: np.ndarray
    sums: np.ndarray     # cells x layout.size, PAYLOAD_DTYPE


# One aggregate per (channel, answer width, ~month): PostgreSQL concatenates
# each response's keys and answers into one fixed-width record (big-endian
# int4 service, counter or -1, local day * 2 + flagged; then the answer
# bytes), and a few hundred KB arrive as one bytea per group, so no Python
# object is made per response; numpy reads the records in place.
_PG_READ = text("""
SELECT channel, length(answers) AS width, count(*) AS rows,
       string_agg(int4send(service_id) || int4send(coalesce(service_point_id, -1))
                  || int4send(local_day * 2 + flagged::int) || answers, ''::bytea) AS records
FROM (SELECT channel, answers, service_id, service_point_id, flagged,
             (((submitted_at AT TIME ZONE 'UTC') + interval '7 hours')::date - date '1970-01-01') AS local_day
      FROM response
      WHERE unit_id = :unit AND questionnaire_id = :qid AND submitted_at >= :lo AND submitted_at < :hi) AS r
GROUP BY channel, length(answers), local_day / 31""")


def _slots(layout: Layout, listed: list[str]) -> tuple[list[int], list[int]]:
    where = {code: i for i, code in enumerate(listed)}
    pairs = [(j, where[code]) for j, (code, _lo, _hi) in enumerate(layout.slots) if code in where]
    return [j for j, _ in pairs], [i for _, i in pairs]


def _values(layout: Layout, answers: np.ndarray, to: list[int], fro: list[int]) -> np.ndarray:
    """Answer bytes (responses x width) laid out per slot; a value outside its item's scale counts as none."""
    values = np.zeros((len(answers), len(layout.slots)), dtype=np.uint8)
    kept = [(t, f) for t, f in zip(to, fro) if f < answers.shape[1]]  # strings of an older, shorter list
    if kept:
        values[:, [t for t, _ in kept]] = answers[:, [f for _, f in kept]]
    lo = np.array([lo for _c, lo, _hi in layout.slots])
    hi = np.array([hi for _c, _lo, hi in layout.slots])
    values[(values < lo) | (values > hi)] = 0
    return values


def read(s: Session, qid: int, layout: Layout, unit_id: int, first: date, last: date,
         items: list[str] | None = None) -> list[Chunk]:
    """The responses of a unit's days first..last, in chunks of one channel (compact: ~50 bytes each).

    `items`: the questionnaire's item list (the byte order of its answers), read here if not given.
    """
    lo, hi = packed.utc_range(first, last)
    to, fro = _slots(layout, items if items is not None else packed.item_lists(s)[qid])
    out: list[Chunk] = []
    if s.get_bind().dialect.name == "postgresql":
        for channel, width, rows, records in s.execute(_PG_READ, {"unit": unit_id, "qid": qid, "lo": lo, "hi": hi}):
            dtype = np.dtype([("service", ">i4"), ("point", ">i4"), ("dayflag", ">i4"), ("answers", "u1", (width,))])
            r = np.frombuffer(records, dtype=dtype, count=rows)
            dayflag = r["dayflag"].astype(np.int64)
            out.append(Chunk(channel, r["service"].astype(np.int64), r["point"].astype(np.int64),
                             dayflag // 2 + packed.EPOCH_ORDINAL, (dayflag % 2).astype(bool),
                             _values(layout, r["answers"].reshape(rows, width), to, fro)))
        return out
    stmt = (select(Response.service_id, Response.service_point_id, Response.channel, Response.flagged,
                   packed.epoch_seconds(s), Response.answers)
            .where(Response.unit_id == unit_id, Response.questionnaire_id == qid,
                   Response.submitted_at >= lo, Response.submitted_at < hi))
    rows = s.execute(stmt).all()
    by: dict[tuple[str, int], list] = {}
    for row in rows:
        by.setdefault((row[2], len(row[5])), []).append(row)
    for (channel, width), group in sorted(by.items()):
        cols = list(zip(*group))
        answers = np.frombuffer(b"".join(cols[5]), dtype=np.uint8).reshape(len(group), width)
        seconds = np.asarray(cols[4], dtype=np.int64)
        out.append(Chunk(channel, np.asarray(cols[0], dtype=np.int64),
                         np.array([-1 if p is None else p for p in cols[1]], dtype=np.int64),
                         (seconds + packed.LOCAL_OFFSET) // 86400 + packed.EPOCH_ORDINAL,
                         np.asarray(cols[3], dtype=bool), _values(layout, answers, to, fro)))
    return out


def _summed(columns: list[np.ndarray], n: np.ndarray, sums: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray,
                                                                            np.ndarray]:
    """Rows (cells) with equal `columns` added: (cell id of each row, first row of each cell, n, float32 sums).

    One sparse product (the cells x rows indicator times the rows' sums), in
    float32: every sum is a multiple of 1/16 below 2^20, so exact (docs/aggregation.md).
    """
    gid, first = cell_ids(columns)
    ones = csc_matrix((np.ones(len(gid), dtype=np.float32), gid, np.arange(len(gid) + 1)),
                      shape=(len(first), len(gid)))
    total = np.asarray(ones @ np.asarray(sums, dtype=np.float32), dtype=PAYLOAD_DTYPE)
    return gid, first, np.bincount(gid, weights=n, minlength=len(first)).astype(np.int64), total


def aggregate(chunks: list[Chunk], layout: Layout) -> DayCells:
    """Sum the responses of `chunks` into day cells (Layout.cell_sums, SLICE responses at a time)."""
    if not chunks:
        empty = np.zeros(0, dtype=np.int64)
        return DayCells(empty, empty, np.zeros(0, dtype=object), np.zeros(0, dtype=bool), empty, empty,
                        np.zeros((0, layout.size), dtype=PAYLOAD_DTYPE))
    names = sorted({c.channel for c in chunks})
    code = np.concatenate([np.full(len(c.service), names.index(c.channel), dtype=np.int64) for c in chunks])
    service, point, day = (np.concatenate([getattr(c, k) for c in chunks]) for k in ("service", "point", "day"))
    flagged = np.concatenate([c.flagged for c in chunks])
    values = np.concatenate([c.values for c in chunks])
    gid, first = cell_ids([service, point, code, day * 2 + flagged])
    sums = np.zeros((len(first), layout.size), dtype=PAYLOAD_DTYPE)
    for lo in range(0, len(gid), SLICE):  # one cell's responses may lie in several slices: sums add up, exactly
        layout.cell_sums(values[lo:lo + SLICE], gid[lo:lo + SLICE], len(first), dtype=np.float32, out=sums)
    return DayCells(service[first], point[first], np.array(names, dtype=object)[code[first]], flagged[first],
                    day[first], np.bincount(gid, minlength=len(first)), sums)


_PG_REPLACE = text("""
WITH cells AS (DELETE FROM stat_cell WHERE questionnaire_id = :qid AND method = :method AND unit_id = :unit
                 AND day BETWEEN :first AND :last),
     days AS (DELETE FROM stat_day WHERE questionnaire_id = :qid AND method = :method AND unit_id = :unit
                AND day BETWEEN :first AND :last),
     month_cells AS (DELETE FROM stat_month_cell WHERE questionnaire_id = :qid AND method = :method
                       AND unit_id = :unit AND month = ANY(:months)),
     month_days AS (DELETE FROM stat_month_day WHERE questionnaire_id = :qid AND method = :method
                      AND unit_id = :unit AND month = ANY(:months))
SELECT 1""")


def _month_cells(cells: DayCells, month_list: list[date]) -> tuple:
    """The month cells of `month_list` (whole months all of whose days are in `cells`), one row set.

    (service, point, channel, flagged, n, float32 payloads, month ordinal), as months.sum_days per month.
    """
    local = (cells.day - packed.EPOCH_ORDINAL).astype("datetime64[D]")
    month = local.astype("datetime64[M]").astype("datetime64[D]").astype(np.int64) + packed.EPOCH_ORDINAL
    keep = np.isin(month, [m.toordinal() for m in month_list])
    code, _ = pd.factorize(cells.channel[keep])
    _, first, n, total = _summed([cells.service[keep], cells.point[keep], np.asarray(code, dtype=np.int64),
                                  cells.flagged[keep].astype(np.int64), month[keep]],
                                 cells.n[keep], cells.sums[keep])
    return (cells.service[keep][first], cells.point[keep][first], cells.channel[keep][first],
            cells.flagged[keep][first], n, total, month[keep][first])


def _replace(s: Session, qid: int, layout: Layout, unit_id: int, first: date, last: date, cells: DayCells,
             month_list: list[date]) -> None:
    """Replace the cells and markers of days first..last and, from the same cells, of whole months `month_list`.

    PostgreSQL: one statement deletes, one COPY per table inserts. Dropping
    a day marker drops its month's `stat_month_day` row too (months.py).
    """
    method = layout.method
    if s.get_bind().dialect.name == "postgresql":
        s.execute(_PG_REPLACE, {"qid": qid, "method": method, "unit": unit_id, "first": first, "last": last,
                                "months": month_list})
    else:
        for model in (StatCell, StatDay):
            s.execute(delete(model).where(*_in_days(model, qid, method, unit_id, first, last)))
        if month_list:
            for month_model in (StatMonthCell, StatMonthDay):
                s.execute(delete(month_model).where(
                    month_model.questionnaire_id == qid, month_model.method == method,
                    month_model.unit_id == unit_id, month_model.month.in_(month_list)))
    write_cells(s, StatCell, qid, method, unit_id, cells.service, cells.point, cells.channel,
                cells.flagged, cells.day, cells.n, cells.sums)
    write_markers(s, StatDay, qid, method, unit_id, runs_days(first, last))
    if month_list:
        service, point, channel, flagged, n, payload, month = _month_cells(cells, month_list)
        write_cells(s, StatMonthCell, qid, method, unit_id, service, point, channel, flagged, month, n, payload)
        days = [d for m in month_list for d in runs_days(m, months.month_end(m))]
        write_markers(s, StatMonthDay, qid, method, unit_id, days, months=[months.month_start(d) for d in days])


def _build_days(s: Session, qid: int, layout: Layout, unit_id: int, first: date, last: date,
                month_list: tuple[date, ...] | list[date] = (), items: list[str] | None = None) -> DayCells:
    """Compute and store the cells and markers of a unit for days first..last (caller holds the lock).

    And the month cells of `month_list`: whole months within first..last, summed from the same cells.
    """
    cells = aggregate(read(s, qid, layout, unit_id, first, last, items), layout)
    # Read first, then replace: only the lock taken before the read keeps a
    # late write from slipping in between (tests/results/test_rollup_race.py).
    _replace(s, qid, layout, unit_id, first, last, cells, list(month_list))
    return cells


def build_cells(s: Session, qid: int, layout: Layout, unit_id: int, first: date, last: date) -> int:
    """Compute and store the cells and markers of a unit for days first..last.

    The caller holds the unit's lock and commits. Returns the responses read.
    """
    return int(_build_days(s, qid, layout, unit_id, first, last).n.sum())


def rebuild_day(s: Session, unit_id: int, questionnaire_id: int, at: datetime) -> bool:
    """Rebuild the cells and marker of the unit-day holding ``at``, in the caller's transaction.

    Called by the operations that store or change a response of a past day,
    after their last write and before their commit (the triggers have just
    dropped the day's marker), so the day is right and cached at once; never
    by a GET. Today's responses are read live: nothing to do. Builds the
    configured index method, as the job does. Returns whether it built.
    """
    from survey.results.config import Method  # reads the app's settings

    day = at.astimezone(LOCAL).date()
    if day >= live_from():
        return False
    row = s.execute(select(Questionnaire.code, Questionnaire.version)
                    .where(Questionnaire.id == questionnaire_id)).first()
    definition = shipped().get((row.code, row.version)) if row else None
    if definition is None:  # a form this release does not ship: read live, as the job leaves it
        return False
    s.flush()
    lock_unit(s, unit_id)  # the triggers took it already for this day; a no-op then
    build_cells(s, questionnaire_id, layout_of(definition, Method.from_config().index), unit_id, day, day)
    return True


def marked_days(s: Session, qid: int, method: str, unit_id: int, first: date, last: date) -> set[date]:
    return set(s.scalars(select(StatDay.day).where(*_in_days(StatDay, qid, method, unit_id, first, last))))


def first_day(s: Session, qid: int, unit_id: int) -> date | None:
    """The local day of a unit's first response (index on unit, submitted_at)."""
    first = s.scalar(select(func.min(Response.submitted_at)).where(
        Response.unit_id == unit_id, Response.questionnaire_id == qid))
    return first.astimezone(LOCAL).date() if first else None


def batches(days: list[date]) -> list[tuple[date, date]]:
    """(first, last) of the given days within each block of BATCH_MONTHS calendar months."""
    out: dict[int, tuple[date, date]] = {}
    for d in sorted(days):
        block = (d.year * 12 + d.month - 1) // BATCH_MONTHS
        out[block] = (out.get(block, (d, d))[0], d)
    return list(out.values())


def fill(bind, qid: int, layout: Layout, unit_id: int, first: date, last: date,
         refresh: bool = False) -> int:
    """Build every unmarked day (every day if `refresh`) of a unit in first..last, and its whole months.

    One transaction per block of BATCH_MONTHS calendar months, holding the
    unit's lock from before its reads until its commit: within it, the days
    from its first to its last unmarked day (the marked ones between are
    rebuilt alike), their markers, and the month cells of the whole months of
    first..last it touches. The race guarantee is the one of any single
    build: a late write to this unit either commits before the lock is taken
    (the read sees it) or waits for the commit and then drops the marker of
    its day (tests/results/test_rollup_race.py fails without the lock). A
    longer transaction only makes such a write wait longer (a block of a
    commune of 10,000 responses a year: ~0.1 s). Returns the responses read.
    """
    total = 0
    marked: set[date] = set()
    if not refresh:
        with Session(bind) as probe:
            marked = marked_days(probe, qid, layout.method, unit_id, first, last)
    whole = months.whole_months(first, last)
    todo_days = [d for d in runs_days(first, last) if d not in marked]
    if not todo_days:
        return 0
    with Session(bind) as probe:
        items = packed.item_lists(probe)[qid]
    for lo, hi in batches(todo_days):
        with Session(bind) as s:
            _begin_locked(s, unit_id)
            todo = runs_days(lo, hi) if refresh else sorted(
                set(runs_days(lo, hi)) - marked_days(s, qid, layout.method, unit_id, lo, hi))
            if todo:  # another process may have built some meanwhile
                lo, hi = todo[0], todo[-1]
                touched = [m for m in whole if m <= hi and months.month_end(m) >= lo]
                inside = [m for m in touched if lo <= m and months.month_end(m) <= hi]
                total += int(_build_days(s, qid, layout, unit_id, lo, hi, inside, items).n.sum())
                for month in touched:
                    if month not in inside:  # some of its days built in another run: read them back
                        months.build(s, qid, layout, unit_id, month)
            s.commit()
    return total


def fill_months(bind, qid: int, layout: Layout, unit_id: int, first: date, last: date) -> int:
    """Sum every whole month of first..last whose days are all stored; one transaction each.

    A rebuilt day has dropped its month's rows with its marker, so `missing`
    finds those months again. Returns the months summed.
    """
    with Session(bind) as probe:
        todo = months.missing(probe, qid, layout.method, unit_id, first, last)
    done = 0
    for month in todo:
        with Session(bind) as s:
            _begin_locked(s, unit_id)
            if months.missing(s, qid, layout.method, unit_id, month, months.month_end(month)):
                done += months.build(s, qid, layout, unit_id, month)
            s.commit()
    return done


def runs_days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=d) for d in range((last - first).days + 1)]


def build(bind, methods: tuple[str, ...], units: list[int] | None = None, start: date | None = None,
          end: date | None = None, refresh: bool = False) -> tuple[int, int]:
    """Build every unit's past days (only the unmarked ones unless `refresh`).

    The rollup job: `sipas results rollup` and the scheduler call it, never
    a page view. Returns (responses read, unit series built).
    """
    definitions = shipped()
    last = min(end or date.max, live_from() - timedelta(days=1))
    with Session(bind) as s:
        questionnaires = s.execute(select(Questionnaire.id, Questionnaire.code, Questionnaire.version)).all()
        if units is None:
            units = list(s.scalars(select(Unit.id).order_by(Unit.id)))
        series = []
        for qid, code, version in questionnaires:
            if (code, version) not in definitions:
                continue
            for unit in units:
                first = first_day(s, qid, unit)
                if first is not None:
                    series.append((qid, definitions[(code, version)], unit, max(first, start or first)))
    jobs = [(qid, layout_of(definition, method), unit, first)
            for qid, definition, unit, first in series for method in methods if first <= last]

    def one(job: tuple) -> int:
        qid, layout, unit, first = job
        read = fill(bind, qid, layout, unit, first, last, refresh=refresh)
        fill_months(bind, qid, layout, unit, first, last)
        return read

    workers = WORKERS if bind.dialect.name == "postgresql" else 1  # SQLite has one writer
    if workers > 1 and len(jobs) > 1:
        with ThreadPoolExecutor(workers) as pool:
            counts = list(pool.map(one, jobs))
    else:
        counts = [one(job) for job in jobs]
    return sum(counts), len(jobs)


def clear(s: Session) -> None:
    """Drop the whole cache (after a restore); `sipas results rollup --missing` refills it."""
    conn = s.connection()
    for model in (StatMonthDay, StatMonthCell, StatCell, StatDay):
        conn.execute(delete(model))
