"""Reporting: the code indexes serve the range "inside this division" (code BETWEEN :lo AND :hi).

0003 built them with text_pattern_ops for the prefix test (code LIKE '3201%'); such an index serves only the
pattern operators (~<~, ~>=~ …), never BETWEEN. Every read now asks for the range (zhengdun.reading), which a
default b-tree serves whatever the collation, as 0005's indexes on rm_spot_check and rm_falsification already are.

Revision ID: 0007
"""
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

CODE_INDEXES = [
    ("rm_assessment", "village_code"), ("rm_designation", "village_code"), ("rm_removal", "village_code"),
    ("rm_county_list", "county_code"), ("rm_filing", "county_code"), ("rm_case", "village_code"),
    ("rm_case_phase", "village_code"), ("rm_contact_leader", "village_code"), ("rm_measure", "village_code"),
    ("rm_progress", "village_code"), ("rm_visit", "village_code"), ("rm_alert", "unit_code"),
    ("rm_acceptance", "village_code"),
]


def _rebuild(ops: str | None) -> None:
    for table, column in CODE_INDEXES:
        name = f"ix_{table}_{column}"
        op.drop_index(name, table_name=table)
        op.create_index(name, table, [column], **({"postgresql_ops": {column: ops}} if ops else {}))


def upgrade() -> None:
    _rebuild(None)


def downgrade() -> None:
    _rebuild("text_pattern_ops")
