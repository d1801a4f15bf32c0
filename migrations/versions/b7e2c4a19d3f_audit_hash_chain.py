"""audit hash chain

Revision ID: b7e2c4a19d3f
Revises: 4acdd5171bf1
Create Date: 2026-11-30 06:50:00.000000

Every audit event gets a gap-free sequence number, the previous event's hash and its own
SHA-256 hash; the one-row audit_chain_head holds the last of them. Existing events are chained
in the order they were written (by id). The hashing below is a frozen copy of
lms.audit.services.canonical/event_hash as they were when this revision was written.

"""
import hashlib
import json
from datetime import UTC
from types import SimpleNamespace

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b7e2c4a19d3f'
down_revision = '4acdd5171bf1'
branch_labels = None
depends_on = None

GENESIS = "0" * 64


def _hash(prev_hash, row):
    at = row.at.astimezone(UTC).replace(tzinfo=None) if row.at.tzinfo else row.at
    content = json.dumps(
        {
            "seq": row.seq,
            "at": at.isoformat(timespec="microseconds"),
            "actor_id": row.actor_id,
            "action": row.action,
            "target": row.target,
            "details": row.details,
            "ip": row.ip,
        },
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=True,
    )
    return hashlib.sha256(f"{prev_hash}\n{content}".encode()).hexdigest()


def upgrade():
    op.create_table('audit_chain_head',
    sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_chain_head'))
    )
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('seq', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('prev_hash', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('hash', sa.String(length=64), nullable=True))

    events = sa.table(
        'audit_events',
        sa.column('id', sa.Integer()),
        sa.column('seq', sa.Integer()),
        sa.column('at', sa.DateTime()),
        sa.column('actor_id', sa.Integer()),
        sa.column('action', sa.String()),
        sa.column('target', sa.String()),
        sa.column('details', sa.JSON()),
        sa.column('ip', sa.String()),
        sa.column('prev_hash', sa.String()),
        sa.column('hash', sa.String()),
    )
    conn = op.get_bind()
    prev_hash, seq = GENESIS, 0
    rows = conn.execute(
        sa.select(events.c.id, events.c.at, events.c.actor_id, events.c.action,
                  events.c.target, events.c.details, events.c.ip).order_by(events.c.id)
    ).all()
    for row in rows:
        seq += 1
        digest = _hash(prev_hash, SimpleNamespace(**row._mapping, seq=seq))
        conn.execute(
            events.update().where(events.c.id == row.id)
            .values(seq=seq, prev_hash=prev_hash, hash=digest)
        )
        prev_hash = digest
    conn.execute(
        sa.table('audit_chain_head', sa.column('id'), sa.column('seq'), sa.column('hash'))
        .insert().values(id=1, seq=seq, hash=prev_hash)
    )

    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.alter_column('seq', existing_type=sa.Integer(), nullable=False)
        batch_op.alter_column('prev_hash', existing_type=sa.String(length=64), nullable=False)
        batch_op.alter_column('hash', existing_type=sa.String(length=64), nullable=False)
        batch_op.create_unique_constraint(batch_op.f('uq_audit_events_seq'), ['seq'])
        batch_op.create_index(batch_op.f('ix_audit_events_target'), ['target'], unique=False)


def downgrade():
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_events_target'))
        batch_op.drop_constraint(batch_op.f('uq_audit_events_seq'), type_='unique')
        batch_op.drop_column('hash')
        batch_op.drop_column('prev_hash')
        batch_op.drop_column('seq')

    op.drop_table('audit_chain_head')
