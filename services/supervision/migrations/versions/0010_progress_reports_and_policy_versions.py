"""Supervision: the cases' progress reports to the county (每两个月报送), and the policy version every alert and
accountability decision applied.

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
        "sv_progress_reports",
        sa.Column("report_id", sa.String(64), primary_key=True),
        sa.Column("campaign_id", sa.String(64), nullable=False),
        sa.Column("village_code", sa.String(12), nullable=False),
        sa.Column("period_start", sa.Date, nullable=False),
        sa.Column("period_end", sa.Date, nullable=False),
        sa.Column("filed_on", sa.Date, nullable=False),
        sa.Column("policy_version", sa.Integer, nullable=False),
        sa.Column("event_id", sa.String(80), nullable=False),
    )
    op.create_index("ix_sv_progress_reports_village_code", "sv_progress_reports", ["village_code"])
    op.add_column("sv_alerts", sa.Column("policy_version", sa.Integer))
    op.add_column("sv_accountability", sa.Column("campaign_id", sa.String(64)))
    op.add_column("sv_accountability", sa.Column("policy_version", sa.Integer))


def downgrade() -> None:
    op.drop_column("sv_accountability", "policy_version")
    op.drop_column("sv_accountability", "campaign_id")
    op.drop_column("sv_alerts", "policy_version")
    op.drop_table("sv_progress_reports")
