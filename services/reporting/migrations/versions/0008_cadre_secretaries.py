"""Reporting: the register's secretaries (name, phone, per revision) for seed 001's summary table.

Revision ID: 0008
"""
import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "rm_cadre_secretary",
        sa.Column("village_code", sa.String(12), primary_key=True),
        sa.Column("revision", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("phone", sa.String(40), nullable=False),
        sa.Column("recorded_on", sa.Date, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("rm_cadre_secretary")
