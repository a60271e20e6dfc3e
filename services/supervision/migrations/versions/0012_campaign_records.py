"""Supervision: the campaign's dated records of 四统一, 五统一 and 五到位 (seed 000 §三(二)1–3).

Revision ID: 0012
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sv_campaign_records",
        sa.Column("record_id", sa.String(64), primary_key=True),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("group", sa.String(20), nullable=False),
        sa.Column("unit_code", sa.String(12), nullable=False),
        sa.Column("campaign_id", sa.String(64)),
        sa.Column("held_on", sa.Date, nullable=False),
        sa.Column("attendees", JSONB, nullable=False),
        sa.Column("content", sa.Text, nullable=False),
        sa.Column("village_codes", JSONB, nullable=False),
        sa.Column("actor", JSONB, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    )
    op.create_index("ix_sv_campaign_records_kind", "sv_campaign_records", ["kind"])
    op.create_index("ix_sv_campaign_records_unit_code", "sv_campaign_records", ["unit_code"])


def downgrade() -> None:
    op.drop_table("sv_campaign_records")
