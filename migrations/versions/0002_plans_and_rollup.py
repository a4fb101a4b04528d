"""plans, sampling frame, invitations, paper forms, rollup cache

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29
"""
import sqlalchemy as sa
from alembic import op

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table('plan',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('basis', sa.Text(), nullable=False),
    sa.Column('questionnaire_code', sa.String(length=40), nullable=False),
    sa.Column('questionnaire_version', sa.String(length=20), nullable=False),
    sa.Column('start_date', sa.Date(), nullable=False),
    sa.Column('end_date', sa.Date(), nullable=False),
    sa.Column('target_margin', sa.Float(), nullable=False),
    sa.Column('conf_level', sa.Float(), nullable=False),
    sa.Column('sizing_method', sa.String(length=12), nullable=False),
    sa.Column('allocation', sa.String(length=12), nullable=False),
    sa.Column('expected_share', sa.Float(), nullable=False),
    sa.Column('index_method', sa.String(length=12), nullable=False),
    sa.Column('interval_method', sa.String(length=12), nullable=False),
    sa.Column('seed', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_plan_unit_id_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_plan'))
    )
    with op.batch_alter_table('plan', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_plan_unit_id'), ['unit_id'], unique=False)

    op.create_table('stat_day',
    sa.Column('questionnaire_id', sa.Integer(), nullable=False),
    sa.Column('method', sa.String(length=12), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.ForeignKeyConstraint(['questionnaire_id'], ['questionnaire.id'], name=op.f('fk_stat_day_questionnaire_id_questionnaire'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_stat_day_unit_id_unit'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('questionnaire_id', 'method', 'unit_id', 'day', name=op.f('pk_stat_day'))
    )
    op.create_table('dossier',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=60), nullable=False),
    sa.Column('service_id', sa.Integer(), nullable=False),
    sa.Column('received_on', sa.Date(), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=True),
    sa.Column('returned_on', sa.Date(), nullable=True),
    sa.Column('channel', sa.String(length=16), nullable=True),
    sa.Column('paid_online', sa.Boolean(), nullable=True),
    sa.Column('imported_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['service_id'], ['service.id'], name=op.f('fk_dossier_service_id_service')),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_dossier_unit_id_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_dossier')),
    sa.UniqueConstraint('unit_id', 'code', name=op.f('uq_dossier_unit_id_code'))
    )
    with op.batch_alter_table('dossier', schema=None) as batch_op:
        batch_op.create_index('ix_dossier_unit_service_received', ['unit_id', 'service_id', 'received_on'], unique=False)

    op.create_table('invitation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('plan_id', sa.Integer(), nullable=False),
    sa.Column('service_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=8), nullable=False),
    sa.Column('source', sa.String(length=8), nullable=False),
    sa.Column('issued_on', sa.Date(), nullable=False),
    sa.Column('expires_on', sa.Date(), nullable=False),
    sa.Column('used', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['plan_id'], ['plan.id'], name=op.f('fk_invitation_plan_id_plan'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['service_id'], ['service.id'], name=op.f('fk_invitation_service_id_service')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_invitation')),
    sa.UniqueConstraint('code', name=op.f('uq_invitation_code'))
    )
    with op.batch_alter_table('invitation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_invitation_plan_id'), ['plan_id'], unique=False)

    op.create_table('paper_form',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('plan_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=20), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.ForeignKeyConstraint(['plan_id'], ['plan.id'], name=op.f('fk_paper_form_plan_id_plan'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_paper_form')),
    sa.UniqueConstraint('plan_id', 'number', name=op.f('uq_paper_form_plan_id_number'))
    )
    with op.batch_alter_table('paper_form', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_paper_form_plan_id'), ['plan_id'], unique=False)

    op.create_table('plan_service',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('plan_id', sa.Integer(), nullable=False),
    sa.Column('service_id', sa.Integer(), nullable=False),
    sa.Column('frame_size', sa.Integer(), nullable=False),
    sa.Column('target', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['plan_id'], ['plan.id'], name=op.f('fk_plan_service_plan_id_plan'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['service_id'], ['service.id'], name=op.f('fk_plan_service_service_id_service')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_plan_service')),
    sa.UniqueConstraint('plan_id', 'service_id', name=op.f('uq_plan_service_plan_id_service_id'))
    )
    with op.batch_alter_table('plan_service', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_plan_service_plan_id'), ['plan_id'], unique=False)

    op.create_table('stat_cell',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('questionnaire_id', sa.Integer(), nullable=False),
    sa.Column('method', sa.String(length=12), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('service_id', sa.Integer(), nullable=False),
    sa.Column('service_point_id', sa.Integer(), nullable=True),
    sa.Column('channel', sa.String(length=12), nullable=False),
    sa.Column('flagged', sa.Boolean(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('n', sa.Integer(), nullable=False),
    sa.Column('payload', sa.LargeBinary(), nullable=False),
    sa.ForeignKeyConstraint(['questionnaire_id'], ['questionnaire.id'], name=op.f('fk_stat_cell_questionnaire_id_questionnaire'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['service_id'], ['service.id'], name=op.f('fk_stat_cell_service_id_service'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['service_point_id'], ['service_point.id'], name=op.f('fk_stat_cell_service_point_id_service_point'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_stat_cell_unit_id_unit'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_stat_cell'))
    )
    with op.batch_alter_table('stat_cell', schema=None) as batch_op:
        batch_op.create_index('ix_stat_cell_unit_day', ['unit_id', 'questionnaire_id', 'method', 'day'], unique=False)

    op.create_table('paper_entry',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('form_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('payload', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['form_id'], ['paper_form.id'], name=op.f('fk_paper_entry_form_id_paper_form'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_paper_entry_user_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_paper_entry'))
    )
    with op.batch_alter_table('paper_entry', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_paper_entry_form_id'), ['form_id'], unique=False)

    op.create_table('sampled_dossier',
    sa.Column('plan_id', sa.Integer(), nullable=False),
    sa.Column('dossier_id', sa.Integer(), nullable=False),
    sa.Column('draw_order', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['dossier_id'], ['dossier.id'], name=op.f('fk_sampled_dossier_dossier_id_dossier'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['plan_id'], ['plan.id'], name=op.f('fk_sampled_dossier_plan_id_plan'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('plan_id', 'dossier_id', name=op.f('pk_sampled_dossier'))
    )



def downgrade() -> None:

    op.drop_table('sampled_dossier')
    with op.batch_alter_table('paper_entry', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_paper_entry_form_id'))

    op.drop_table('paper_entry')
    with op.batch_alter_table('stat_cell', schema=None) as batch_op:
        batch_op.drop_index('ix_stat_cell_unit_day')

    op.drop_table('stat_cell')
    with op.batch_alter_table('plan_service', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_plan_service_plan_id'))

    op.drop_table('plan_service')
    with op.batch_alter_table('paper_form', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_paper_form_plan_id'))

    op.drop_table('paper_form')
    with op.batch_alter_table('invitation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_invitation_plan_id'))

    op.drop_table('invitation')
    with op.batch_alter_table('dossier', schema=None) as batch_op:
        batch_op.drop_index('ix_dossier_unit_service_received')

    op.drop_table('dossier')
    op.drop_table('stat_day')
    with op.batch_alter_table('plan', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_plan_unit_id'))

    op.drop_table('plan')

