"""Acceptance: campaign policy copy and standard, acceptances, step records, signed documents, seals, keys, samples.

Revision ID: 0003
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

JSONB = postgresql.JSONB


def upgrade() -> None:
    op.create_table(
        "acceptance_campaigns",
        sa.Column("campaign_id", sa.String(64), primary_key=True),
        sa.Column("area_code", sa.String(12), nullable=False),
        sa.Column("policy", JSONB, nullable=False),
        sa.Column("policy_version", sa.Integer, nullable=False),
        sa.Column("standard", JSONB),
        sa.Column("standard_set_by", JSONB),
    )
    op.create_table(
        "acceptances",
        sa.Column("acceptance_id", sa.String(36), primary_key=True),
        sa.Column("case_id", sa.String(64), nullable=False, index=True),
        sa.Column("campaign_id", sa.String(64), nullable=False, index=True),
        sa.Column("village_code", sa.String(12), nullable=False, index=True),
        sa.Column("township_code", sa.String(12), nullable=False),
        sa.Column("county_code", sa.String(12), nullable=False, index=True),
        sa.Column("round", sa.Integer, nullable=False),
        sa.Column("stage", sa.String(30), nullable=False, index=True),
        sa.Column("rectifiers", JSONB, nullable=False),
        sa.Column("team_leader_user_id", sa.String(64)),
        sa.Column("state", JSONB, nullable=False),
        sa.Column("ready_on", sa.Date, nullable=False),
        sa.Column("updated_on", sa.Date, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.UniqueConstraint("case_id", "round", name="uq_acceptances_case_round"),
    )
    op.create_table(
        "acceptance_records",
        sa.Column("seq", sa.BigInteger, primary_key=True, autoincrement=True),
        sa.Column("acceptance_id", sa.String(36), nullable=False, index=True),
        sa.Column("step", sa.String(40), nullable=False),
        sa.Column("outcome", sa.String(20), nullable=False),
        sa.Column("body", JSONB, nullable=False),
        sa.Column("actor", JSONB, nullable=False),
        sa.Column("recorded_on", sa.Date, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    )
    op.create_table(
        "acceptance_documents",
        sa.Column("document_id", sa.String(36), primary_key=True),
        sa.Column("acceptance_id", sa.String(36), nullable=False, index=True),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("content", sa.Text, nullable=False),
        sa.Column("created_on", sa.Date, nullable=False),
    )
    op.create_table(
        "acceptance_signatures",
        sa.Column("seq", sa.BigInteger, primary_key=True, autoincrement=True),
        sa.Column("document_id", sa.String(36), nullable=False, index=True),
        sa.Column("user_id", sa.String(64), nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("role", sa.String(60), nullable=False),
        sa.Column("unit_code", sa.String(12), nullable=False),
        sa.Column("content_sha256", sa.String(64), nullable=False),
        sa.Column("signed_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.Column("signed_on", sa.Date, nullable=False),
    )
    op.create_table(
        "acceptance_seals",
        sa.Column("seq", sa.BigInteger, primary_key=True, autoincrement=True),
        sa.Column("document_id", sa.String(36), nullable=False, index=True),
        sa.Column("unit_code", sa.String(12), nullable=False),
        sa.Column("key_id", sa.String(36), nullable=False),
        sa.Column("signature", sa.Text, nullable=False),
        sa.Column("sealed_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.Column("sealed_on", sa.Date, nullable=False),
    )
    op.create_table(
        "seal_keys",
        sa.Column("key_id", sa.String(36), primary_key=True),
        sa.Column("unit_code", sa.String(12), nullable=False, index=True),
        sa.Column("private_pem", sa.Text, nullable=False),
        sa.Column("public_pem", sa.Text, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.Column("retired_at", sa.DateTime(timezone=True)),
    )
    op.create_table(
        "spot_check_samples",
        sa.Column("sample_id", sa.String(36), primary_key=True),
        sa.Column("campaign_id", sa.String(64), nullable=False),
        sa.Column("county_code", sa.String(12), nullable=False, index=True),
        sa.Column("level", sa.String(10), nullable=False),
        sa.Column("drawn_by_code", sa.String(12), nullable=False),
        sa.Column("algorithm", sa.String(40), nullable=False),
        sa.Column("seed", sa.String(200), nullable=False),
        sa.Column("ratio", sa.String(20), nullable=False),
        sa.Column("population", JSONB, nullable=False),
        sa.Column("chosen", JSONB, nullable=False),
        sa.Column("drawn_on", sa.Date, nullable=False),
        sa.Column("actor", JSONB, nullable=False),
    )


def downgrade() -> None:
    for table in ("spot_check_samples", "seal_keys", "acceptance_seals", "acceptance_signatures",
                  "acceptance_documents", "acceptance_records", "acceptances", "acceptance_campaigns"):
        op.drop_table(table)
