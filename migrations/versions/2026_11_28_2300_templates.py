"""Templates to start a script from (Chinese and English); conversations keep their language.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28 23:00:00
"""

import json
from collections.abc import Sequence
from pathlib import Path

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
SEED = Path(__file__).resolve().parent.parent / "data" / "templates.json"


def upgrade() -> None:
    templates = op.create_table(
        "templates",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("topic", sa.Text(), nullable=False),
        sa.Column("style", sa.String(16), nullable=False),
        sa.Column("language", sa.String(8), nullable=False),
        sa.Column("speakers", JSON, nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.CheckConstraint("style IN ('educational', 'casual', 'interview')", name="style"),
    )
    op.create_index(None, "templates", ["language"])
    # The seed is frozen with this revision: later changes to the library get migrations too.
    op.bulk_insert(templates, json.loads(SEED.read_text(encoding="utf-8")))
    with op.batch_alter_table("conversations") as batch:
        batch.add_column(sa.Column("language", sa.String(8), nullable=False,
                                   server_default="en"))


def downgrade() -> None:
    with op.batch_alter_table("conversations") as batch:
        batch.drop_column("language")
    op.drop_table("templates")
