"""Supervision: a case keeps the deadline of the county secretary's supervision by name (挂牌督办).

Revision ID: 0009
"""
import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("sv_cases", sa.Column("supervision_deadline", sa.Date))
    op.add_column("sv_cases", sa.Column("supervisor_name", sa.String(100)))
    op.add_column("sv_cases", sa.Column("supervisor_user_id", sa.String(64)))
    op.add_column("sv_cases", sa.Column("supervision_event", sa.String(80)))


def downgrade() -> None:
    for column in ("supervision_event", "supervisor_user_id", "supervisor_name", "supervision_deadline"):
        op.drop_column("sv_cases", column)
