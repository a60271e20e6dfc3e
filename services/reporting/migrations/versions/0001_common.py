"""Tables every service has: outbox, inbox, the division copy.

Revision ID: 0001
"""
from zhengdun.migrations import create_common_tables, drop_common_tables

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_common_tables()


def downgrade() -> None:
    drop_common_tables()
