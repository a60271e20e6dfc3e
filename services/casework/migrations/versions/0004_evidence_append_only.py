"""Evidence files are the platform's attachments (zhengdun.attachments): never edited, the database refuses
UPDATE and DELETE on them, as on the case book.

Revision ID: 0004
"""
from zhengdun.attachments import drop_append_only, make_append_only

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    make_append_only("evidence_files")


def downgrade() -> None:
    drop_append_only("evidence_files")
