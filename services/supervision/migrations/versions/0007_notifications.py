"""Notifications: the inbox, read marks, preferences, and the deliveries the sender works through.

Revision ID: 0007
"""
import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sv_notifications",
        sa.Column("notification_id", sa.String(64), primary_key=True),
        sa.Column("key", sa.String(300), nullable=False, unique=True),
        sa.Column("kind", sa.String(30), nullable=False),
        sa.Column("user_id", sa.String(64)),
        sa.Column("unit_code", sa.String(12), nullable=False),
        sa.Column("campaign_id", sa.String(64)),
        sa.Column("reference", sa.String(300)),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("created_on", sa.Date, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    )
    op.create_index("ix_sv_notifications_user_id", "sv_notifications", ["user_id"])
    op.create_index("ix_sv_notifications_unit_code", "sv_notifications", ["unit_code"])
    op.create_table(
        "sv_notification_reads",
        sa.Column("notification_id", sa.String(64), primary_key=True),
        sa.Column("user_id", sa.String(64), primary_key=True),
        sa.Column("read_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    )
    op.create_table(
        "sv_notification_preferences",
        sa.Column("owner", sa.String(80), primary_key=True),
        sa.Column("email", sa.String(200)),
        sa.Column("email_enabled", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("webhook_url", sa.Text),
        sa.Column("webhook_kind", sa.String(20)),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    )
    op.create_table(
        "sv_deliveries",
        sa.Column("delivery_id", sa.BigInteger, primary_key=True, autoincrement=True),
        sa.Column("notification_id", sa.String(64), nullable=False),
        sa.Column("channel", sa.String(20), nullable=False),
        sa.Column("target", sa.Text, nullable=False),
        sa.Column("webhook_kind", sa.String(20)),
        sa.Column("status", sa.String(10), nullable=False, server_default="pending"),
        sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.Column("last_error", sa.Text),
        sa.Column("sent_at", sa.DateTime(timezone=True)),
        sa.UniqueConstraint("notification_id", "channel", "target", name="uq_sv_deliveries"),
    )
    op.create_index("ix_sv_deliveries_notification_id", "sv_deliveries", ["notification_id"])
    op.create_index("ix_sv_deliveries_pending", "sv_deliveries", ["channel", "next_attempt_at"],
                    postgresql_where=sa.text("status = 'pending'"))


def downgrade() -> None:
    for table in ("sv_deliveries", "sv_notification_preferences", "sv_notification_reads", "sv_notifications"):
        op.drop_table(table)
