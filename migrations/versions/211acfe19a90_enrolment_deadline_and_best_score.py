"""enrolment deadline and best score

Reports read enrolments alone: each carries the deadline it is owed by and its best quiz score.
The quiz figures are backfilled here from the submitted attempts; the deadlines (and the
enrolments of owed courses not yet enrolled) are filled by the next ``apply_assignments`` run,
which the daily ``flask lms remind`` and ``flask lms courses sync`` start with.

Revision ID: 211acfe19a90
Revises: e9da5b783c67
Create Date: 2026-11-27 23:25:02.579718

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '211acfe19a90'
down_revision = 'e9da5b783c67'
branch_labels = None
depends_on = None


def upgrade():
    # Plain ALTER TABLE, not batch mode: on SQLite batch mode copies the table and drops the
    # old one, and with foreign keys on that drop cascades to attempts and lesson progress.
    op.add_column('enrollments', sa.Column('deadline', sa.Date(), nullable=True))
    op.add_column('enrollments', sa.Column('best_score', sa.Float(), nullable=True))
    op.add_column('enrollments', sa.Column('attempts', sa.Integer(), server_default='0', nullable=False))
    op.add_column('enrollments', sa.Column('quiz_passed', sa.Boolean(), server_default=sa.false(), nullable=False))
    op.create_index('ix_enrollments_course_deadline', 'enrollments', ['course_id', 'deadline'], unique=False)

    enrollments = sa.table(
        "enrollments",
        sa.column("id", sa.Integer),
        sa.column("best_score", sa.Float),
        sa.column("attempts", sa.Integer),
        sa.column("quiz_passed", sa.Boolean),
    )
    attempts = sa.table(
        "attempts",
        sa.column("id", sa.Integer),
        sa.column("enrollment_id", sa.Integer),
        sa.column("submitted_at", sa.DateTime),
        sa.column("score", sa.Float),
        sa.column("passed", sa.Boolean),
    )
    submitted = (
        attempts.c.enrollment_id == enrollments.c.id,
        attempts.c.submitted_at.is_not(None),
    )
    op.execute(
        enrollments.update()
        .where(sa.exists().where(*submitted))
        .values(
            best_score=sa.select(sa.func.max(attempts.c.score)).where(*submitted).scalar_subquery(),
            attempts=sa.select(sa.func.count(attempts.c.id)).where(*submitted).scalar_subquery(),
            quiz_passed=sa.exists().where(*submitted, attempts.c.passed.is_(True)),
        )
    )


def downgrade():
    # Plain ALTER TABLE ... DROP COLUMN (SQLite 3.35+), for the same reason as above.
    op.drop_index('ix_enrollments_course_deadline', table_name='enrollments')
    op.drop_column('enrollments', 'quiz_passed')
    op.drop_column('enrollments', 'attempts')
    op.drop_column('enrollments', 'best_score')
    op.drop_column('enrollments', 'deadline')
