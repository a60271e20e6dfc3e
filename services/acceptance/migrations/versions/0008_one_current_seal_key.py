"""Acceptance: at most one current seal key per unit, kept by a unique index (and no longer by a lock of the unit that
every first seal of it waited for in turn).

Revision ID: 0008
"""
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # The unit's lock made the keys so far: one current key per unit already.
    op.execute("CREATE UNIQUE INDEX uq_seal_keys_current ON seal_keys (unit_code) WHERE retired_at IS NULL")


def downgrade() -> None:
    op.execute("DROP INDEX uq_seal_keys_current")
