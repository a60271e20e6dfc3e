"""Reporting: a visit keeps casework's 三必须 verdict (whether it counts toward the monthly minimum).

Revision ID: 0004
"""
import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Nullable: visits copied before the verdict was carried are judged from talked_with_all and problems_pushed.
    op.add_column("rm_visit", sa.Column("counts_toward_minimum", sa.Boolean))


def downgrade() -> None:
    op.drop_column("rm_visit", "counts_toward_minimum")
