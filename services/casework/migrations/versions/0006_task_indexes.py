"""Casework: indexes for the to-do list (GET /tasks), which asks per case whether it has an entry of a kind (the team
stationed, the contact leader named, this month's visits) and which cases have a measure naming a login.

Revision ID: 0006
"""
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_case_entries_case_kind", "case_entries", ["case_id", "kind", "occurred_on"])
    op.execute("CREATE INDEX ix_case_entries_responsible ON case_entries ((data->>'responsible_user_id')) "
               "WHERE kind = 'measure_planned'")


def downgrade() -> None:
    op.drop_index("ix_case_entries_responsible", "case_entries")
    op.drop_index("ix_case_entries_case_kind", "case_entries")
