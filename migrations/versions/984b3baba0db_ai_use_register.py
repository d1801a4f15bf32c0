"""AI register (Registri Pemanfaatan AI): entries per unit, their DPIA, links to action items
and courses, and the people who keep a unit's register

Revision ID: 984b3baba0db
Revises: b83f5e2a7c19
Create Date: 2026-11-30 08:29:26.953213

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "984b3baba0db"
down_revision = "b83f5e2a7c19"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "ai_use_delegates",
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["unit_id"],
            ["units.id"],
            name=op.f("fk_ai_use_delegates_unit_id_units"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_ai_use_delegates_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("unit_id", "user_id", name=op.f("pk_ai_use_delegates")),
    )
    with op.batch_alter_table("ai_use_delegates", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_ai_use_delegates_user_id"), ["user_id"], unique=False)

    op.create_table(
        "ai_uses",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("purpose", sa.Text(), nullable=False),
        sa.Column("public_service", sa.String(length=300), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("tool", sa.String(length=200), nullable=False),
        sa.Column("model", sa.String(length=200), nullable=True),
        sa.Column("data_location", sa.String(length=20), nullable=False),
        sa.Column("data_category", sa.String(length=20), nullable=False),
        sa.Column("decisions", sa.String(length=20), nullable=False),
        sa.Column("human_oversight", sa.Text(), nullable=True),
        sa.Column("risk", sa.String(length=10), nullable=False),
        sa.Column("responsible_id", sa.Integer(), nullable=False),
        sa.Column("next_review_on", sa.Date(), nullable=True),
        sa.Column("published_at", sa.DateTime(), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_ai_uses_created_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["responsible_id"], ["users.id"], name=op.f("fk_ai_uses_responsible_id_users")
        ),
        sa.ForeignKeyConstraint(["unit_id"], ["units.id"], name=op.f("fk_ai_uses_unit_id_units")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ai_uses")),
    )
    with op.batch_alter_table("ai_uses", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_ai_uses_created_by_id"), ["created_by_id"], unique=False
        )
        batch_op.create_index("ix_ai_uses_next_review_on", ["next_review_on"], unique=False)
        batch_op.create_index("ix_ai_uses_published_at", ["published_at"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_ai_uses_responsible_id"), ["responsible_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_ai_uses_risk"), ["risk"], unique=False)
        batch_op.create_index("ix_ai_uses_unit_status", ["unit_id", "status"], unique=False)

    op.create_table(
        "ai_use_action_items",
        sa.Column("entry_id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["entry_id"],
            ["ai_uses.id"],
            name=op.f("fk_ai_use_action_items_entry_id_ai_uses"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["action_items.id"],
            name=op.f("fk_ai_use_action_items_item_id_action_items"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("entry_id", "item_id", name=op.f("pk_ai_use_action_items")),
    )
    with op.batch_alter_table("ai_use_action_items", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_ai_use_action_items_item_id"), ["item_id"], unique=False
        )

    op.create_table(
        "ai_use_courses",
        sa.Column("entry_id", sa.Integer(), nullable=False),
        sa.Column("course_slug", sa.String(length=100), nullable=False),
        sa.ForeignKeyConstraint(
            ["entry_id"],
            ["ai_uses.id"],
            name=op.f("fk_ai_use_courses_entry_id_ai_uses"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("entry_id", "course_slug", name=op.f("pk_ai_use_courses")),
    )
    op.create_table(
        "ai_use_dpias",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("entry_id", sa.Integer(), nullable=False),
        sa.Column("purpose_necessity", sa.Text(), nullable=True),
        sa.Column("minimisation", sa.Text(), nullable=True),
        sa.Column("risks", sa.Text(), nullable=True),
        sa.Column("safeguards", sa.Text(), nullable=True),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("signed_off_by_id", sa.Integer(), nullable=True),
        sa.Column("signed_off_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["entry_id"],
            ["ai_uses.id"],
            name=op.f("fk_ai_use_dpias_entry_id_ai_uses"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["signed_off_by_id"],
            ["users.id"],
            name=op.f("fk_ai_use_dpias_signed_off_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["updated_by_id"],
            ["users.id"],
            name=op.f("fk_ai_use_dpias_updated_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ai_use_dpias")),
        sa.UniqueConstraint("entry_id", name=op.f("uq_ai_use_dpias_entry_id")),
    )
    with op.batch_alter_table("ai_use_dpias", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_ai_use_dpias_signed_off_by_id"), ["signed_off_by_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_ai_use_dpias_updated_by_id"), ["updated_by_id"], unique=False
        )


def downgrade():
    with op.batch_alter_table("ai_use_dpias", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ai_use_dpias_updated_by_id"))
        batch_op.drop_index(batch_op.f("ix_ai_use_dpias_signed_off_by_id"))

    op.drop_table("ai_use_dpias")
    op.drop_table("ai_use_courses")
    with op.batch_alter_table("ai_use_action_items", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ai_use_action_items_item_id"))

    op.drop_table("ai_use_action_items")
    with op.batch_alter_table("ai_uses", schema=None) as batch_op:
        batch_op.drop_index("ix_ai_uses_unit_status")
        batch_op.drop_index(batch_op.f("ix_ai_uses_risk"))
        batch_op.drop_index(batch_op.f("ix_ai_uses_responsible_id"))
        batch_op.drop_index("ix_ai_uses_published_at")
        batch_op.drop_index("ix_ai_uses_next_review_on")
        batch_op.drop_index(batch_op.f("ix_ai_uses_created_by_id"))

    op.drop_table("ai_uses")
    with op.batch_alter_table("ai_use_delegates", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ai_use_delegates_user_id"))

    op.drop_table("ai_use_delegates")
