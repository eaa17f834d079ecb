"""area population (optional denominator for rates) and its year

Revision ID: b7e4a2c91d05
Revises: a1f3c2d4e5b6
Create Date: 2026-12-04 00:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = 'b7e4a2c91d05'
down_revision = 'a1f3c2d4e5b6'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('area') as batch:
        batch.add_column(sa.Column('population', sa.Integer(), nullable=True))
        batch.add_column(sa.Column('population_year', sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('area') as batch:
        batch.drop_column('population_year')
        batch.drop_column('population')
