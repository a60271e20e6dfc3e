"""The outbox's pending rows in a table of their own, filled by a trigger, emptied by the relay (in place of
``outbox.sent_at``, whose update rewrote the whole row and its indexes).

Revision ID: 0007
"""
from zhengdun.migrations import create_outbox_pending, drop_outbox_pending

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_outbox_pending()


def downgrade() -> None:
    drop_outbox_pending()
