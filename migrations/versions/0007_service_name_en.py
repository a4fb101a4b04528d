"""service.name_en: an optional English name per procedure, shown on the English form

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01
"""
import sqlalchemy as sa
from alembic import op

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('service', schema=None) as batch_op:
        batch_op.add_column(sa.Column('name_en', sa.String(length=500), server_default='', nullable=False))


def downgrade() -> None:
    with op.batch_alter_table('service', schema=None) as batch_op:
        batch_op.drop_column('name_en')
