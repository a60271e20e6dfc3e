"""Reporting: screening's spot checks and the falsifications they found, for the city's circular (通报).

Revision ID: 0005
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "rm_spot_check",
        sa.Column("event_id", sa.String(80), primary_key=True),
        sa.Column("campaign_id", sa.String(80), nullable=False),
        sa.Column("round_id", sa.String(80), nullable=False),
        sa.Column("stage", sa.String(20), nullable=False),
        sa.Column("checked_by_code", sa.String(12), nullable=False),
        sa.Column("checked_code", sa.String(12), nullable=False),
        sa.Column("findings", postgresql.JSONB, nullable=False),
        sa.Column("checked_on", sa.Date, nullable=False),
        sa.Column("late", sa.Boolean, nullable=False),
    )
    op.create_index("ix_rm_spot_check_checked_code", "rm_spot_check", ["checked_code"])
    op.create_table(
        "rm_falsification",
        sa.Column("event_id", sa.String(80), primary_key=True),
        sa.Column("campaign_id", sa.String(80), nullable=False),
        sa.Column("round_id", sa.String(80), nullable=False),
        sa.Column("village_code", sa.String(12), nullable=False),
        sa.Column("township_code", sa.String(12), nullable=False),
        sa.Column("county_code", sa.String(12), nullable=False),
        sa.Column("found_by_code", sa.String(12), nullable=False),
        sa.Column("note", sa.Text, nullable=False),
        sa.Column("found_on", sa.Date, nullable=False),
    )
    op.create_index("ix_rm_falsification_village_code", "rm_falsification", ["village_code"])


def downgrade() -> None:
    op.drop_table("rm_falsification")
    op.drop_table("rm_spot_check")
