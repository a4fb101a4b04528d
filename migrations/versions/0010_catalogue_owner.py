"""catalogue owner: a field or procedure belongs to the unit that added it (NULL = shared, national)

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01
"""
import sqlalchemy as sa
from alembic import op

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    for table in ('field', 'service'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('unit_id', sa.Integer(), nullable=True))
            batch_op.create_index(batch_op.f(f'ix_{table}_unit_id'), ['unit_id'], unique=False)
            batch_op.create_foreign_key(batch_op.f(f'fk_{table}_unit_id_unit'), 'unit', ['unit_id'], ['id'])


def downgrade() -> None:
    for table in ('service', 'field'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(batch_op.f(f'fk_{table}_unit_id_unit'), type_='foreignkey')
            batch_op.drop_index(batch_op.f(f'ix_{table}_unit_id'))
            batch_op.drop_column('unit_id')
