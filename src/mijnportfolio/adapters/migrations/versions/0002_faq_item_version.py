"""FAQ items get a version, so that two admins editing one item cannot overwrite each other

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-03 15:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("faq_items", schema=None) as batch_op:
        batch_op.add_column(sa.Column("version", sa.Integer(), nullable=False, server_default="1"))


def downgrade() -> None:
    with op.batch_alter_table("faq_items", schema=None) as batch_op:
        batch_op.drop_column("version")
