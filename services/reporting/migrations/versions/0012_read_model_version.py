"""Reporting: the read model's data version, the key of the figures' caches (reporting.versions).

One row, bumped by a trigger on every read-model table (and the division copy) in the same transaction as the
write: once per transaction (a transaction-local setting marks it done, so a batch of thousands of statements
updates the row once; a savepoint rolled back takes the mark back with the bump). A trigger, not a call in the
consumer's unit of work: it also catches the rebuild (TRUNCATE, then its own inserts), a table filled with COPY,
and any write path a future change adds — none can forget it. Statement-level, with the mark tested in WHEN, so
a statement after the first costs no function call and a statement writing many rows fires once.

Revision ID: 0012
"""
import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

# Every table the figures (or anything else reporting answers from its read model) read, as of this revision;
# tests/integration/test_reporting_cache.py checks that each table of reporting.models.READ_MODEL_TABLES has it.
TABLES = [
    "divisions", "rm_campaign", "rm_policy", "rm_assessment", "rm_designation", "rm_removal", "rm_county_list",
    "rm_filing", "rm_spot_check", "rm_falsification", "rm_case", "rm_case_phase", "rm_contact_leader", "rm_measure",
    "rm_progress", "rm_visit", "rm_alert", "rm_alert_resolution", "rm_acceptance", "rm_secretary",
    "rm_cadre_secretary", "rm_special_action", "rm_special_action_item", "rm_special_action_item_done",
    "rm_org_life_meeting", "rm_special_action_pilot", "rm_special_action_rating",
]
MARK = "reporting.read_model_bumped"


def upgrade() -> None:
    op.create_table(
        "read_model_version",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("version", sa.BigInteger, nullable=False),
        sa.CheckConstraint("id = 1", name="read_model_version_one_row"),
    )
    op.execute("INSERT INTO read_model_version (id, version) VALUES (1, 1)")
    op.execute(f"""CREATE FUNCTION bump_read_model_version() RETURNS trigger AS $$
        BEGIN
          UPDATE read_model_version SET version = version + 1 WHERE id = 1;
          PERFORM set_config('{MARK}', 'yes', true);
          RETURN NULL;
        END; $$ LANGUAGE plpgsql""")
    for table in TABLES:
        op.execute(f"CREATE TRIGGER {table}_bumps_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table} "
                   f"FOR EACH STATEMENT WHEN (current_setting('{MARK}', true) IS DISTINCT FROM 'yes') "
                   f"EXECUTE FUNCTION bump_read_model_version()")


def downgrade() -> None:
    for table in TABLES:
        op.execute(f"DROP TRIGGER {table}_bumps_version ON {table}")
    op.execute("DROP FUNCTION bump_read_model_version()")
    op.drop_table("read_model_version")
