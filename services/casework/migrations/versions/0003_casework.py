"""Casework: campaigns and policy versions, cases, the append-only case book, evidence files, pairings.

Revision ID: 0003
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "campaigns",
        sa.Column("campaign_id", sa.String(64), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("area_code", sa.String(12), nullable=False),
        sa.Column("phases", postgresql.JSONB, nullable=False),
        sa.Column("opened_on", sa.Date, nullable=False),
    )
    op.create_table(
        "campaign_policies",
        sa.Column("campaign_id", sa.String(64), primary_key=True),
        sa.Column("version", sa.Integer, primary_key=True),
        sa.Column("policy", postgresql.JSONB, nullable=False),
        sa.Column("effective_on", sa.Date, nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
    )
    op.create_table(
        "cases",
        sa.Column("case_id", sa.String(36), primary_key=True),
        sa.Column("campaign_id", sa.String(64), nullable=False, index=True),
        sa.Column("village_code", sa.String(12), nullable=False, index=True),
        sa.Column("township_code", sa.String(12), nullable=False, index=True),
        sa.Column("county_code", sa.String(12), nullable=False, index=True),
        sa.Column("category", sa.String(20), nullable=False),
        sa.Column("criteria_met", postgresql.JSONB, nullable=False),
        sa.Column("basis", sa.String(20), nullable=False),
        sa.Column("decision_number", sa.String(100)),
        sa.Column("designated_on", sa.Date, nullable=False),
        sa.Column("opened_on", sa.Date, nullable=False),
        sa.Column("policy_version", sa.Integer, nullable=False),
        sa.Column("designation_event_id", sa.String(80), nullable=False),
        sa.Column("phase", sa.String(30), nullable=False, index=True),
        sa.Column("updated_on", sa.Date, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.UniqueConstraint("campaign_id", "village_code", name="uq_cases_campaign_village"),
    )
    op.create_table(
        "case_entries",
        sa.Column("seq", sa.BigInteger, primary_key=True, autoincrement=True),
        sa.Column("entry_id", sa.String(36), nullable=False, unique=True),
        sa.Column("case_id", sa.String(36), sa.ForeignKey("cases.case_id"), nullable=False),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("occurred_on", sa.Date, nullable=False),
        sa.Column("recorded_on", sa.Date, nullable=False),
        sa.Column("actor", postgresql.JSONB, nullable=False),
        sa.Column("data", postgresql.JSONB, nullable=False),
        sa.Column("corrects", sa.String(36)),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    )
    op.create_index("ix_case_entries_case_seq", "case_entries", ["case_id", "seq"])
    # The book is append-only: the database refuses to change or remove a line.
    op.execute("CREATE FUNCTION case_entries_append_only() RETURNS trigger AS $$ "
               "BEGIN RAISE EXCEPTION 'case_entries is append-only'; END; $$ LANGUAGE plpgsql")
    op.execute("CREATE TRIGGER case_entries_append_only BEFORE UPDATE OR DELETE ON case_entries "
               "FOR EACH ROW EXECUTE FUNCTION case_entries_append_only()")
    op.create_table(
        "evidence_files",
        sa.Column("file_id", sa.String(36), primary_key=True),
        sa.Column("case_id", sa.String(36), sa.ForeignKey("cases.case_id"), nullable=False, index=True),
        sa.Column("filename", sa.String(255), nullable=False),
        sa.Column("content_type", sa.String(120), nullable=False),
        sa.Column("size", sa.BigInteger, nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("content", sa.LargeBinary, nullable=False),
        sa.Column("uploaded_on", sa.Date, nullable=False),
        sa.Column("actor", postgresql.JSONB, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    )
    op.create_table(
        "pairings",
        sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=True),
        sa.Column("campaign_id", sa.String(64), nullable=False),
        sa.Column("secretary_key", sa.String(300), nullable=False, index=True),
        sa.Column("case_id", sa.String(36), sa.ForeignKey("cases.case_id"), nullable=False),
        sa.Column("paired_on", sa.Date, nullable=False),
        sa.UniqueConstraint("campaign_id", "secretary_key", "case_id", name="uq_pairings_secretary_case"),
    )


def downgrade() -> None:
    for table in ("pairings", "evidence_files"):
        op.drop_table(table)
    op.execute("DROP TRIGGER case_entries_append_only ON case_entries")
    op.execute("DROP FUNCTION case_entries_append_only()")
    for table in ("case_entries", "cases", "campaign_policies", "campaigns"):
        op.drop_table(table)
