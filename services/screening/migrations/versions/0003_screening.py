"""Screening's own tables: the append-only facts, township preparations, filings.

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
        "screening_facts",
        sa.Column("seq", sa.BigInteger, primary_key=True, autoincrement=True),
        sa.Column("event_id", sa.String(80), nullable=False, unique=True),
        sa.Column("type", sa.String(120), nullable=False),
        sa.Column("campaign_id", sa.String(80), nullable=False),
        sa.Column("round_id", sa.String(40)),
        sa.Column("scope_code", sa.String(12), nullable=False),
        sa.Column("village_code", sa.String(12), index=True),
        sa.Column("body", postgresql.JSONB, nullable=False),
        sa.Column("actor", postgresql.JSONB),
        sa.Column("recorded_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    )
    op.create_index("ix_facts_lookup", "screening_facts", ["campaign_id", "type", "scope_code"])
    # Facts are documentary: the database itself refuses to change or remove one.
    op.execute("CREATE FUNCTION screening_facts_append_only() RETURNS trigger AS $$ "
               "BEGIN RAISE EXCEPTION 'screening_facts is append-only'; END; $$ LANGUAGE plpgsql")
    op.execute("CREATE TRIGGER screening_facts_append_only BEFORE UPDATE OR DELETE ON screening_facts "
               "FOR EACH ROW EXECUTE FUNCTION screening_facts_append_only()")
    op.create_table(
        "township_preparations",
        sa.Column("campaign_id", sa.String(80), primary_key=True),
        sa.Column("round_id", sa.String(40), primary_key=True),
        sa.Column("township_code", sa.String(12), primary_key=True),
        sa.Column("meeting", postgresql.JSONB),
        sa.Column("notice", postgresql.JSONB),
        sa.Column("objections", postgresql.JSONB, nullable=False, server_default="[]"),
        sa.Column("actor", postgresql.JSONB),
    )
    op.create_table(
        "filings",
        sa.Column("campaign_id", sa.String(80), primary_key=True),
        sa.Column("county_code", sa.String(12), primary_key=True),
        sa.Column("filing_date", sa.Date, primary_key=True),
        sa.Column("filed_on", sa.Date, nullable=False),
        sa.Column("content", postgresql.JSONB, nullable=False),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("actor", postgresql.JSONB),
    )


def downgrade() -> None:
    op.drop_table("filings")
    op.drop_table("township_preparations")
    op.drop_table("screening_facts")
    op.execute("DROP FUNCTION screening_facts_append_only()")
