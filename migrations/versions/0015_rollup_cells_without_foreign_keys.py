"""rollup cells without foreign keys; their payloads compressed with lz4 where PostgreSQL has it

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-01

A city's year is ~400,000 day cells, and PostgreSQL checks each foreign key
of each inserted row with its own query: four per cell, 60-100 µs per cell
measured, more than everything else the build does (BENCHMARKS.md, "City of
114 communes"). The keys protected nothing a reader relies on. Cells are
read only for the days and months whose markers (`stat_day`,
`stat_month_day`) are there, and those keep their foreign keys: deleting a
unit or a questionnaire drops its markers, so its cells are never read
again (`sipas restore` empties the cache; the app deletes no unit, service,
counter or questionnaire). A marked day's cells name only services and
counters that its responses name, and `response` keeps its own keys.

lz4 (PostgreSQL 14+, when built with it) compresses a 2.3 KB payload in a
fraction of pglz's time; the payloads take ~2-3 times the space (~500
instead of ~150 bytes), still a small part of the responses' own size.
"""
from alembic import op

revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None

PARENTS = (("questionnaire_id", "questionnaire"), ("service_id", "service"),
           ("service_point_id", "service_point"), ("unit_id", "unit"))
TABLES = ("stat_cell", "stat_month_cell")
_HAS_LZ4 = ("SELECT 1 FROM pg_settings WHERE name = 'default_toast_compression' "
            "AND 'lz4' = ANY(enumvals)")


def upgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table) as batch:  # SQLite rebuilds the table
            for column, parent in PARENTS:
                batch.drop_constraint(f"fk_{table}_{column}_{parent}", type_="foreignkey")
    bind = op.get_bind()
    if bind.dialect.name == "postgresql" and bind.exec_driver_sql(_HAS_LZ4).first():
        for table in TABLES:
            op.execute(f"ALTER TABLE {table} ALTER COLUMN payload SET COMPRESSION lz4")


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql" and bind.exec_driver_sql(_HAS_LZ4).first():
        for table in TABLES:
            op.execute(f"ALTER TABLE {table} ALTER COLUMN payload SET COMPRESSION default")
    for table in TABLES:
        with op.batch_alter_table(table) as batch:
            for column, parent in PARENTS:
                batch.create_foreign_key(f"fk_{table}_{column}_{parent}", parent, [column], ["id"],
                                         ondelete="CASCADE")
