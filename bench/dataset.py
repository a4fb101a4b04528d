"""Fill a database with N synthetic responses for the dashboard and export benchmarks.

    python bench/dataset.py --database-url URL --responses 1000000

Uses the demo catalogue (run `sipas db upgrade` and `sipas demo seed` first, or
let `populate` do it). Rows are written in bulk: COPY on PostgreSQL,
executemany in one transaction on SQLite.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._server import base_env, prepare_database  # noqa: E402
from survey.config import normalise_database_url  # noqa: E402
from survey.models import rollup_triggers  # noqa: E402
from survey.models.responses import answer_fingerprint  # noqa: E402
from survey.questionnaire.loader import shipped  # noqa: E402
from survey.questionnaire.sync import DEFAULT  # noqa: E402

CHUNK = 50_000


def _answers(rng, n: int, p_satisfied: np.ndarray, codes: list[str], scale: int):
    """Scores per response and item: mostly 4-5 with a per-response propensity."""
    high = rng.random((n, len(codes))) < p_satisfied[:, None]
    scores = np.where(high, rng.integers(scale - 1, scale + 1, (n, len(codes))),
                      rng.integers(1, scale - 1, (n, len(codes))))
    skipped = rng.random((n, len(codes))) < 0.03  # item non-response
    return np.where(skipped, 0, scores)


def _choices(rng, n: int, q) -> tuple[list[str], np.ndarray]:
    """Choice answers as the form collects them: perception and channel always, the profile half the time."""
    codes, columns = [], []
    for c in q.choices:
        values = np.array([o.value for o in c.options])
        picked = values[rng.integers(0, len(values), n)]
        if c.section == "respondent":
            picked = np.where(rng.random(n) < 0.5, picked, 0)
        codes.append(c.code)
        columns.append(picked)
    return codes, np.stack(columns, axis=1)


# Free comments: about one response in seven leaves one, of a sentence or two.
COMMENT_SHARE = 0.15
_WORDS = ("cán bộ", "hướng dẫn", "nhiệt tình", "chờ", "lâu", "phòng", "hồ sơ", "thủ tục", "rõ ràng",
          "cần", "cải thiện", "bãi xe", "nóng", "nhanh", "tốt", "một cửa", "giấy tờ", "trả kết quả")


def _comment(rng) -> str:
    return " ".join(rng.choice(_WORDS, int(rng.integers(4, 30)))).capitalize() + "."


def _rows(rng, start_id: int, n: int, catalogue, q, start: datetime, days: int):
    """Rows of `n` responses from id `start_id`: (responses, comments), lists of tuples.

    Columns: RESPONSE_COLS (the answers as one byte string in the order of
    `q.item_codes()`, which is the questionnaire row's `items`) and COMMENT_COLS.
    """
    service_ids, point_of_service, qid, unit_id = catalogue
    pick = rng.integers(0, len(service_ids), n)
    when = rng.integers(0, days * 86400, n)
    p = np.clip(rng.beta(18, 2, n), 0, 1)
    crit = [c.code for c in q.criteria]
    exp = [m.code for m in q.expectations]
    scores = _answers(rng, n, p, crit, 5)
    wishes = _answers(rng, n, np.full(n, 0.6), exp, 4)
    choice_codes, picks = _choices(rng, n, q)
    codes = crit + exp + choice_codes
    assert tuple(codes) == q.item_codes()
    grid = np.concatenate([scores, wishes, picks], axis=1)
    packed = grid.astype(np.uint8)
    ids = np.arange(start_id, start_id + n)
    commented = rng.random(n) < COMMENT_SHARE
    comments = [(int(i), _comment(rng)) for i in ids[commented]]
    comment_of = dict(comments)
    responses = []
    for row, (i, k, w) in enumerate(zip(ids.tolist(), pick.tolist(), when.tolist())):
        given = [(codes[j], int(v)) for j, v in enumerate(grid[row].tolist()) if v]
        service = int(service_ids[k])
        # Real rows carry the duplicate check's fingerprint and a random submission key.
        responses.append((i, rng.bytes(16).hex(), qid, unit_id, service,
                          int(point_of_service[k]), "qr", (start + timedelta(seconds=w)).strftime(TIME_FORMAT),
                          False, answer_fingerprint(service, given, comment_of.get(i, "")), packed[row].tobytes()))
    return responses, comments


def _catalogue(conn):
    from sqlalchemy import text

    rows = conn.execute(text(
        "SELECT s.service_id, s.service_point_id FROM service_point_service s ORDER BY 1")).all()
    qid = conn.execute(text("SELECT id FROM questionnaire WHERE code='sipas-dv'")).scalar_one()
    unit_id = conn.execute(text("SELECT unit_id FROM service_point ORDER BY id LIMIT 1")).scalar_one()
    return np.array([r[0] for r in rows]), np.array([r[1] for r in rows]), qid, unit_id


# SQLAlchemy's own storage format for DateTime on SQLite (UTC, no offset);
# PostgreSQL reads it as UTC because the COPY session's time zone is set to UTC.
TIME_FORMAT = "%Y-%m-%d %H:%M:%S.%f"

RESPONSE_COLS = ("id", "submission_key", "questionnaire_id", "unit_id", "service_id",
                 "service_point_id", "channel", "submitted_at", "flagged", "fingerprint", "answers")
COMMENT_COLS = ("response_id", "text")


def populate(database_url: str, responses: int, seed: int = 2024, days: int = 365) -> float:
    """Insert `responses` synthetic responses; return the seconds it took."""
    from sqlalchemy import create_engine, text

    prepare_database(base_env(database_url))
    url = normalise_database_url(database_url)
    engine = create_engine(url)
    rng = np.random.default_rng(seed)
    q = shipped()[DEFAULT]
    start = datetime.now(timezone.utc).replace(microsecond=0) - timedelta(days=days)
    t0 = time.perf_counter()
    with engine.begin() as conn:
        catalogue = _catalogue(conn)
        items = conn.execute(text("SELECT items FROM questionnaire WHERE id = :q"), {"q": catalogue[2]}).scalar_one()
        if isinstance(items, str):  # SQLite: JSON as text
            items = json.loads(items)
        if tuple(items[:len(q.item_codes())]) != q.item_codes():
            raise RuntimeError("the questionnaire row's item list does not start with the definition's items")
        if conn.dialect.name == "postgresql":
            conn.execute(text("SET TIME ZONE 'UTC'"))
        first = (conn.execute(text("SELECT coalesce(max(id), 0) FROM response")).scalar_one() or 0) + 1
        # A bulk load: drop the rollup triggers and the whole cache instead of
        # paying one trigger call per row, and put both back in this transaction.
        for statement in rollup_triggers.drop_statements(conn.dialect.name):
            conn.exec_driver_sql(statement)
        conn.execute(text("DELETE FROM stat_cell"))
        conn.execute(text("DELETE FROM stat_day"))
        for offset in range(0, responses, CHUNK):
            write_responses(conn, rng, first + offset, min(CHUNK, responses - offset), catalogue, q, start, days)
        rollup_triggers.create(conn)
        if conn.dialect.name == "postgresql":
            conn.execute(text("SELECT setval(pg_get_serial_sequence('response', 'id'), (SELECT max(id) FROM response))"))
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM ANALYZE response"))
            conn.execute(text("VACUUM ANALYZE comment"))
    else:
        with engine.begin() as conn:
            conn.execute(text("ANALYZE"))
    engine.dispose()
    return time.perf_counter() - t0


def write_responses(conn, rng, first_id: int, n: int, catalogue, q, start: datetime, days: int) -> None:
    """Write `n` synthetic responses (ids from `first_id`) of one unit, in the storage format.

    ``catalogue`` is (service ids, counter of each service, questionnaire id,
    unit id); the city benchmark (bench/city.py) calls it once per commune.
    COPY on PostgreSQL, executemany on SQLite; the caller owns the transaction
    and the rollup triggers.
    """
    responses, comments = _rows(rng, first_id, n, catalogue, q, start, days)
    write_rows(conn, responses, comments)


def write_rows(conn, responses, comments) -> None:
    """Store rows made by `_rows` in bulk: COPY on PostgreSQL, executemany on SQLite."""
    tables = (("response", RESPONSE_COLS, responses), ("comment", COMMENT_COLS, comments))
    for table, columns, rows in tables:
        if conn.dialect.name == "postgresql":
            _copy(conn, table, columns, rows)
        else:
            conn.connection.driver_connection.executemany(
                f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})", rows)


def _copy(conn, table: str, columns: tuple[str, ...], rows) -> None:
    cursor = conn.connection.driver_connection.cursor()
    with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--responses", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=2024)
    args = parser.parse_args()
    seconds = populate(args.database_url, args.responses, args.seed)
    print(f"inserted {args.responses} responses in {seconds:.1f} s")


if __name__ == "__main__":
    main()
