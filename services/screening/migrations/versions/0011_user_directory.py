"""Screening's copy of Keycloak's accounts (screening.user_directory): the users list as one indexed query.

Revision ID: 0011
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "user_directory",
        sa.Column("user_id", sa.String(80), primary_key=True),
        sa.Column("username", sa.String(255, collation="C"), nullable=False),
        sa.Column("family_name", sa.String(255), nullable=False),
        sa.Column("given_name", sa.String(255), nullable=False),
        sa.Column("unit", sa.String(12, collation="C")),
        sa.Column("roles", postgresql.JSONB, nullable=False),
        sa.Column("enabled", sa.Boolean, nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    )
    op.create_index("ix_user_directory_unit", "user_directory", ["unit", "username"])


def downgrade() -> None:
    op.drop_table("user_directory")
