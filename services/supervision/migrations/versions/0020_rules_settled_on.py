"""Supervision: the day on which every rule was last judged over a campaign's whole area (the clock's evaluation), so
that an event between two such days re-judges only the rules it can affect (issue 20). NULL: not since a change no
event-by-event judgement covers (the clock set back, the registry changed): every event judges every rule.

Revision ID: 0020
"""
import sqlalchemy as sa
from alembic import op

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("sv_campaigns", sa.Column("rules_settled_on", sa.Date, nullable=True))


def downgrade() -> None:
    op.drop_column("sv_campaigns", "rules_settled_on")
