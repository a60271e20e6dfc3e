"""The platform clock's copy (zhengdun.clock).

Revision ID: 0002
"""
from alembic import op

from zhengdun.migrations import create_clock_table

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_clock_table()


def downgrade() -> None:
    op.drop_table("platform_clock")
