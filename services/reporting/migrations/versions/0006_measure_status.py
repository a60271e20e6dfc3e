"""Reporting: a progress record keeps casework's status of its measure after it, and the date it holds from.

Revision ID: 0006
"""
import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Nullable: records copied before casework carried the status stand for their own status on their own date.
    op.add_column("rm_progress", sa.Column("measure_status", sa.String(20)))
    op.add_column("rm_progress", sa.Column("measure_status_since", sa.Date))


def downgrade() -> None:
    op.drop_column("rm_progress", "measure_status_since")
    op.drop_column("rm_progress", "measure_status")
