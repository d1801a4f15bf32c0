"""contract start of a PPPK: their JP are counted per contract year

Revision ID: a61c0d2e9b47
Revises: f3a8d21c6b90
Create Date: 2026-11-30 08:40:00.000000

A PPPK is given competency development of at most 24 JP per contract year (PP 49/2018 Pasal 40),
counted from the anniversary of the contract's start; PNS keep the calendar year. Empty for PNS
and for PPPK whose start is not known yet (counted per calendar year until HR fills it in).

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "a61c0d2e9b47"
down_revision = "f3a8d21c6b90"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("contract_start", sa.Date(), nullable=True))


def downgrade():
    with op.batch_alter_table("users") as batch:
        batch.drop_column("contract_start")
