"""Purchase orders are reserved before money moves; a conversation runs one round at a time.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-29 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "purchase_orders",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("user_id", sa.Uuid(), sa.ForeignKey("users.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("order_id", sa.String(64), nullable=False),
        sa.Column("amount", sa.Integer(), nullable=False),
        sa.Column("payment_reference", sa.String(255), nullable=True),
        sa.Column("transaction_id", sa.Uuid(),
                  sa.ForeignKey("credit_transactions.id", ondelete="SET NULL"), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("paid_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("amount > 0", name="amount_positive"),
        sa.UniqueConstraint("user_id", "order_id"),
    )
    with op.batch_alter_table("conversations") as batch:
        batch.add_column(sa.Column("round_lease", sa.String(64), nullable=True))
        batch.add_column(sa.Column("round_started_at", sa.DateTime(timezone=True),
                                   nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("conversations") as batch:
        batch.drop_column("round_started_at")
        batch.drop_column("round_lease")
    op.drop_table("purchase_orders")
