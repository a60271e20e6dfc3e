"""Supervision: evidence files of a special action's progress (the file references a record rests on).

Revision ID: 0019
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("sv_special_action_progress",
                  sa.Column("attachments", JSONB, nullable=False, server_default="[]"))


def downgrade() -> None:
    op.drop_column("sv_special_action_progress", "attachments")
