"""Evidence files (zhengdun.attachments): assessment findings, committee meeting minutes, notice photos,
county site visits. Append-only: the database refuses UPDATE and DELETE.

Revision ID: 0007
"""
from zhengdun.attachments import create_attachments_table, drop_attachments_table

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_attachments_table("screening_attachments")


def downgrade() -> None:
    drop_attachments_table("screening_attachments")
