"""The journal of user changes across Keycloak and this database (screening.users_service).

Revision ID: 0004
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "user_operations",
        sa.Column("id", sa.String(40), primary_key=True),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("username", sa.String(120), nullable=False),
        sa.Column("user_id", sa.String(80)),
        sa.Column("data", postgresql.JSONB, nullable=False),
        sa.Column("actor", postgresql.JSONB),
        sa.Column("status", sa.String(20), nullable=False, server_default="pending"),
        sa.Column("finished_by", sa.String(20)),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True)),
    )
    op.create_index("ix_user_operations_pending", "user_operations", ["created_at"],
                    postgresql_where=sa.text("status = 'pending'"))


def downgrade() -> None:
    op.drop_table("user_operations")
