"""sign-in failures per typed address, and the last code that signed in

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01 15:40:00

Failed sign-ins move from the teacher's row to a table keyed by a keyed hash of the typed
address, so that an address without an account locks exactly as one with an account does
(a lock-out no longer tells anyone which addresses have accounts). Each teacher keeps the
30-second step of the last authenticator code that signed in, so no code works twice.
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
import sqlmodel


# revision identifiers, used by Alembic.
revision: str = '0006'
down_revision: Union[str, Sequence[str], None] = '0005'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table('sign_in_failures',
    sa.Column('address_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('failures', sa.Integer(), nullable=False),
    sa.Column('locked_until', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_failed_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('address_hash', name=op.f('pk_sign_in_failures'))
    )
    with op.batch_alter_table('teacher', schema=None) as batch_op:
        batch_op.add_column(sa.Column('totp_last_step', sa.BigInteger(), nullable=True))
        batch_op.drop_column('failed_sign_ins')
        batch_op.drop_column('locked_until')


def downgrade() -> None:
    """Downgrade schema (counts of failures start again from none)."""
    with op.batch_alter_table('teacher', schema=None) as batch_op:
        batch_op.add_column(sa.Column('locked_until', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('failed_sign_ins', sa.Integer(), nullable=False, server_default='0'))
        batch_op.drop_column('totp_last_step')
    op.drop_table('sign_in_failures')
