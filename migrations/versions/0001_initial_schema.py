"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-28
"""
import sqlalchemy as sa
from alembic import op

revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table('field',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_field')),
    sa.UniqueConstraint('code', name=op.f('uq_field_code'))
    )
    op.create_table('questionnaire',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('version', sa.String(length=20), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('checksum', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_questionnaire')),
    sa.UniqueConstraint('code', 'version', name=op.f('uq_questionnaire_code_version'))
    )
    op.create_table('unit',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=20), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('parent_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['parent_id'], ['unit.id'], name=op.f('fk_unit_parent_id_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_unit')),
    sa.UniqueConstraint('code', name=op.f('uq_unit_code'))
    )
    with op.batch_alter_table('unit', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_unit_parent_id'), ['parent_id'], unique=False)

    op.create_table('service',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=20), nullable=False),
    sa.Column('name', sa.String(length=500), nullable=False),
    sa.Column('field_id', sa.Integer(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['field_id'], ['field.id'], name=op.f('fk_service_field_id_field')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_service')),
    sa.UniqueConstraint('code', name=op.f('uq_service_code'))
    )
    with op.batch_alter_table('service', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_service_field_id'), ['field_id'], unique=False)

    op.create_table('service_point',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('token', sa.String(length=43), nullable=True),
    sa.Column('kiosk_token', sa.String(length=43), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_service_point_unit_id_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_service_point')),
    sa.UniqueConstraint('kiosk_token', name=op.f('uq_service_point_kiosk_token')),
    sa.UniqueConstraint('token', name=op.f('uq_service_point_token'))
    )
    with op.batch_alter_table('service_point', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_service_point_unit_id'), ['unit_id'], unique=False)

    op.create_table('user_account',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('username', sa.String(length=80), nullable=False),
    sa.Column('password_hash', sa.String(length=255), nullable=False),
    sa.Column('role', sa.String(length=12), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_login_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_user_account_unit_id_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_user_account')),
    sa.UniqueConstraint('username', name=op.f('uq_user_account_username'))
    )
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_user_account_unit_id'), ['unit_id'], unique=False)

    op.create_table('audit_event',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('action', sa.String(length=40), nullable=False),
    sa.Column('target', sa.String(length=200), nullable=True),
    sa.Column('detail', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_audit_event_user_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_event'))
    )
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_event_at'), ['at'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_event_user_id'), ['user_id'], unique=False)

    op.create_table('response',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('submission_key', sa.String(length=36), nullable=False),
    sa.Column('questionnaire_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('service_id', sa.Integer(), nullable=False),
    sa.Column('service_point_id', sa.Integer(), nullable=True),
    sa.Column('channel', sa.String(length=12), nullable=False),
    sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('flagged', sa.Boolean(), nullable=False),
    sa.Column('flag_reason', sa.String(length=200), nullable=True),
    sa.ForeignKeyConstraint(['questionnaire_id'], ['questionnaire.id'], name=op.f('fk_response_questionnaire_id_questionnaire')),
    sa.ForeignKeyConstraint(['service_id'], ['service.id'], name=op.f('fk_response_service_id_service')),
    sa.ForeignKeyConstraint(['service_point_id'], ['service_point.id'], name=op.f('fk_response_service_point_id_service_point')),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_response_unit_id_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_response')),
    sa.UniqueConstraint('submission_key', name=op.f('uq_response_submission_key'))
    )
    with op.batch_alter_table('response', schema=None) as batch_op:
        batch_op.create_index('ix_response_point_submitted', ['service_point_id', 'submitted_at'], unique=False)
        batch_op.create_index('ix_response_service_submitted', ['service_id', 'submitted_at'], unique=False)
        batch_op.create_index('ix_response_unit_submitted', ['unit_id', 'submitted_at'], unique=False)

    op.create_table('service_point_service',
    sa.Column('service_point_id', sa.Integer(), nullable=False),
    sa.Column('service_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['service_id'], ['service.id'], name=op.f('fk_service_point_service_service_id_service'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['service_point_id'], ['service_point.id'], name=op.f('fk_service_point_service_service_point_id_service_point'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('service_point_id', 'service_id', name=op.f('pk_service_point_service'))
    )
    op.create_table('answer',
    sa.Column('response_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('item_code', sa.String(length=16), nullable=False),
    sa.Column('value', sa.SmallInteger(), nullable=False),
    sa.ForeignKeyConstraint(['response_id'], ['response.id'], name=op.f('fk_answer_response_id_response'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('response_id', 'item_code', name=op.f('pk_answer'))
    )
    op.create_table('comment',
    sa.Column('response_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('element_code', sa.String(length=8), nullable=True),
    sa.ForeignKeyConstraint(['response_id'], ['response.id'], name=op.f('fk_comment_response_id_response'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('response_id', name=op.f('pk_comment'))
    )



def downgrade() -> None:

    op.drop_table('comment')
    op.drop_table('answer')
    op.drop_table('service_point_service')
    with op.batch_alter_table('response', schema=None) as batch_op:
        batch_op.drop_index('ix_response_unit_submitted')
        batch_op.drop_index('ix_response_service_submitted')
        batch_op.drop_index('ix_response_point_submitted')

    op.drop_table('response')
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_event_user_id'))
        batch_op.drop_index(batch_op.f('ix_audit_event_at'))

    op.drop_table('audit_event')
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_user_account_unit_id'))

    op.drop_table('user_account')
    with op.batch_alter_table('service_point', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_service_point_unit_id'))

    op.drop_table('service_point')
    with op.batch_alter_table('service', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_service_field_id'))

    op.drop_table('service')
    with op.batch_alter_table('unit', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_unit_parent_id'))

    op.drop_table('unit')
    op.drop_table('questionnaire')
    op.drop_table('field')

