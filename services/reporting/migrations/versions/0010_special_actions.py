"""Reporting: a township's special actions, their task tables (附件1), the items done, and its branches' organization-life meetings (seed 004).

Revision ID: 0010
"""
import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "rm_special_action",
        sa.Column("action_id", sa.String(80), primary_key=True),
        sa.Column("township_code", sa.String(12), nullable=False),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("starts_on", sa.Date, nullable=False),
        sa.Column("ends_on", sa.Date, nullable=False),
        sa.Column("items", sa.Integer, nullable=False),
        sa.Column("pilots", sa.Integer, nullable=False),
    )
    op.create_index("ix_rm_special_action_township_code", "rm_special_action", ["township_code"])
    op.create_table(
        "rm_special_action_item",
        sa.Column("item_id", sa.String(80), primary_key=True),
        sa.Column("action_id", sa.String(80), nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("project", sa.Text, nullable=False),
        sa.Column("requirement", sa.Text, nullable=False),
        sa.Column("time_node", sa.Text, nullable=False),
        sa.Column("due_on", sa.Date, nullable=False),
        sa.Column("responsible_name", sa.String(100), nullable=False),
    )
    op.create_index("ix_rm_special_action_item_action_id", "rm_special_action_item", ["action_id"])
    op.create_table(
        "rm_special_action_item_done",
        sa.Column("item_id", sa.String(80), primary_key=True),
        sa.Column("action_id", sa.String(80), nullable=False),
        sa.Column("done_on", sa.Date, nullable=False),
    )
    op.create_index("ix_rm_special_action_item_done_action_id", "rm_special_action_item_done", ["action_id"])
    op.create_table(
        "rm_org_life_meeting",
        sa.Column("meeting_id", sa.String(80), primary_key=True),
        sa.Column("branch_code", sa.String(12), nullable=False),
        sa.Column("kind", sa.String(30), nullable=False),
        sa.Column("held_on", sa.Date, nullable=False),
    )
    op.create_index("ix_rm_org_life_meeting_branch_code", "rm_org_life_meeting", ["branch_code"])


def downgrade() -> None:
    for table in ("rm_org_life_meeting", "rm_special_action_item_done", "rm_special_action_item", "rm_special_action"):
        op.drop_table(table)
