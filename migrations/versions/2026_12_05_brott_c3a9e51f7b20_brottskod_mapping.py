"""brottskod mapping: the kommun's brottskod -> category table for polisanmälda brott

The defaults live in ingest.brottskoder; this table holds a kommun's own choices and the codes it
mapped from its files. Reports of the new source "police_offences" need no schema change (the source
column is a string).

Revision ID: c3a9e51f7b20
Revises: b7e4a2c91d05
Create Date: 2026-12-05 00:00:00
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = 'c3a9e51f7b20'
down_revision = 'b7e4a2c91d05'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'brottskod_mapping',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('kommun_code', sqlmodel.sql.sqltypes.AutoString(length=4), nullable=False),
        sa.Column('brottskod', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
        sa.Column('brottskod_text', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column('category_code', sqlmodel.sql.sqltypes.AutoString(length=50), nullable=True),
        sa.ForeignKeyConstraint(['kommun_code'], ['kommun.code'],
                                name=op.f('fk_brottskod_mapping_kommun_code_kommun')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_brottskod_mapping')),
        sa.UniqueConstraint('kommun_code', 'brottskod', name='uq_brottskod_mapping_kommun_code'),
    )
    with op.batch_alter_table('brottskod_mapping', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_brottskod_mapping_kommun_code'), ['kommun_code'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('brottskod_mapping', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_brottskod_mapping_kommun_code'))
    op.drop_table('brottskod_mapping')
