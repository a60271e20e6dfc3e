"""The secrets committed when a population is frozen for sampling (nobody chooses a sample's seed).

Revision ID: 0006
"""
import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sample_secrets",
        sa.Column("seq", sa.BigInteger, primary_key=True, autoincrement=True),
        sa.Column("campaign_id", sa.String(80), nullable=False),
        sa.Column("round_id", sa.String(40), nullable=False),
        sa.Column("scope_code", sa.String(12), nullable=False),
        sa.Column("secret", sa.String(64), nullable=False),
        sa.Column("commitment", sa.String(64), nullable=False, unique=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    )
    op.create_index("ix_sample_secrets_scope", "sample_secrets", ["campaign_id", "round_id", "scope_code"])


def downgrade() -> None:
    op.drop_table("sample_secrets")
