"""Reporting: the pilot villages of each special action and each branch's supervision ratings (seed 004 附件2), for
the year-end appraisal export (年终考核).

Revision ID: 0011
"""
import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "rm_special_action_pilot",
        sa.Column("action_id", sa.String(80), primary_key=True),
        sa.Column("village_code", sa.String(12), primary_key=True),
    )
    op.create_index("ix_rm_special_action_pilot_village_code", "rm_special_action_pilot", ["village_code"])
    op.create_table(
        "rm_special_action_rating",
        sa.Column("supervision_id", sa.String(80), primary_key=True),
        sa.Column("branch_code", sa.String(12), primary_key=True),
        sa.Column("mode", sa.String(20), nullable=False),
        sa.Column("held_on", sa.Date, nullable=False),
        sa.Column("rating", sa.String(20), nullable=False),
    )
    op.create_index("ix_rm_special_action_rating_branch_code", "rm_special_action_rating", ["branch_code"])


def downgrade() -> None:
    for table in ("rm_special_action_rating", "rm_special_action_pilot"):
        op.drop_table(table)
