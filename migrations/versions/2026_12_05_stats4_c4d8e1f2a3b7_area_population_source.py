"""area population source (SCB, or the demo's invented figures)

Revision ID: c4d8e1f2a3b7
Revises: b7e4a2c91d05
Create Date: 2026-12-05 00:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = 'c4d8e1f2a3b7'
down_revision = '54509e75dd49'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('area') as batch:
        batch.add_column(sa.Column('population_source', sa.String(length=200), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('area') as batch:
        batch.drop_column('population_source')
