"""Acceptance: each step record keeps the campaign policy version it applied.

Revision ID: 0004
"""
import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Nullable: steps recorded before this revision applied a version nobody wrote down.
    op.add_column("acceptance_records", sa.Column("policy_version", sa.Integer))


def downgrade() -> None:
    op.drop_column("acceptance_records", "policy_version")
