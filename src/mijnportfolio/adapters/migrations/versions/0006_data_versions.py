"""Data versions: a counter that committed writes to the examination's tables raise, so that
caches of the overview and the dashboard know when they are stale; joins the two 0005 heads

Revision ID: 0006
Revises: 0005m, 0005p
Create Date: 2026-12-03 17:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = ("0005m", "0005p")
branch_labels = None
depends_on = None


def upgrade() -> None:
    table = op.create_table(
        "data_versions",
        sa.Column("name", sa.String(40), nullable=False),
        sa.Column("version", sa.BigInteger(), server_default="1", nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_data_versions")),
    )
    op.bulk_insert(table, [{"name": "examination", "version": 1}])


def downgrade() -> None:
    op.drop_table("data_versions")
