"""index responses by questionnaire version, unit and time

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-01

A results page asks, for every questionnaire version, each unit's first
response (survey/results/plan.py). Through `ix_response_unit_submitted` that
is one index seek per unit only when the version has responses there: for a
version a unit never used, the seek walks the unit's every response, a
city's million rows for one empty form. This index answers both in a seek.
"""
from alembic import op

revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_response_questionnaire_unit_submitted", "response",
                    ["questionnaire_id", "unit_id", "submitted_at"])


def downgrade() -> None:
    op.drop_index("ix_response_questionnaire_unit_submitted", table_name="response")
