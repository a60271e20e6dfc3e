"""Evidence files (zhengdun.attachments): the application's signed paper, the township's and the county's
reports. Append-only: the database refuses UPDATE and DELETE.

Revision ID: 0006
"""
from zhengdun.attachments import create_attachments_table, drop_attachments_table

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_attachments_table("acceptance_attachments")


def downgrade() -> None:
    drop_attachments_table("acceptance_attachments")
