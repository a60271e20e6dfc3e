"""Supervision: the kinds of organization a campaign screens (行政村, 社区; issue 22), so a township's list is judged
complete against those only. NULL: a campaign that names none (every village-level organization, as before).

Revision ID: 0017
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import ARRAY

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("sv_campaigns", sa.Column("organization_kinds", ARRAY(sa.String(10)), nullable=True))


def downgrade() -> None:
    op.drop_column("sv_campaigns", "organization_kinds")
