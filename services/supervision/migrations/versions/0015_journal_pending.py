"""Journal entries queued by a transaction until it commits (supervision.journal.seal chains them then, with
the chains locked in code order): appending no longer locks a chain mid-transaction.

Revision ID: 0015
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sv_journal_pending",
        sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=True),
        sa.Column("chain_code", sa.String(12), nullable=False),
        sa.Column("kind", sa.String(120), nullable=False),
        sa.Column("reference", sa.String(300), nullable=False),
        sa.Column("body", postgresql.JSONB, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("sv_journal_pending")
