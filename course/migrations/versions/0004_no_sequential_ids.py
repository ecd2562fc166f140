"""no sequential ids: composite keys for a learner's rows, random learner ids

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-06 10:12:31.402518

The four tables of a learner's rows lose their autoincrement `id`: the unique key each already
had becomes its primary key, so nothing stored numbers the answers in the order they came. On
SQLite they become WITHOUT ROWID tables (batch mode copies each one), else SQLite's hidden rowid
would keep that order all the same. `learner_id` becomes a BIGINT, as new learners get a random
63-bit id from the app (course/learning/models.py).

`learner.id` loses its sequence on PostgreSQL and becomes a BIGINT. On SQLite it stays
`INTEGER PRIMARY KEY`, which is the rowid itself, so a random id leaves no counter behind.
Existing learners keep their ids.

There is no way back: random learner ids do not fit the old 32-bit column.
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
import sqlmodel


# revision identifiers, used by Alembic.
revision: str = '0004'
down_revision: Union[str, Sequence[str], None] = '0003'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

# Each table's unique key, which becomes its primary key.
KEYS = {
    'answer': ['learner_id', 'item_id'],
    'scenario_step': ['learner_id', 'item_id', 'step'],
    'lesson_progress': ['learner_id', 'lesson_slug'],
    'film_event': ['learner_id', 'event'],
}


def upgrade() -> None:
    """Upgrade schema."""
    for table, key in KEYS.items():
        # On SQLite: one copy of the table, without a rowid. On PostgreSQL: plain ALTERs, and
        # dropping `id` drops its sequence.
        with op.batch_alter_table(
            table, recreate='always' if is_sqlite() else 'auto',
            table_kwargs={'sqlite_with_rowid': False},
        ) as batch_op:
            batch_op.drop_constraint(op.f(f"uq_{table}_{'_'.join(key)}"), type_='unique')
            batch_op.drop_constraint(op.f(f'pk_{table}'), type_='primary')
            batch_op.drop_column('id')
            batch_op.alter_column(
                'learner_id', existing_type=sa.Integer(), type_=sa.BigInteger(),
                existing_nullable=False,
            )
            batch_op.create_primary_key(op.f(f'pk_{table}'), key)
    if not is_sqlite():
        op.alter_column('learner', 'id', server_default=None, existing_type=sa.Integer())
        op.execute('DROP SEQUENCE IF EXISTS learner_id_seq')
        op.alter_column(
            'learner', 'id', existing_type=sa.Integer(), type_=sa.BigInteger(),
            existing_nullable=False,
        )


def downgrade() -> None:
    """Downgrade schema."""
    raise NotImplementedError(
        '0004 cannot be undone: random learner ids do not fit the old 32-bit column; '
        'restore a backup taken before the upgrade instead'
    )


def is_sqlite() -> bool:
    return op.get_bind().dialect.name == 'sqlite'
