"""Channel tracking state (deliveries a channel still follows, e.g. Chorus Pro statuses).

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from gateway.store.types import UtcDateTime

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "tracking",
        sa.Column("message_id", sa.String(length=255), nullable=False),
        sa.Column("channel_key", sa.String(length=255), nullable=False),
        sa.Column("state", sa.JSON(), nullable=False),
        sa.Column("updated_at", UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("message_id", name=op.f("pk_tracking")),
    )
    with op.batch_alter_table("tracking", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_tracking_channel_key"), ["channel_key"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("tracking", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_tracking_channel_key"))
    op.drop_table("tracking")
