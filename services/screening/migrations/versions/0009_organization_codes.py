"""The codes given to non-public enterprises and social organizations (非公企业、社会组织), one per 统一社会信用代码.

Revision ID: 0009
"""
import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "organization_codes",
        sa.Column("uscc", sa.String(18), primary_key=True),
        sa.Column("code", sa.String(12), nullable=False, unique=True),
        sa.Column("assigned_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("organization_codes")
