"""Evidence files (zhengdun.attachments) of inspections and accountability decisions, and their references
on those records. The files are append-only: the database refuses UPDATE and DELETE.

Revision ID: 0014
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from zhengdun.attachments import create_attachments_table, drop_attachments_table

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_attachments_table("sv_attachments")
    for table in ("sv_inspections", "sv_accountability"):
        op.add_column(table, sa.Column("attachments", postgresql.JSONB, nullable=False, server_default="[]"))


def downgrade() -> None:
    for table in ("sv_accountability", "sv_inspections"):
        op.drop_column(table, "attachments")
    drop_attachments_table("sv_attachments")
