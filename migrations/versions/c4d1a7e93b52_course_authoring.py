"""course authoring in the browser: drafts, their files, published versions

Revision ID: c4d1a7e93b52
Revises: 9acb1dc1f081
Create Date: 2026-11-30 09:30:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "c4d1a7e93b52"
down_revision = "9acb1dc1f081"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "course_drafts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=100), nullable=False),
        sa.Column("course_id", sa.Integer(), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["course_id"],
            ["courses.id"],
            name=op.f("fk_course_drafts_course_id_courses"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_course_drafts_created_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_course_drafts")),
        sa.UniqueConstraint("course_id", name=op.f("uq_course_drafts_course_id")),
        sa.UniqueConstraint("slug", name=op.f("uq_course_drafts_slug")),
    )
    op.create_table(
        "course_draft_files",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("draft_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["draft_id"],
            ["course_drafts.id"],
            name=op.f("fk_course_draft_files_draft_id_course_drafts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_course_draft_files")),
        sa.UniqueConstraint("draft_id", "name", name=op.f("uq_course_draft_files_draft_id_name")),
    )
    with op.batch_alter_table("course_draft_files") as batch:
        batch.create_index(batch.f("ix_course_draft_files_draft_id"), ["draft_id"])
    op.create_table(
        "course_publications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("draft_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("archive", sa.LargeBinary(), nullable=False),
        sa.Column("restored_from", sa.Integer(), nullable=True),
        sa.Column("published_by_id", sa.Integer(), nullable=True),
        sa.Column("published_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["draft_id"],
            ["course_drafts.id"],
            name=op.f("fk_course_publications_draft_id_course_drafts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["published_by_id"],
            ["users.id"],
            name=op.f("fk_course_publications_published_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_course_publications")),
        sa.UniqueConstraint(
            "draft_id", "number", name=op.f("uq_course_publications_draft_id_number")
        ),
    )
    with op.batch_alter_table("course_publications") as batch:
        batch.create_index(batch.f("ix_course_publications_draft_id"), ["draft_id"])


def downgrade():
    with op.batch_alter_table("course_publications") as batch:
        batch.drop_index(batch.f("ix_course_publications_draft_id"))
    op.drop_table("course_publications")
    with op.batch_alter_table("course_draft_files") as batch:
        batch.drop_index(batch.f("ix_course_draft_files_draft_id"))
    op.drop_table("course_draft_files")
    op.drop_table("course_drafts")
