"""category_mapping: an organisation's own category texts, mapped once (issue 13 item 2)

Revision ID: c4d7e1a9b3f2
Revises: b7e4a2c91d05
Create Date: 2026-12-05 00:00:00
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = 'c4d7e1a9b3f2'
down_revision = 'c3a9e51f7b20'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('category_mapping',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('text_key', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('text', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('category_id', sa.Integer(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_by', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_category_mapping_organisation_id_organisation')),
    sa.ForeignKeyConstraint(['category_id'], ['category.id'], name=op.f('fk_category_mapping_category_id_category')),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_category_mapping_created_by_id_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_category_mapping')),
    sa.UniqueConstraint('organisation_id', 'text_key', name='uq_category_mapping_organisation_text'),
    )
    op.create_index(op.f('ix_category_mapping_organisation_id'), 'category_mapping', ['organisation_id'], unique=False)
    op.create_index(op.f('ix_category_mapping_category_id'), 'category_mapping', ['category_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_category_mapping_category_id'), table_name='category_mapping')
    op.drop_index(op.f('ix_category_mapping_organisation_id'), table_name='category_mapping')
    op.drop_table('category_mapping')
