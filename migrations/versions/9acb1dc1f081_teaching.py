"""Teaching: course instructors (pengajar), essay grades, questions to the instructor on lessons

Revision ID: 9acb1dc1f081
Revises: 984b3baba0db
Create Date: 2026-11-30 08:51:31.071013

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "9acb1dc1f081"
down_revision = "984b3baba0db"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "course_instructors",
        sa.Column("course_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("assigned_by_id", sa.Integer(), nullable=True),
        sa.Column("assigned_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["assigned_by_id"],
            ["users.id"],
            name=op.f("fk_course_instructors_assigned_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["course_id"],
            ["courses.id"],
            name=op.f("fk_course_instructors_course_id_courses"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_course_instructors_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("course_id", "user_id", name=op.f("pk_course_instructors")),
    )
    with op.batch_alter_table("course_instructors", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_course_instructors_user_id"), ["user_id"], unique=False
        )

    op.create_table(
        "lesson_questions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("course_id", sa.Integer(), nullable=False),
        sa.Column("lesson_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("body_html", sa.Text(), nullable=False),
        sa.Column("private", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("answered_at", sa.DateTime(), nullable=True),
        sa.Column("hidden_at", sa.DateTime(), nullable=True),
        sa.Column("hidden_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["course_id"],
            ["courses.id"],
            name=op.f("fk_lesson_questions_course_id_courses"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["hidden_by_id"],
            ["users.id"],
            name=op.f("fk_lesson_questions_hidden_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["lesson_id"],
            ["lessons.id"],
            name=op.f("fk_lesson_questions_lesson_id_lessons"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_lesson_questions_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lesson_questions")),
    )
    with op.batch_alter_table("lesson_questions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_lesson_questions_course_id"), ["course_id"], unique=False
        )
        batch_op.create_index(
            "ix_lesson_questions_lesson_created", ["lesson_id", "created_at"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_lesson_questions_user_id"), ["user_id"], unique=False)

    op.create_table(
        "lesson_answers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("question_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("body_html", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["question_id"],
            ["lesson_questions.id"],
            name=op.f("fk_lesson_answers_question_id_lesson_questions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_lesson_answers_user_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lesson_answers")),
    )
    with op.batch_alter_table("lesson_answers", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_lesson_answers_question_id"), ["question_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_lesson_answers_user_id"), ["user_id"], unique=False)

    op.create_table(
        "essay_grades",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("attempt_question_id", sa.Integer(), nullable=False),
        sa.Column("grader_id", sa.Integer(), nullable=True),
        sa.Column("fraction", sa.Float(), nullable=False),
        sa.Column("feedback_html", sa.Text(), nullable=False),
        sa.Column("graded_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["attempt_question_id"],
            ["attempt_questions.id"],
            name=op.f("fk_essay_grades_attempt_question_id_attempt_questions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["grader_id"],
            ["users.id"],
            name=op.f("fk_essay_grades_grader_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_essay_grades")),
        sa.UniqueConstraint(
            "attempt_question_id", name=op.f("uq_essay_grades_attempt_question_id")
        ),
    )
    with op.batch_alter_table("essay_grades", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_essay_grades_grader_id"), ["grader_id"], unique=False)


def downgrade():
    with op.batch_alter_table("essay_grades", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_essay_grades_grader_id"))

    op.drop_table("essay_grades")
    with op.batch_alter_table("lesson_answers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_lesson_answers_user_id"))
        batch_op.drop_index(batch_op.f("ix_lesson_answers_question_id"))

    op.drop_table("lesson_answers")
    with op.batch_alter_table("lesson_questions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_lesson_questions_user_id"))
        batch_op.drop_index("ix_lesson_questions_lesson_created")
        batch_op.drop_index(batch_op.f("ix_lesson_questions_course_id"))

    op.drop_table("lesson_questions")
    with op.batch_alter_table("course_instructors", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_course_instructors_user_id"))

    op.drop_table("course_instructors")
