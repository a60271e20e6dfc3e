"""Supervision: a visit keeps casework's 三必须 verdict (whether it counts toward the monthly minimum).

Revision ID: 0008
"""
import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Nullable: visits copied before the verdict was carried keep counting as they did.
    op.add_column("sv_visits", sa.Column("counts_toward_minimum", sa.Boolean))


def downgrade() -> None:
    op.drop_column("sv_visits", "counts_toward_minimum")
