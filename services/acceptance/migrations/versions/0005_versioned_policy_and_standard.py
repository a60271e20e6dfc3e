"""Acceptance: every policy version (with its effective date) and every version of the standard, kept.

A step applies the policy version in force on its date, not the newest known; a revision of the city's
standard is a new version and leaves the self-checks scored against an earlier one as they were.

Revision ID: 0005
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

JSONB = postgresql.JSONB


def upgrade() -> None:
    op.create_table(
        "acceptance_policy_versions",
        sa.Column("campaign_id", sa.String(64), primary_key=True),
        sa.Column("version", sa.Integer, primary_key=True),
        sa.Column("effective_on", sa.Date, nullable=False),
        sa.Column("policy", JSONB, nullable=False),
    )
    op.create_table(
        "acceptance_standards",
        sa.Column("campaign_id", sa.String(64), primary_key=True),
        sa.Column("version", sa.Integer, primary_key=True),
        sa.Column("standard", JSONB, nullable=False),
        sa.Column("set_by", JSONB),
        sa.Column("set_on", sa.Date),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    )
    # Only the newest version was kept so far, without its date: it stays in force from the start, as it was applied.
    op.execute("INSERT INTO acceptance_policy_versions (campaign_id, version, effective_on, policy) "
               "SELECT campaign_id, policy_version, DATE '0001-01-01', policy FROM acceptance_campaigns")
    op.execute("INSERT INTO acceptance_standards (campaign_id, version, standard, set_by) "
               "SELECT campaign_id, 1, standard, standard_set_by FROM acceptance_campaigns WHERE standard IS NOT NULL")
    # The standard could be set once only: every self-check so far was scored against its version 1.
    op.execute("UPDATE acceptances SET state = jsonb_set(state, '{self_check,standard_version}', '1') "
               "WHERE state ? 'self_check'")
    for column in ("policy", "policy_version", "standard", "standard_set_by"):
        op.drop_column("acceptance_campaigns", column)


def downgrade() -> None:
    op.add_column("acceptance_campaigns", sa.Column("policy", JSONB))
    op.add_column("acceptance_campaigns", sa.Column("policy_version", sa.Integer))
    op.add_column("acceptance_campaigns", sa.Column("standard", JSONB))
    op.add_column("acceptance_campaigns", sa.Column("standard_set_by", JSONB))
    op.execute("UPDATE acceptance_campaigns c SET policy = p.policy, policy_version = p.version "
               "FROM acceptance_policy_versions p WHERE p.campaign_id = c.campaign_id AND p.version = "
               "(SELECT max(version) FROM acceptance_policy_versions WHERE campaign_id = c.campaign_id)")
    op.execute("UPDATE acceptance_campaigns c SET standard = s.standard, standard_set_by = s.set_by "
               "FROM acceptance_standards s WHERE s.campaign_id = c.campaign_id AND s.version = "
               "(SELECT max(version) FROM acceptance_standards WHERE campaign_id = c.campaign_id)")
    op.execute("UPDATE acceptance_campaigns SET policy = '{}'::jsonb, policy_version = 1 WHERE policy IS NULL")
    op.alter_column("acceptance_campaigns", "policy", nullable=False)
    op.alter_column("acceptance_campaigns", "policy_version", nullable=False)
    op.execute("UPDATE acceptances SET state = state #- '{self_check,standard_version}' WHERE state ? 'self_check'")
    op.drop_table("acceptance_standards")
    op.drop_table("acceptance_policy_versions")
