"""rate-limit counts shared by every process

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02 01:10:00

The rate limits' counts (course/security/shared_counts.py): hits per keyed hash of an address
and one-minute window, so that several processes and hosts on one database share the limits.
Rows of ended windows are deleted as new ones are written.
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
import sqlmodel


# revision identifiers, used by Alembic.
revision: str = '0008'
down_revision: Union[str, Sequence[str], None] = '0007'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table('rate_count',
    sa.Column('minute', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('key', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('hits', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('minute', 'key', name=op.f('pk_rate_count'))
    )


def downgrade() -> None:
    """Downgrade schema (counts start again from none)."""
    op.drop_table('rate_count')
