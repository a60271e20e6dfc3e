"""Casework: pairing as seed 002 does it — each pairing row knows its village, county and secretary and when it
ended (销账); the register's secretaries copied from screening's CadreSecretaryRecorded.

Rows written before keep their data: village and county from their case, the secretary from the case book's entry.

Revision ID: 0005
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("pairings", sa.Column("village_code", sa.String(12)))
    op.add_column("pairings", sa.Column("county_code", sa.String(12)))
    op.add_column("pairings", sa.Column("secretary", postgresql.JSONB))
    op.add_column("pairings", sa.Column("secretary_village_code", sa.String(12)))
    op.add_column("pairings", sa.Column("ended_on", sa.Date))
    op.add_column("pairings", sa.Column("end_reason", sa.String(20)))
    op.create_index("ix_pairings_village_code", "pairings", ["village_code"])
    op.create_index("ix_pairings_county_code", "pairings", ["county_code"])
    op.execute("UPDATE pairings p SET village_code = c.village_code, county_code = c.county_code "
               "FROM cases c WHERE c.case_id = p.case_id")
    op.execute("UPDATE pairings p SET secretary = e.data->'secretary', "
               "secretary_village_code = e.data->>'secretary_village_code' "
               "FROM case_entries e WHERE e.case_id = p.case_id AND e.kind = 'paired' AND e.data->>'key' = p.secretary_key")
    op.create_table(
        "register_secretaries",
        sa.Column("village_code", sa.String(12), primary_key=True),
        sa.Column("revision", sa.Integer, nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("register_secretaries")
    op.drop_index("ix_pairings_county_code", table_name="pairings")
    op.drop_index("ix_pairings_village_code", table_name="pairings")
    for column in ("end_reason", "ended_on", "secretary_village_code", "secretary", "county_code", "village_code"):
        op.drop_column("pairings", column)
