"""Database triggers that drop a unit-day's rollup marker whenever its responses change.

The rollup cache (`stat_cell`, `stat_day`) is derived from `response`, whose
`answers` column holds every answer of a response (migration 0013; before
it, a row per answer in the `answer` table, which had triggers of its own).
Every writer — the app, a bulk `UPDATE`, `psql`, an import tool — passes
through these triggers, so none can leave a stored day stale: an insert,
update or delete of a response (its answers included) deletes the
`stat_day` markers of the (unit, Vietnam-local day) it touches, before and
after the change. Readers trust cells only for marked days (survey/results/selection.py)
and a build deletes a day's old cells before storing new ones, so dropping
the marker is enough.

A build and a late write for the same unit must not interleave (the build
would store a marker for a day it read before the write). On PostgreSQL the
trigger takes the same transaction-scoped advisory lock as the build
(`LOCK_CLASS`, unit id; survey/results/rollup.py); on SQLite the build holds
the single write lock from its first read (`BEGIN IMMEDIATE`). A day that is
not over yet, by the database clock plus an hour of margin, is never stored,
so PostgreSQL skips the lock for it: today's submissions never wait for a build.

Used by migrations 0008 and 0013 and by `Base.metadata`'s after-create hook
(tests and `create_all` get the triggers too). SQLite drops a table's
triggers when a batch migration rebuilds it: a migration that batch-alters
`response` must call `create()` again (tests/test_migrations.py checks head).
The `answer` table's triggers (`answer_table=True`) are for the migrations
that run while it exists: 0008 creates them, 0013's downgrade restores them.
"""
from __future__ import annotations

from sqlalchemy.engine import Connection

LOCK_CLASS = 7310  # first key of pg_advisory_xact_lock(class, unit), shared with the build
NAMES = ("rollup_response_insert", "rollup_response_update", "rollup_response_delete")
ANSWER_NAMES = ("rollup_answer_insert", "rollup_answer_update", "rollup_answer_delete")

# Vietnam is UTC+7 all year (as survey/results/packed.py); stat_day.day is 'YYYY-MM-DD'.
_SQLITE_DAY = "date({at}, '+7 hours')"
_SQLITE_FORGET = ("DELETE FROM stat_day WHERE unit_id = {unit} AND day = " + _SQLITE_DAY + ";")
_SQLITE_FORGET_ANSWER = ("DELETE FROM stat_day WHERE (unit_id, day) IN (SELECT unit_id, "
                         + _SQLITE_DAY.format(at="submitted_at") + " FROM response WHERE id = {row}.response_id);")

SQLITE_RESPONSE = [
    "CREATE TRIGGER rollup_response_insert AFTER INSERT ON response BEGIN "
    + _SQLITE_FORGET.format(unit="NEW.unit_id", at="NEW.submitted_at") + " END",
    "CREATE TRIGGER rollup_response_update AFTER UPDATE ON response BEGIN "
    + _SQLITE_FORGET.format(unit="OLD.unit_id", at="OLD.submitted_at") + " "
    + _SQLITE_FORGET.format(unit="NEW.unit_id", at="NEW.submitted_at") + " END",
    "CREATE TRIGGER rollup_response_delete AFTER DELETE ON response BEGIN "
    + _SQLITE_FORGET.format(unit="OLD.unit_id", at="OLD.submitted_at") + " END",
]
SQLITE_ANSWER = [
    "CREATE TRIGGER rollup_answer_insert AFTER INSERT ON answer BEGIN "
    + _SQLITE_FORGET_ANSWER.format(row="NEW") + " END",
    "CREATE TRIGGER rollup_answer_update AFTER UPDATE ON answer BEGIN "
    + _SQLITE_FORGET_ANSWER.format(row="OLD") + " " + _SQLITE_FORGET_ANSWER.format(row="NEW") + " END",
    "CREATE TRIGGER rollup_answer_delete AFTER DELETE ON answer BEGIN "
    + _SQLITE_FORGET_ANSWER.format(row="OLD") + " END",
]

