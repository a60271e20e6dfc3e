"""Supervision's copy of confirmed county lists and their filings (备案), for the filing-date rule.

Revision ID: 0013
"""
import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sv_county_lists",
        sa.Column("campaign_id", sa.String(64), primary_key=True),
        sa.Column("county_code", sa.String(12), primary_key=True),
        sa.Column("confirmed_on", sa.Date, nullable=False),
        sa.Column("event_id", sa.String(80), nullable=False),
    )
    op.create_table(
        "sv_county_filings",
        sa.Column("campaign_id", sa.String(64), primary_key=True),
        sa.Column("county_code", sa.String(12), primary_key=True),
        sa.Column("filing_date", sa.Date, primary_key=True),
        sa.Column("filed_on", sa.Date, nullable=False),
        sa.Column("event_id", sa.String(80), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("sv_county_filings")
    op.drop_table("sv_county_lists")
