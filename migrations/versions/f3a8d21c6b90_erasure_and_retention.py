"""erasure and retention: when an account was deactivated, and when it was anonymised

Revision ID: f3a8d21c6b90
Revises: c7e2a91f0b3d
Create Date: 2026-11-30 08:40:00.000000

``deactivated_at`` starts the retention period (LMS_RETENTION_YEARS); accounts deactivated before
this revision take their last change (``updated_at``) as the best date known. ``erased_at``
marks an anonymised person (UU 27/2022 Pasal 8), so erasure is done once.

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "f3a8d21c6b90"
down_revision = "c7e2a91f0b3d"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("deactivated_at", sa.DateTime(), nullable=True))
        batch.add_column(sa.Column("erased_at", sa.DateTime(), nullable=True))
        batch.create_index("ix_users_deactivated_at", ["deactivated_at"])
    users = sa.table(
        "users",
        sa.column("active", sa.Boolean()),
        sa.column("updated_at", sa.DateTime()),
        sa.column("deactivated_at", sa.DateTime()),
    )
    op.execute(
        users.update().where(users.c.active.is_(False)).values(deactivated_at=users.c.updated_at)
    )


def downgrade():
    with op.batch_alter_table("users") as batch:
        batch.drop_index("ix_users_deactivated_at")
        batch.drop_column("erased_at")
        batch.drop_column("deactivated_at")
