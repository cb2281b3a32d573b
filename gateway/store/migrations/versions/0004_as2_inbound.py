"""AS2 Message-IDs received: duplicate detection and the trace of failed receptions.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from gateway.store.types import UtcDateTime

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "as2_inbound",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("as2_from", sa.String(length=128), nullable=False),
        sa.Column("as2_to", sa.String(length=128), nullable=False),
        sa.Column("message_id", sa.String(length=255), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("partner_id", sa.String(length=128), nullable=True),
        sa.Column("invoice_id", sa.String(length=36), nullable=True),
        sa.Column("disposition", sa.String(length=255), nullable=False),
        sa.Column("error_code", sa.String(length=64), nullable=True),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("first_at", UtcDateTime(), nullable=False),
        sa.Column("last_at", UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_as2_inbound")),
        sa.UniqueConstraint("as2_from", "message_id", name=op.f("uq_as2_inbound_as2_from_message_id")),
    )
    with op.batch_alter_table("as2_inbound", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_as2_inbound_status_last_at"), ["status", "last_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("as2_inbound", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_as2_inbound_status_last_at"))
    op.drop_table("as2_inbound")
