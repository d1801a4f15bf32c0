"""learning paths: ordered courses required by position type, carried out by assignments

Revision ID: b83f5e2a7c19
Revises: 5e7b9c1d2a40
Create Date: 2026-11-30 09:20:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "b83f5e2a7c19"
down_revision = "5e7b9c1d2a40"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "learning_paths",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("deadline", sa.Date(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("cancelled_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_learning_paths_created_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_learning_paths")),
    )
    with op.batch_alter_table("learning_paths") as batch:
        batch.create_index(batch.f("ix_learning_paths_cancelled_at"), ["cancelled_at"])
    op.create_table(
        "learning_path_steps",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("path_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("course_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["course_id"],
            ["courses.id"],
            name=op.f("fk_learning_path_steps_course_id_courses"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["path_id"],
            ["learning_paths.id"],
            name=op.f("fk_learning_path_steps_path_id_learning_paths"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_learning_path_steps")),
        sa.UniqueConstraint("path_id", "course_id", name="uq_learning_path_steps_course"),
        sa.UniqueConstraint("path_id", "position", name="uq_learning_path_steps_position"),
    )
    op.create_table(
        "learning_path_assignments",
        sa.Column("path_id", sa.Integer(), nullable=False),
        sa.Column("assignment_id", sa.Integer(), nullable=False),
        sa.Column("made", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["assignment_id"],
            ["assignments.id"],
            name=op.f("fk_learning_path_assignments_assignment_id_assignments"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["path_id"],
            ["learning_paths.id"],
            name=op.f("fk_learning_path_assignments_path_id_learning_paths"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "path_id", "assignment_id", name=op.f("pk_learning_path_assignments")
        ),
    )
    with op.batch_alter_table("learning_path_assignments") as batch:
        batch.create_index("ix_learning_path_assignments_assignment", ["assignment_id"])


def downgrade():
    op.drop_table("learning_path_assignments")
    op.drop_table("learning_path_steps")
    with op.batch_alter_table("learning_paths") as batch:
        batch.drop_index(batch.f("ix_learning_paths_cancelled_at"))
    op.drop_table("learning_paths")
