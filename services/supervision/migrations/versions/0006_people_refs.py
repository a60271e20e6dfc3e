"""Measures name their responsible person as a platform user where they have an account.

Existing rows keep their free-text name and get no user id: they stay valid, as before.

Revision ID: 0006
"""
import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("sv_measures", sa.Column("responsible_user_id", sa.String(64), nullable=True))
    op.add_column("sv_measures", sa.Column("responsible_username", sa.String(100), nullable=True))
    op.create_index("ix_sv_measures_responsible_user_id", "sv_measures", ["responsible_user_id"])


def downgrade() -> None:
    op.drop_index("ix_sv_measures_responsible_user_id", "sv_measures")
    op.drop_column("sv_measures", "responsible_username")
    op.drop_column("sv_measures", "responsible_user_id")
