"""plan: the report's number, drafting office, signer and recipients

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01
"""
import sqlalchemy as sa
from alembic import op

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None

COLUMNS = (
    ('report_number', sa.String(length=20), ''),
    ('report_office', sa.String(length=200), ''),
    ('signer_title', sa.String(length=100), 'CHỦ TỊCH'),
    ('signer_name', sa.String(length=100), ''),
    ('report_recipients', sa.Text(), ''),
)


def upgrade() -> None:
    # Server defaults fill existing plans, so their reports keep the blanks to be filled by hand.
    with op.batch_alter_table('plan', schema=None) as batch_op:
        for name, kind, default in COLUMNS:
            batch_op.add_column(sa.Column(name, kind, nullable=False, server_default=default))


def downgrade() -> None:
    with op.batch_alter_table('plan', schema=None) as batch_op:
        for name, _kind, _default in reversed(COLUMNS):
            batch_op.drop_column(name)
