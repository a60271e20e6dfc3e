"""The reporting read model: dated facts per village (rm_* tables).

Revision ID: 0003
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

CODE = sa.String(12)


def _id(name: str = "event_id") -> sa.Column:
    return sa.Column(name, sa.String(80), primary_key=True)


def _seq() -> sa.Column:
    return sa.Column("seq", sa.BigInteger, sa.Identity(always=False), nullable=False)


TABLES = {
    "rm_campaign": lambda: [
        _id("campaign_id"), sa.Column("name", sa.String(200), nullable=False),
        sa.Column("area_code", CODE, nullable=False), sa.Column("area_prefix", sa.String(12), nullable=False),
        sa.Column("opened_on", sa.Date, nullable=False), sa.Column("criteria", postgresql.JSONB, nullable=False),
        sa.Column("lagging_rule", sa.String(2000), nullable=False), sa.Column("phases", postgresql.JSONB, nullable=False)],
    "rm_policy": lambda: [
        sa.Column("campaign_id", sa.String(80), primary_key=True), sa.Column("version", sa.Integer, primary_key=True),
        sa.Column("effective_on", sa.Date, nullable=False), sa.Column("policy", postgresql.JSONB, nullable=False)],
    "rm_assessment": lambda: [
        _id(), sa.Column("campaign_id", sa.String(80), nullable=False), sa.Column("village_code", CODE, nullable=False),
        sa.Column("result", sa.String(20), nullable=False), sa.Column("assessed_on", sa.Date, nullable=False)],
    "rm_designation": lambda: [
        _id(), _seq(), sa.Column("campaign_id", sa.String(80), nullable=False), sa.Column("village_code", CODE, nullable=False),
        sa.Column("category", sa.String(20), nullable=False),
        sa.Column("criteria", postgresql.ARRAY(sa.String(60)), nullable=False),
        sa.Column("basis", sa.String(20), nullable=False), sa.Column("decision_number", sa.String(120)),
        sa.Column("designated_on", sa.Date, nullable=False), sa.Column("policy_version", sa.Integer, nullable=False)],
    "rm_removal": lambda: [
        _id(), _seq(), sa.Column("campaign_id", sa.String(80), nullable=False), sa.Column("village_code", CODE, nullable=False),
        sa.Column("reason", sa.String(20), nullable=False), sa.Column("removed_on", sa.Date, nullable=False)],
    "rm_county_list": lambda: [
        _id(), sa.Column("campaign_id", sa.String(80), nullable=False), sa.Column("county_code", CODE, nullable=False),
        sa.Column("decision_number", sa.String(120), nullable=False), sa.Column("decided_on", sa.Date, nullable=False),
        sa.Column("weak_and_lax", sa.Integer, nullable=False), sa.Column("lagging", sa.Integer, nullable=False),
        sa.Column("administrative_villages", sa.Integer, nullable=False)],
    "rm_filing": lambda: [
        _id(), sa.Column("campaign_id", sa.String(80), nullable=False), sa.Column("county_code", CODE, nullable=False),
        sa.Column("filing_date", sa.Date, nullable=False), sa.Column("filed_on", sa.Date, nullable=False),
        sa.Column("late", sa.Boolean, nullable=False), sa.Column("entries", sa.Integer, nullable=False),
        sa.Column("content_hash", sa.String(64), nullable=False)],
    "rm_case": lambda: [
        _id("case_id"), _seq(), sa.Column("campaign_id", sa.String(80), nullable=False),
        sa.Column("village_code", CODE, nullable=False), sa.Column("category", sa.String(20), nullable=False),
        sa.Column("opened_on", sa.Date, nullable=False)],
    "rm_case_phase": lambda: [
        _id(), _seq(), sa.Column("case_id", sa.String(80), nullable=False), sa.Column("village_code", CODE, nullable=False),
        sa.Column("phase", sa.String(30), nullable=False), sa.Column("changed_on", sa.Date, nullable=False)],
    "rm_contact_leader": lambda: [
        _id(), _seq(), sa.Column("case_id", sa.String(80), nullable=False), sa.Column("village_code", CODE, nullable=False),
        sa.Column("name", sa.String(100), nullable=False), sa.Column("post", sa.String(200), nullable=False),
        sa.Column("assigned_on", sa.Date, nullable=False)],
    "rm_measure": lambda: [
        _id("measure_id"), sa.Column("case_id", sa.String(80), nullable=False), sa.Column("village_code", CODE, nullable=False),
        sa.Column("title", sa.String(500), nullable=False), sa.Column("deadline", sa.Date, nullable=False),
        sa.Column("planned_on", sa.Date, nullable=False)],
    "rm_progress": lambda: [
        _id("record_id"), _seq(), sa.Column("measure_id", sa.String(80), nullable=False),
        sa.Column("village_code", CODE, nullable=False), sa.Column("status", sa.String(20), nullable=False),
        sa.Column("recorded_on", sa.Date, nullable=False)],
    "rm_visit": lambda: [
        _id("visit_id"), sa.Column("case_id", sa.String(80), nullable=False), sa.Column("village_code", CODE, nullable=False),
        sa.Column("visited_on", sa.Date, nullable=False), sa.Column("talked_with_all", sa.Boolean, nullable=False),
        sa.Column("problems_pushed", sa.Integer, nullable=False)],
    "rm_alert": lambda: [
        _id("alert_id"), sa.Column("unit_code", CODE, nullable=False), sa.Column("rule", sa.String(80), nullable=False),
        sa.Column("severity", sa.String(10), nullable=False), sa.Column("raised_on", sa.Date, nullable=False)],
    "rm_alert_resolution": lambda: [
        _id("alert_id"), sa.Column("resolved_on", sa.Date, nullable=False)],
    "rm_acceptance": lambda: [
        _id(), _seq(), sa.Column("village_code", CODE, nullable=False), sa.Column("outcome", sa.String(20), nullable=False),
        sa.Column("step", sa.String(30)), sa.Column("on_date", sa.Date, nullable=False)],
    "rm_secretary": lambda: [
        sa.Column("village_code", CODE, primary_key=True), sa.Column("user_id", sa.String(80), nullable=False),
        sa.Column("name", sa.String(100), nullable=False)],
}
INDEXES = [
    ("rm_assessment", "village_code"), ("rm_designation", "village_code"), ("rm_designation", "seq"),
    ("rm_removal", "village_code"), ("rm_removal", "seq"), ("rm_county_list", "county_code"), ("rm_filing", "county_code"),
    ("rm_case", "village_code"), ("rm_case", "seq"), ("rm_case_phase", "case_id"), ("rm_case_phase", "village_code"),
    ("rm_case_phase", "seq"), ("rm_contact_leader", "case_id"), ("rm_contact_leader", "village_code"),
    ("rm_contact_leader", "seq"), ("rm_measure", "case_id"), ("rm_measure", "village_code"),
    ("rm_progress", "measure_id"), ("rm_progress", "village_code"), ("rm_progress", "seq"), ("rm_visit", "case_id"),
    ("rm_visit", "village_code"), ("rm_alert", "unit_code"), ("rm_acceptance", "village_code"), ("rm_acceptance", "seq"),
]


def upgrade() -> None:
    for name, columns in TABLES.items():
        op.create_table(name, *columns())
    for table, column in INDEXES:
        # text_pattern_ops: the prefix test (code LIKE '3201%') uses the index whatever the collation
        ops = {"postgresql_ops": {column: "text_pattern_ops"}} if column.endswith("code") else {}
        op.create_index(f"ix_{table}_{column}", table, [column], **ops)


def downgrade() -> None:
    for name in reversed(list(TABLES)):
        op.drop_table(name)
