"""Supervision: a measure keeps casework's status after its newest progress record, and the date it holds from.

Revision ID: 0016
"""
import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Nullable: measures whose records were published before casework carried the status derive it from sv_progress.
    op.add_column("sv_measures", sa.Column("status", sa.String(20)))
    op.add_column("sv_measures", sa.Column("status_since", sa.Date))


def downgrade() -> None:
    op.drop_column("sv_measures", "status_since")
    op.drop_column("sv_measures", "status")
