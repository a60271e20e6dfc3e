"""Supervision's tables: the read model of other services' facts, alerts, the journal (纪实),
inspections, accountability and evaluations.

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
        "sv_campaigns",
        sa.Column("campaign_id", sa.String(64), primary_key=True),
        sa.Column("area_code", sa.String(12), nullable=False),
        sa.Column("policy", postgresql.JSONB, nullable=False),
        sa.Column("policy_version", sa.Integer, nullable=False),
        sa.Column("concentrated_ends_on", sa.Date),
        sa.Column("event_id", sa.String(80), nullable=False),
    )
    op.create_table(
        "sv_policy_versions",
        sa.Column("campaign_id", sa.String(64), primary_key=True),
        sa.Column("version", sa.Integer, primary_key=True),
        sa.Column("policy", postgresql.JSONB, nullable=False),
        sa.Column("effective_on", sa.Date, nullable=False),
        sa.Column("event_id", sa.String(80), nullable=False),
    )
    op.create_table(
        "sv_cases",
        sa.Column("campaign_id", sa.String(64), primary_key=True),
        sa.Column("village_code", sa.String(12), primary_key=True),
        sa.Column("case_id", sa.String(64)),
        sa.Column("township_code", sa.String(12), nullable=False),
        sa.Column("county_code", sa.String(12), nullable=False),
        sa.Column("category", sa.String(20)),
        sa.Column("designated_on", sa.Date, nullable=False),
        sa.Column("designated_by", sa.String(80), nullable=False),
        sa.Column("phase", sa.String(30), nullable=False),
        sa.Column("finished_on", sa.Date),
        sa.Column("stationed_on", sa.Date),
        sa.Column("leader_name", sa.String(100)),
        sa.Column("leader_user_id", sa.String(64)),
        sa.Column("leader_assigned_on", sa.Date),
        sa.Column("leader_event", sa.String(80)),
    )
    op.create_table(
        "sv_visits",
        sa.Column("visit_id", sa.String(64), primary_key=True),
        sa.Column("campaign_id", sa.String(64), nullable=False),
        sa.Column("village_code", sa.String(12), nullable=False),
        sa.Column("county_code", sa.String(12), nullable=False),
        sa.Column("visited_on", sa.Date, nullable=False),
        sa.Column("problems_pushed", sa.Integer, nullable=False),
        sa.Column("leader_name", sa.String(100), nullable=False),
        sa.Column("leader_user_id", sa.String(64)),
        sa.Column("event_id", sa.String(80), nullable=False),
    )
    op.create_index("ix_sv_visits_village_code", "sv_visits", ["village_code"])
    op.create_table(
        "sv_measures",
        sa.Column("measure_id", sa.String(64), primary_key=True),
        sa.Column("campaign_id", sa.String(64), nullable=False),
        sa.Column("village_code", sa.String(12), nullable=False),
        sa.Column("title", sa.String(None), nullable=False),
        sa.Column("responsible", sa.String(200), nullable=False),
        sa.Column("deadline", sa.Date, nullable=False),
        sa.Column("planned_on", sa.Date, nullable=False),
        sa.Column("event_id", sa.String(80), nullable=False),
    )
    op.create_index("ix_sv_measures_village_code", "sv_measures", ["village_code"])
    op.create_table(
        "sv_progress",
        sa.Column("record_id", sa.String(64), primary_key=True),
        sa.Column("measure_id", sa.String(64), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("recorded_on", sa.Date, nullable=False),
        sa.Column("corrects", sa.String(64)),
        sa.Column("event_id", sa.String(80), nullable=False),
    )
    op.create_index("ix_sv_progress_measure_id", "sv_progress", ["measure_id"])
    op.create_table(
        "sv_township_lists",
        sa.Column("campaign_id", sa.String(64), primary_key=True),
        sa.Column("township_code", sa.String(12), primary_key=True),
        sa.Column("submitted_on", sa.Date, nullable=False),
        sa.Column("due_on", sa.Date, nullable=False),
        sa.Column("villages_assessed", sa.Integer, nullable=False),
        sa.Column("event_id", sa.String(80), nullable=False),
    )
    op.create_table(
        "sv_acceptances",
        sa.Column("campaign_id", sa.String(64), primary_key=True),
        sa.Column("village_code", sa.String(12), primary_key=True),
        sa.Column("county_code", sa.String(12), nullable=False),
        sa.Column("accepted_on", sa.Date, nullable=False),
        sa.Column("event_id", sa.String(80), nullable=False),
    )
    op.create_index("ix_sv_acceptances_county_code", "sv_acceptances", ["county_code"])
    op.create_table(
        "sv_samples",
        sa.Column("event_id", sa.String(80), primary_key=True),
        sa.Column("campaign_id", sa.String(64), nullable=False),
        sa.Column("county_code", sa.String(12), nullable=False),
        sa.Column("level", sa.String(20), nullable=False),
        sa.Column("chosen", postgresql.JSONB, nullable=False),
    )
    op.create_index("ix_sv_samples_county_code", "sv_samples", ["county_code"])
    op.create_table(
        "sv_delistings",
        sa.Column("campaign_id", sa.String(64), primary_key=True),
        sa.Column("village_code", sa.String(12), primary_key=True),
        sa.Column("delisted_on", sa.Date, primary_key=True),
        sa.Column("county_code", sa.String(12), nullable=False),
        sa.Column("post_evaluation_due", sa.Date, nullable=False),
        sa.Column("evaluated_on", sa.Date),
        sa.Column("event_id", sa.String(80), nullable=False),
    )
    op.create_table(
        "sv_falsifications",
        sa.Column("event_id", sa.String(80), primary_key=True),
        sa.Column("campaign_id", sa.String(64), nullable=False),
        sa.Column("village_code", sa.String(12), nullable=False),
        sa.Column("township_code", sa.String(12), nullable=False),
        sa.Column("county_code", sa.String(12), nullable=False),
        sa.Column("found_on", sa.Date, nullable=False),
        sa.Column("note", sa.String(None), nullable=False),
        sa.Column("answered", sa.Boolean, nullable=False),
    )
    op.create_index("ix_sv_falsifications_village_code", "sv_falsifications", ["village_code"])
    op.create_table(
        "sv_alerts",
        sa.Column("alert_id", sa.String(64), primary_key=True),
        sa.Column("key", sa.String(300), nullable=False, unique=True),
        sa.Column("rule", sa.String(40), nullable=False),
        sa.Column("campaign_id", sa.String(64), nullable=False),
        sa.Column("subject_code", sa.String(12), nullable=False),
        sa.Column("subject_role", sa.String(40), nullable=False),
        sa.Column("subject_person", sa.String(100)),
        sa.Column("subject_user_id", sa.String(64)),
        sa.Column("scope_code", sa.String(12), nullable=False),
        sa.Column("village_code", sa.String(12)),
        sa.Column("severity", sa.String(10), nullable=False),
        sa.Column("facts", postgresql.JSONB, nullable=False),
        sa.Column("due_on", sa.Date),
        sa.Column("proposal", sa.String(None)),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("raised_on", sa.Date, nullable=False),
        sa.Column("resolved_on", sa.Date),
        sa.Column("resolution", sa.String(None)),
        sa.UniqueConstraint("key", name="uq_sv_alerts_key"),
    )
    op.create_index("ix_sv_alerts_rule", "sv_alerts", ["rule"])
    op.create_index("ix_sv_alerts_subject_code", "sv_alerts", ["subject_code"])
    op.create_index("ix_sv_alerts_scope_code", "sv_alerts", ["scope_code"])
    op.create_index("ix_sv_alerts_village_code", "sv_alerts", ["village_code"])
    op.create_index("ix_sv_alerts_status", "sv_alerts", ["status"])
    op.create_table(
        "sv_journal",
        sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=True),
        sa.Column("chain_code", sa.String(12), nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("kind", sa.String(120), nullable=False),
        sa.Column("reference", sa.String(300), nullable=False),
        sa.Column("body", postgresql.JSONB, nullable=False),
        sa.Column("recorded_at", sa.String(40), nullable=False),
        sa.Column("prev_hash", sa.String(64), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
        sa.UniqueConstraint("chain_code", "position", name="uq_sv_journal_chain_position"),
    )
    # The journal is append-only in the database too; the hash chain catches whoever bypasses this.
    op.execute("""
        CREATE FUNCTION sv_journal_append_only() RETURNS trigger AS $$
        BEGIN RAISE EXCEPTION 'sv_journal is append-only (纪实记录不可修改)'; END; $$ LANGUAGE plpgsql
    """)
    op.execute("""
        CREATE TRIGGER sv_journal_append_only BEFORE UPDATE OR DELETE ON sv_journal
        FOR EACH ROW EXECUTE FUNCTION sv_journal_append_only()
    """)
    op.create_table(
        "sv_inspection_plans",
        sa.Column("plan_id", sa.String(64), primary_key=True),
        sa.Column("unit_code", sa.String(12), nullable=False),
        sa.Column("title", sa.String(None), nullable=False),
        sa.Column("kind", sa.String(30), nullable=False),
        sa.Column("recurrence", sa.String(20), nullable=False),
        sa.Column("day_from", sa.Integer, nullable=False),
        sa.Column("day_to", sa.Integer),
        sa.Column("starts_on", sa.Date, nullable=False),
        sa.Column("ends_on", sa.Date),
        sa.Column("actor", postgresql.JSONB, nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False, server_default=sa.func.now()),
    )
    op.create_index("ix_sv_inspection_plans_unit_code", "sv_inspection_plans", ["unit_code"])
    op.create_table(
        "sv_inspections",
        sa.Column("inspection_id", sa.String(64), primary_key=True),
        sa.Column("plan_id", sa.String(64)),
        sa.Column("kind", sa.String(30), nullable=False),
        sa.Column("unit_code", sa.String(12), nullable=False),
        sa.Column("inspected_by_code", sa.String(12), nullable=False),
        sa.Column("inspected_on", sa.Date, nullable=False),
        sa.Column("inspectors", postgresql.JSONB, nullable=False),
        sa.Column("findings", postgresql.JSONB, nullable=False),
        sa.Column("demands", postgresql.JSONB, nullable=False),
        sa.Column("follow_ups", postgresql.JSONB, nullable=False),
        sa.Column("actor", postgresql.JSONB, nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False, server_default=sa.func.now()),
    )
    op.create_index("ix_sv_inspections_unit_code", "sv_inspections", ["unit_code"])
    op.create_table(
        "sv_accountability",
        sa.Column("action_id", sa.String(64), primary_key=True),
        sa.Column("kind", sa.String(30), nullable=False),
        sa.Column("subject_code", sa.String(12), nullable=False),
        sa.Column("person", sa.String(100), nullable=False),
        sa.Column("post", sa.String(100), nullable=False),
        sa.Column("grounds", postgresql.JSONB, nullable=False),
        sa.Column("reason", sa.String(None), nullable=False),
        sa.Column("decided_by", sa.String(200), nullable=False),
        sa.Column("decided_on", sa.Date, nullable=False),
        sa.Column("filed_with", sa.String(12)),
        sa.Column("actor", postgresql.JSONB, nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False, server_default=sa.func.now()),
    )
    op.create_index("ix_sv_accountability_subject_code", "sv_accountability", ["subject_code"])
    op.create_table(
        "sv_evaluations",
        sa.Column("evaluation_id", sa.String(64), primary_key=True),
        sa.Column("subject_code", sa.String(12), nullable=False),
        sa.Column("role", sa.String(30), nullable=False),
        sa.Column("person", sa.String(100), nullable=False),
        sa.Column("user_id", sa.String(64)),
        sa.Column("grade", sa.String(20), nullable=False),
        sa.Column("comment", sa.String(None), nullable=False),
        sa.Column("evaluated_on", sa.Date, nullable=False),
        sa.Column("occasion", sa.String(None), nullable=False),
        sa.Column("reported_to", sa.String(12)),
        sa.Column("actor", postgresql.JSONB, nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False, server_default=sa.func.now()),
    )
    op.create_index("ix_sv_evaluations_subject_code", "sv_evaluations", ["subject_code"])


def downgrade() -> None:
    op.execute("DROP TRIGGER sv_journal_append_only ON sv_journal")
    op.execute("DROP FUNCTION sv_journal_append_only()")
    for table in ['sv_evaluations', 'sv_accountability', 'sv_inspections', 'sv_inspection_plans', 'sv_journal', 'sv_alerts', 'sv_falsifications', 'sv_delistings', 'sv_samples', 'sv_acceptances', 'sv_township_lists', 'sv_progress', 'sv_measures', 'sv_visits', 'sv_cases', 'sv_policy_versions', 'sv_campaigns']:
        op.drop_table(table)

