"""Supervision: a township's special actions (task-decomposition table, pilots, progress) and the organization-life
schedules and meetings of its branches, and the supervisions of its plan (seed 004).

Revision ID: 0018
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def _created_at() -> sa.Column:
    return sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False)


def upgrade() -> None:
    op.create_table(
        "sv_special_actions",
        sa.Column("action_id", sa.String(64), primary_key=True),
        sa.Column("township_code", sa.String(12), nullable=False),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("starts_on", sa.Date, nullable=False),
        sa.Column("ends_on", sa.Date, nullable=False),
        sa.Column("pilot_villages", JSONB, nullable=False),
        sa.Column("actor", JSONB, nullable=False),
        _created_at(),
    )
    op.create_table(
        "sv_special_action_items",
        sa.Column("item_id", sa.String(64), primary_key=True),
        sa.Column("action_id", sa.String(64), nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("project", sa.Text, nullable=False),
        sa.Column("content", sa.Text, nullable=False),
        sa.Column("requirement", sa.Text, nullable=False),
        sa.Column("time_node", sa.Text, nullable=False),
        sa.Column("due_on", sa.Date, nullable=False),
        sa.Column("responsible_name", sa.String(100), nullable=False),
        sa.Column("responsible_user_id", sa.String(64)),
    )
    op.create_table(
        "sv_special_action_progress",
        sa.Column("record_id", sa.String(64), primary_key=True),
        sa.Column("action_id", sa.String(64), nullable=False),
        sa.Column("item_id", sa.String(64), nullable=False),
        sa.Column("recorded_on", sa.Date, nullable=False),
        sa.Column("village_code", sa.String(12)),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("evidence", sa.Text, nullable=False),
        sa.Column("done", sa.Boolean, nullable=False),
        sa.Column("actor", JSONB, nullable=False),
        _created_at(),
    )
    op.create_table(
        "sv_org_life_schedules",
        sa.Column("schedule_id", sa.String(64), primary_key=True),
        sa.Column("township_code", sa.String(12), nullable=False),
        sa.Column("branch_codes", JSONB, nullable=False),
        sa.Column("kinds", JSONB, nullable=False),
        sa.Column("starts_on", sa.Date, nullable=False),
        sa.Column("ends_on", sa.Date),
        sa.Column("action_id", sa.String(64)),
        sa.Column("actor", JSONB, nullable=False),
        _created_at(),
    )
    op.create_table(
        "sv_org_life_meetings",
        sa.Column("meeting_id", sa.String(64), primary_key=True),
        sa.Column("branch_code", sa.String(12), nullable=False),
        sa.Column("kind", sa.String(30), nullable=False),
        sa.Column("held_on", sa.Date, nullable=False),
        sa.Column("attendees", JSONB, nullable=False),
        sa.Column("minutes", sa.Text, nullable=False),
        sa.Column("topic", sa.Text, nullable=False),
        sa.Column("actor", JSONB, nullable=False),
        _created_at(),
    )


    op.create_table(
        "sv_special_action_supervisions",
        sa.Column("supervision_id", sa.String(64), primary_key=True),
        sa.Column("township_code", sa.String(12), nullable=False),
        sa.Column("mode", sa.String(20), nullable=False),
        sa.Column("held_on", sa.Date, nullable=False),
        sa.Column("action_ids", JSONB, nullable=False),
        sa.Column("item_id", sa.String(64)),
        sa.Column("branch_codes", JSONB, nullable=False),
        sa.Column("inspectors", JSONB, nullable=False),
        sa.Column("findings", sa.Text, nullable=False),
        sa.Column("results", JSONB, nullable=False),
        sa.Column("actor", JSONB, nullable=False),
        _created_at(),
    )
    for table, column in (("sv_special_actions", "township_code"), ("sv_special_action_items", "action_id"),
                          ("sv_special_action_progress", "action_id"), ("sv_special_action_progress", "item_id"),
                          ("sv_org_life_schedules", "township_code"), ("sv_org_life_meetings", "branch_code"),
                          ("sv_special_action_supervisions", "township_code")):
        op.create_index(f"ix_{table}_{column}", table, [column])


def downgrade() -> None:
    for table in ("sv_special_action_supervisions", "sv_org_life_meetings", "sv_org_life_schedules", "sv_special_action_progress",
                  "sv_special_action_items", "sv_special_actions"):
        op.drop_table(table)
