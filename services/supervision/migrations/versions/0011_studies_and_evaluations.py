"""Supervision: the county's continued-phase studies (from casework), and each evaluation's study, campaign and
policy version.

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
        "sv_studies",
        sa.Column("study_id", sa.String(64), primary_key=True),
        sa.Column("campaign_id", sa.String(64), nullable=False),
        sa.Column("village_code", sa.String(12), nullable=False),
        sa.Column("township_code", sa.String(12), nullable=False),
        sa.Column("county_code", sa.String(12), nullable=False),
        sa.Column("studied_on", sa.Date, nullable=False),
        sa.Column("meeting", sa.Text, nullable=False),
        sa.Column("event_id", sa.String(80), nullable=False),
    )
    op.create_index("ix_sv_studies_village_code", "sv_studies", ["village_code"])
    op.add_column("sv_evaluations", sa.Column("study_id", sa.String(64)))
    op.add_column("sv_evaluations", sa.Column("campaign_id", sa.String(64)))
    op.add_column("sv_evaluations", sa.Column("policy_version", sa.Integer))
    op.create_index("ix_sv_evaluations_study_id", "sv_evaluations", ["study_id"])


def downgrade() -> None:
    op.drop_index("ix_sv_evaluations_study_id", "sv_evaluations")
    for column in ("policy_version", "campaign_id", "study_id"):
        op.drop_column("sv_evaluations", column)
    op.drop_index("ix_sv_studies_village_code", "sv_studies")
    op.drop_table("sv_studies")
