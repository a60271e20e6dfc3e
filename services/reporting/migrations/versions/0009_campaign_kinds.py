"""Reporting: the kinds of organization a campaign screens (行政村, 社区; issue 22), so "in campaign" counts only those.
NULL: a campaign that names none (every village-level organization, as before).

Revision ID: 0009
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import ARRAY

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("rm_campaign", sa.Column("organization_kinds", ARRAY(sa.String(10)), nullable=True))


def downgrade() -> None:
    op.drop_column("rm_campaign", "organization_kinds")
