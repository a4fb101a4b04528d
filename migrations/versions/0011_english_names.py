"""unit.name_en, service_point.name_en: optional English names, shown on the English form and public page

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-01
"""
import sqlalchemy as sa
from alembic import op

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    for table in ('unit', 'service_point'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('name_en', sa.String(length=200), server_default='', nullable=False))


def downgrade() -> None:
    for table in ('service_point', 'unit'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column('name_en')