POSTGRESQL_RESPONSE = [
    f"""
CREATE OR REPLACE FUNCTION sipas_rollup_forget(p_unit bigint, p_at timestamptz) RETURNS void AS $$
DECLARE
    d date := ((p_at AT TIME ZONE 'UTC') + interval '7 hours')::date;
BEGIN
    IF p_unit IS NULL OR p_at IS NULL
       OR d >= ((clock_timestamp() AT TIME ZONE 'UTC') + interval '8 hours')::date THEN
        RETURN;  -- a day not over yet is never stored: no lock, no delete
    END IF;
    PERFORM pg_advisory_xact_lock({LOCK_CLASS}, p_unit::integer);
    DELETE FROM stat_day WHERE unit_id = p_unit AND day = d;
END $$ LANGUAGE plpgsql""",
    """
CREATE OR REPLACE FUNCTION sipas_rollup_response() RETURNS trigger AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        PERFORM sipas_rollup_forget(OLD.unit_id, OLD.submitted_at);
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        PERFORM sipas_rollup_forget(NEW.unit_id, NEW.submitted_at);
    END IF;
    RETURN NULL;
END $$ LANGUAGE plpgsql""",
    "CREATE TRIGGER rollup_response_insert AFTER INSERT ON response "
    "FOR EACH ROW EXECUTE FUNCTION sipas_rollup_response()",
    "CREATE TRIGGER rollup_response_update AFTER UPDATE ON response "
    "FOR EACH ROW EXECUTE FUNCTION sipas_rollup_response()",
    "CREATE TRIGGER rollup_response_delete AFTER DELETE ON response "
    "FOR EACH ROW EXECUTE FUNCTION sipas_rollup_response()",
]
POSTGRESQL_ANSWER = [
    # Statement level with transition tables: a submission's answers arrive in
    # one INSERT, so the trigger runs once per submission, not once per item.
    """
CREATE OR REPLACE FUNCTION sipas_rollup_answer() RETURNS trigger AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        PERFORM sipas_rollup_forget(r.unit_id, r.submitted_at)
        FROM (SELECT DISTINCT response.unit_id, response.submitted_at FROM response
              WHERE response.id IN (SELECT response_id FROM old_rows) ORDER BY 1) AS r;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        PERFORM sipas_rollup_forget(r.unit_id, r.submitted_at)
        FROM (SELECT DISTINCT response.unit_id, response.submitted_at FROM response
              WHERE response.id IN (SELECT response_id FROM new_rows) ORDER BY 1) AS r;
    END IF;
    RETURN NULL;
END $$ LANGUAGE plpgsql""",
    "CREATE TRIGGER rollup_answer_insert AFTER INSERT ON answer REFERENCING NEW TABLE AS new_rows "
    "FOR EACH STATEMENT EXECUTE FUNCTION sipas_rollup_answer()",
    "CREATE TRIGGER rollup_answer_update AFTER UPDATE ON answer "
    "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows "
    "FOR EACH STATEMENT EXECUTE FUNCTION sipas_rollup_answer()",
    "CREATE TRIGGER rollup_answer_delete AFTER DELETE ON answer REFERENCING OLD TABLE AS old_rows "
    "FOR EACH STATEMENT EXECUTE FUNCTION sipas_rollup_answer()",
]


def create_statements(dialect: str, answer_table: bool = False) -> list[str]:
    """The DDL that installs the triggers on this database (with the `answer` table's, if asked)."""
    if dialect == "sqlite":
        return SQLITE_RESPONSE + (SQLITE_ANSWER if answer_table else [])
    return POSTGRESQL_RESPONSE + (POSTGRESQL_ANSWER if answer_table else [])


def drop_statements(dialect: str, answer_table: bool = False) -> list[str]:
    """The DDL that removes them again (downgrade)."""
    names = [(name, "response") for name in NAMES] + [(name, "answer") for name in ANSWER_NAMES if answer_table]
    if dialect == "sqlite":
        return [f"DROP TRIGGER IF EXISTS {name}" for name, _table in names]
    return [f"DROP TRIGGER IF EXISTS {name} ON {table}" for name, table in names] + [
        *(["DROP FUNCTION IF EXISTS sipas_rollup_answer()"] if answer_table else []),
        "DROP FUNCTION IF EXISTS sipas_rollup_response()",
        "DROP FUNCTION IF EXISTS sipas_rollup_forget(bigint, timestamptz)"]


def create(conn: Connection, answer_table: bool = False) -> None:
    """Install the triggers (replacing any present) on `conn`'s database."""
    dialect = conn.dialect.name
    for statement in drop_statements(dialect, answer_table) + create_statements(dialect, answer_table):
        conn.exec_driver_sql(statement)


def installed(conn: Connection) -> set[str]:
    """Names of the rollup triggers present on `conn`'s database."""
    if conn.dialect.name == "sqlite":
        sql = "SELECT name FROM sqlite_master WHERE type = 'trigger'"
    else:
        sql = "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal"
    return {name for (name,) in conn.exec_driver_sql(sql)} & set(NAMES + ANSWER_NAMES)
