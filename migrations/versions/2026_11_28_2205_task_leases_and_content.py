"""Tasks keep the content they render, and the lease of the worker attempt that owns them.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28 22:05:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("tasks") as batch:
        batch.add_column(sa.Column("script_content", sa.Text(), nullable=False,
                                   server_default=""))
        batch.add_column(sa.Column("lease", sa.String(64), nullable=True))
        batch.add_column(sa.Column("heartbeat_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("tasks") as batch:
        batch.drop_column("heartbeat_at")
        batch.drop_column("lease")
        batch.drop_column("script_content")
