"""Supervision's copy of screening samples (county review and city spot check ratios).

Revision ID: 0004
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sv_screening_samples",
        sa.Column("event_id", sa.String(80), primary_key=True),
        sa.Column("campaign_id", sa.String(64), nullable=False),
        sa.Column("round_id", sa.String(64), nullable=False),
        sa.Column("purpose", sa.String(40), nullable=False),
        sa.Column("division_code", sa.String(12), nullable=False),
        sa.Column("population", postgresql.JSONB, nullable=False),
        sa.Column("chosen", postgresql.JSONB, nullable=False),
    )
    op.create_index("ix_sv_screening_samples_division_code", "sv_screening_samples", ["division_code"])


def downgrade() -> None:
    op.drop_table("sv_screening_samples")
