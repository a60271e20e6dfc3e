"""The register of organizations and cadres (村党组织和村“两委”干部名册): one row per revision of a village's
entry, append-only (the database refuses UPDATE and DELETE).

Revision ID: 0008
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from zhengdun.attachments import drop_append_only, make_append_only

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "cadre_register",
        sa.Column("seq", sa.BigInteger, primary_key=True, autoincrement=True),
        sa.Column("village_code", sa.String(12), nullable=False),
        sa.Column("revision", sa.Integer, nullable=False),
        sa.Column("organization_name", sa.String(100)),
        sa.Column("last_election_on", sa.Date, nullable=False),
        sa.Column("election_due_on", sa.Date, nullable=False),
        sa.Column("star_rating", sa.SmallInteger),
        sa.Column("content", postgresql.JSONB, nullable=False),
        sa.Column("source", sa.String(10), nullable=False),
        sa.Column("reason", sa.Text),
        sa.Column("recorded_on", sa.Date, nullable=False),
        sa.Column("actor", postgresql.JSONB, nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.UniqueConstraint("village_code", "revision", name="uq_cadre_register_revision"),
    )
    op.create_index("ix_cadre_register_current", "cadre_register", ["village_code", sa.text("revision DESC")])
    make_append_only("cadre_register")


def downgrade() -> None:
    drop_append_only("cadre_register")
    op.drop_table("cadre_register")
