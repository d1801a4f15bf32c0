"""correction requests and privacy notice acknowledgement

Revision ID: c7e2a91f0b3d
Revises: b7e2c4a19d3f
Create Date: 2026-11-30 06:50:00.000000

Requests to correct a profile field (UU 27/2022 Pasal 6) with HR's decision, and on users the
version of the privacy notice each person last acknowledged, and when.

"""

import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = "c7e2a91f0b3d"
down_revision = "b7e2c4a19d3f"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "correction_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("field", sa.String(length=20), nullable=False),
        sa.Column("value", sa.String(length=254), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=True),
        sa.Column("old_value", sa.String(length=254), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("decided_at", sa.DateTime(), nullable=True),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("outcome", sa.String(length=10), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["decided_by_id"],
            ["users.id"],
            name=op.f("fk_correction_requests_decided_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"],
            ["units.id"],
            name=op.f("fk_correction_requests_unit_id_units"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_correction_requests_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_correction_requests")),
    )
    with op.batch_alter_table("correction_requests", schema=None) as batch_op:
        batch_op.create_index(
            "ix_correction_requests_decided_created", ["decided_at", "created_at"], unique=False
        )
        batch_op.create_index(
            "ix_correction_requests_user_created", ["user_id", "created_at"], unique=False
        )

    # Plain ALTER TABLE, not batch mode: on SQLite batch mode copies the users table, and
    # dropping the old copy would cascade to everything that refers to people.
    op.add_column("users", sa.Column("privacy_version", sa.String(length=20), nullable=True))
    op.add_column("users", sa.Column("privacy_seen_at", sa.DateTime(), nullable=True))


def downgrade():
    # Plain ALTER TABLE ... DROP COLUMN (SQLite 3.35+), for the same reason as above.
    op.drop_column("users", "privacy_seen_at")
    op.drop_column("users", "privacy_version")
    with op.batch_alter_table("correction_requests", schema=None) as batch_op:
        batch_op.drop_index("ix_correction_requests_user_created")
        batch_op.drop_index("ix_correction_requests_decided_created")

    op.drop_table("correction_requests")
