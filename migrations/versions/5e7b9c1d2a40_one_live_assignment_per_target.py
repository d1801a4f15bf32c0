"""one live assignment per course, target and deadline

Revision ID: 5e7b9c1d2a40
Revises: a61c0d2e9b47
Create Date: 2026-11-30 09:00:00.000000

Assignments gain ``target`` (who they cover, in one value: ``all``, ``unit:12``, ``unit:12+``,
``position_type:Pengawas``) and a unique index on (course, target, deadline) among live ones.
Duplicates made before (the same course to the same people with the same deadline) are
withdrawn, keeping the oldest: they covered the same people by the same date, so nobody owes
anything else afterwards.

"""

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "5e7b9c1d2a40"
down_revision = "a61c0d2e9b47"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("assignments") as batch:
        batch.add_column(sa.Column("target", sa.String(length=60), nullable=True))
    op.execute(
        """
        UPDATE assignments SET target = CASE scope
          WHEN 'unit' THEN 'unit:' || CAST(unit_id AS VARCHAR(20))
            || CASE WHEN include_subunits THEN '+' ELSE '' END
          WHEN 'position_type' THEN 'position_type:' || position_type
          ELSE scope
        END
        """
    )
    withdraw = sa.text(
        """
        UPDATE assignments SET cancelled_at = :now
        WHERE cancelled_at IS NULL AND EXISTS (
          SELECT 1 FROM assignments AS older
          WHERE older.cancelled_at IS NULL AND older.course_id = assignments.course_id
            AND older.target = assignments.target AND older.deadline = assignments.deadline
            AND older.id < assignments.id
        )
        """
    )
    op.get_bind().execute(withdraw, {"now": datetime.now(UTC).replace(tzinfo=None)})
    with op.batch_alter_table("assignments") as batch:
        batch.alter_column("target", existing_type=sa.String(length=60), nullable=False)
    op.create_index(
        "uq_assignments_live_target",
        "assignments",
        ["course_id", "target", "deadline"],
        unique=True,
        sqlite_where=sa.text("cancelled_at IS NULL"),
        postgresql_where=sa.text("cancelled_at IS NULL"),
    )


def downgrade():
    op.drop_index("uq_assignments_live_target", table_name="assignments")
    with op.batch_alter_table("assignments") as batch:
        batch.drop_column("target")
