"""account activation and reset links

Revision ID: 4acdd5171bf1
Revises: 5c1e0b7d9a21
Create Date: 2026-11-30 07:30:00.000000

Emailed single-use links (account_tokens, stored only as hashes) and users.activated_at. People
who already signed in, or chose their own password, count as activated from then; a person who
only holds a temporary password from HR and never signed in does not.

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '4acdd5171bf1'
down_revision = '5c1e0b7d9a21'
branch_labels = None
depends_on = None

PENDING = "used_at IS NULL AND revoked_at IS NULL"


def upgrade():
    op.create_table('account_tokens',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('purpose', sa.String(length=20), nullable=False),
    sa.Column('nonce', sa.String(length=32), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('expires_at', sa.DateTime(), nullable=False),
    sa.Column('used_at', sa.DateTime(), nullable=True),
    sa.Column('revoked_at', sa.DateTime(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_account_tokens_created_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_account_tokens_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_account_tokens')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_account_tokens_token_hash'))
    )
    with op.batch_alter_table('account_tokens', schema=None) as batch_op:
        batch_op.create_index('ix_account_tokens_user_purpose_created', ['user_id', 'purpose', 'created_at'], unique=False)
        batch_op.create_index(
            'uq_account_tokens_pending', ['user_id', 'purpose'], unique=True,
            sqlite_where=sa.text(PENDING), postgresql_where=sa.text(PENDING),
        )

    # Plain ALTER TABLE, not batch mode: on SQLite batch mode copies the users table, and
    # dropping the old copy would cascade to everything that refers to people.
    op.add_column('users', sa.Column('activated_at', sa.DateTime(), nullable=True))
    users = sa.table(
        'users',
        sa.column('activated_at', sa.DateTime),
        sa.column('last_login_at', sa.DateTime),
        sa.column('created_at', sa.DateTime),
        sa.column('password_hash', sa.String),
        sa.column('must_change_password', sa.Boolean),
    )
    op.execute(
        users.update()
        .where(
            users.c.password_hash.is_not(None),
            sa.or_(users.c.last_login_at.is_not(None), users.c.must_change_password.is_(False)),
        )
        .values(activated_at=sa.func.coalesce(users.c.last_login_at, users.c.created_at))
    )


def downgrade():
    # Plain ALTER TABLE ... DROP COLUMN (SQLite 3.35+), for the same reason as above.
    op.drop_column('users', 'activated_at')
    with op.batch_alter_table('account_tokens', schema=None) as batch_op:
        batch_op.drop_index('uq_account_tokens_pending')
        batch_op.drop_index('ix_account_tokens_user_purpose_created')

    op.drop_table('account_tokens')
