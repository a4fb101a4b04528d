"""stat_month_cell, stat_month_day: month cells summed from day cells, dropped with any of their days

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-01
"""
import sqlalchemy as sa
from alembic import op

from survey.models.rollup import SQLITE_MONTH_TRIGGER

revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None

BigIntPK = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        'stat_month_cell',
        sa.Column('id', BigIntPK, nullable=False),
        sa.Column('questionnaire_id', sa.Integer(), nullable=False),
        sa.Column('method', sa.String(length=12), nullable=False),
        sa.Column('unit_id', sa.Integer(), nullable=False),
        sa.Column('service_id', sa.Integer(), nullable=False),
        sa.Column('service_point_id', sa.Integer(), nullable=True),
        sa.Column('channel', sa.String(length=12), nullable=False),
        sa.Column('flagged', sa.Boolean(), nullable=False),
        sa.Column('month', sa.Date(), nullable=False),
        sa.Column('n', sa.Integer(), nullable=False),
        sa.Column('payload', sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(['questionnaire_id'], ['questionnaire.id'], name=op.f('fk_stat_month_cell_questionnaire_id_questionnaire'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['service_id'], ['service.id'], name=op.f('fk_stat_month_cell_service_id_service'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['service_point_id'], ['service_point.id'], name=op.f('fk_stat_month_cell_service_point_id_service_point'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_stat_month_cell_unit_id_unit'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_stat_month_cell')),
    )
    op.create_index('ix_stat_month_cell_unit_month', 'stat_month_cell',
                    ['unit_id', 'questionnaire_id', 'method', 'month'], unique=False)
    # Each row cascades from its day's marker: a write that drops the marker
    # (rollup triggers, migration 0008) drops the month's completeness with it.
    op.create_table(
        'stat_month_day',
        sa.Column('questionnaire_id', sa.Integer(), nullable=False),
        sa.Column('method', sa.String(length=12), nullable=False),
        sa.Column('unit_id', sa.Integer(), nullable=False),
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('month', sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(['questionnaire_id', 'method', 'unit_id', 'day'],
                                ['stat_day.questionnaire_id', 'stat_day.method', 'stat_day.unit_id', 'stat_day.day'],
                                name=op.f('fk_stat_month_day_questionnaire_id_stat_day'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('questionnaire_id', 'method', 'unit_id', 'day', name=op.f('pk_stat_month_day')),
    )
    op.create_index('ix_stat_month_day_month', 'stat_month_day',
                    ['unit_id', 'questionnaire_id', 'method', 'month'], unique=False)
    if op.get_bind().dialect.name == 'sqlite':
        op.execute(SQLITE_MONTH_TRIGGER)


def downgrade() -> None:
    if op.get_bind().dialect.name == 'sqlite':
        op.execute("DROP TRIGGER IF EXISTS rollup_month_forget")
    op.drop_index('ix_stat_month_day_month', table_name='stat_month_day')
    op.drop_table('stat_month_day')
    op.drop_index('ix_stat_month_cell_unit_month', table_name='stat_month_cell')
    op.drop_table('stat_month_cell')
