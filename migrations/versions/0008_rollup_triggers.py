"""Rollup markers dropped by database triggers on response and answer

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01
"""
from alembic import op

from survey.models import rollup_triggers

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # The triggers delete markers by (unit, day), whatever questionnaire and method.
    op.create_index('ix_stat_day_unit_day', 'stat_day', ['unit_id', 'day'], unique=False)
    # The cache was kept by the app alone until now: a day changed behind its
    # back may be stale, so rebuild from scratch (`sipas results rollup --missing`).
    op.execute("DELETE FROM stat_cell")
    op.execute("DELETE FROM stat_day")
    rollup_triggers.create(op.get_bind(), answer_table=True)


def downgrade() -> None:
    bind = op.get_bind()
    for statement in rollup_triggers.drop_statements(bind.dialect.name, answer_table=True):
        op.execute(statement)
    op.drop_index('ix_stat_day_unit_day', table_name='stat_day')
