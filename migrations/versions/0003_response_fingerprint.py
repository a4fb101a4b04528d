"""response.fingerprint: the duplicate check compares a hash, not every answer

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-29
"""
import sqlalchemy as sa
from alembic import op

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Nullable and not back-filled: fingerprints are only compared within the
    # duplicate window (minutes), so older responses never need one.
    with op.batch_alter_table('response', schema=None) as batch_op:
        batch_op.add_column(sa.Column('fingerprint', sa.String(length=32), nullable=True))
        batch_op.create_index('ix_response_fingerprint_submitted', ['fingerprint', 'submitted_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('response', schema=None) as batch_op:
        batch_op.drop_index('ix_response_fingerprint_submitted')
        batch_op.drop_column('fingerprint')
